import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SLAPD_GROUPS, SLAPD_PEOPLE, startSlapd, type Slapd } from '../../support/slapd.js';

// The throwaway slapd the LDAP and provisioning tests use: seeded, and able to go away and come back with its data
// on the same port, which the fault tests rely on.

let slapd: Slapd;
before(async () => {
  slapd = await startSlapd();
});
after(async () => {
  await slapd?.close();
});

describe('the test slapd', () => {
  it('starts seeded with the people and group bases', () => {
    assert.deepEqual(slapd.dns('(objectClass=organizationalUnit)').sort(), ['ou=groups,dc=example,dc=org', 'ou=people,dc=example,dc=org', 'ou=policies,dc=example,dc=org']);
    assert.match(slapd.url, /^ldap:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(SLAPD_GROUPS && SLAPD_PEOPLE);
  });

  it('comes back after stopFor on the same port with everything it held', async () => {
    slapd.add(`dn: uid=kept,${SLAPD_PEOPLE}\nobjectClass: inetOrgPerson\nuid: kept\ncn: Kept\nsn: Kept\n`);
    const url = slapd.url;
    const { stopped, restarted } = slapd.stopFor(200);
    await stopped;
    assert.equal(slapd.running, false);
    assert.throws(() => slapd.dns('(uid=kept)'));
    await restarted;
    assert.equal(slapd.running, true);
    assert.equal(slapd.url, url);
    assert.deepEqual(slapd.dns('(uid=kept)'), [`uid=kept,${SLAPD_PEOPLE}`]);
  });

  it('restarts after a SIGKILL too', async () => {
    await slapd.stop({ kill: true });
    await slapd.start();
    assert.deepEqual(slapd.dns('(ou=people)'), [SLAPD_PEOPLE]);
  });
});
