import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConnectorError, type Connector, type ProvisioningOperation, type ProvisioningResult } from '../../../src/connectors/connector.js';
import { ldapConnectorFactory } from '../../../src/connectors/ldap/ldap-connector-factory.js';
import { ldapConnectorSettings, SLAPD_GROUPS, SLAPD_PASSWORD_ENV, SLAPD_PEOPLE, startSlapd, type Slapd } from '../../support/slapd.js';

// The LDAP connector against a real slapd: every operation checked through ldapsearch as well as through the
// connector's own answers, replays, and the failures a worker must tell apart (transient or permanent).

let slapd: Slapd;
const open: Connector[] = [];
let seq = 0;

function connector(extra: Record<string, unknown> = {}, password?: string): Connector {
  const { settings: raw, env } = ldapConnectorSettings(slapd, extra);
  const settings = ldapConnectorFactory.parseSettings(raw, 'connector test-ldap');
  const made = ldapConnectorFactory.create('test-ldap', settings, password === undefined ? env : { [SLAPD_PASSWORD_ENV]: password });
  open.push(made);
  return made;
}

function apply(c: Connector, operation: ProvisioningOperation, signal = new AbortController().signal): Promise<ProvisioningResult> {
  return c.apply({ idempotencyKey: `order-${++seq}`, operation, signal });
}

async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof ConnectorError, `expected a ConnectorError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the operation to fail');
}

/** The attribute values ldapsearch prints for one entry. */
function attributes(dn: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of slapd.search('(objectClass=*)', ['*', 'pwdAccountLockedTime'], dn).split('\n')) {
    const m = /^([A-Za-z][\w-]*):{1,2} ?(.*)$/.exec(line);
    if (!m || m[1] === 'dn') continue;
    (out[m[1]!] ??= []).push(m[2]!);
  }
  return out;
}

function group(cn: string, members: readonly string[]): string {
  slapd.add(`dn: cn=${cn},${SLAPD_GROUPS}\nobjectClass: groupOfNames\ncn: ${cn}\n${members.map((m) => `member: ${m}`).join('\n')}\n`);
  return `cn=${cn},${SLAPD_GROUPS}`;
}

function members(groupDn: string): string[] {
  return attributes(groupDn)['member'] ?? [];
}

before(async () => {
  slapd = await startSlapd();
});

after(async () => {
  for (const c of open) await c.close();
  await slapd?.close();
});

describe('creating accounts', () => {
  it('creates an inetOrgPerson entry under the people base, named by the login, with the mapped attributes', async () => {
    const c = connector();
    const result = await apply(c, {
      kind: 'create',
      attributes: { login: 'jdoe', firstName: 'John', lastName: 'Doe', email: 'john.doe@example.org', title: 'Clerk', department: 'Sales', employeeId: 'E1001', phone: ['+1 555 0100', '+1 555 0101'] },
    });
    assert.deepEqual(result, { key: `uid=jdoe,${SLAPD_PEOPLE}`, outcome: 'created' });
    const entry = attributes(result.key);
    assert.deepEqual(entry['objectClass']?.sort(), ['inetOrgPerson', 'organizationalPerson', 'person', 'top']);
    assert.deepEqual(entry['uid'], ['jdoe']);
    assert.deepEqual(entry['cn'], ['John Doe']);
    assert.deepEqual(entry['sn'], ['Doe']);
    assert.deepEqual(entry['givenName'], ['John']);
    assert.deepEqual(entry['mail'], ['john.doe@example.org']);
    assert.deepEqual(entry['title'], ['Clerk']);
    assert.deepEqual(entry['departmentNumber'], ['Sales']);
    assert.deepEqual(entry['employeeNumber'], ['E1001']);
    assert.deepEqual(entry['telephoneNumber']?.sort(), ['+1 555 0100', '+1 555 0101']);
  });

  it('writes the manager as the DN of the manager’s account, and the display name as cn', async () => {
    const c = connector();
    const result = await apply(c, { kind: 'create', attributes: { login: 'mgr.report', displayName: 'Rita Report', manager: 'jboss' } });
    const entry = attributes(result.key);
    assert.deepEqual(entry['manager'], [`uid=jboss,${SLAPD_PEOPLE}`]);
    assert.deepEqual(entry['cn'], ['Rita Report']);
    assert.deepEqual(entry['sn'], ['mgr.report'], 'sn is required: the login stands in for a missing last name');
  });

  it('adopts the account when a create is replayed, and the directory still holds it once', async () => {
    const c = connector();
    const op: ProvisioningOperation = { kind: 'create', attributes: { login: 'replayed', firstName: 'Re', lastName: 'Played' } };
    const first = await apply(c, op);
    const second = await apply(c, op);
    assert.equal(first.outcome, 'created');
    assert.deepEqual(second, { key: first.key, outcome: 'adopted' });
    assert.deepEqual(slapd.dns('(uid=replayed)'), [`uid=replayed,${SLAPD_PEOPLE}`]);
  });

  it('adopts an account made by hand, wherever it sits under the people base, and brings its attributes in line', async () => {
    slapd.add(`dn: ou=contractors,${SLAPD_PEOPLE}\nobjectClass: organizationalUnit\nou: contractors\n\ndn: uid=byhand,ou=contractors,${SLAPD_PEOPLE}\nobjectClass: inetOrgPerson\nuid: byhand\ncn: By Hand\nsn: Hand\nmail: old@example.org\n`);
    const result = await apply(connector(), { kind: 'create', attributes: { login: 'byhand', lastName: 'Hand', email: 'new@example.org' } });
    assert.deepEqual(result, { key: `uid=byhand,ou=contractors,${SLAPD_PEOPLE}`, outcome: 'adopted' });
    assert.deepEqual(attributes(result.key)['mail'], ['new@example.org']);
    assert.equal(slapd.dns('(uid=byhand)').length, 1);
  });

  it('makes one entry when many workers create the same login at once', async () => {
    const c = connector({ poolSize: 4 });
    const results = await Promise.all(Array.from({ length: 12 }, () => apply(c, { kind: 'create', attributes: { login: 'racer', lastName: 'Racer' } })));
    assert.equal(results.filter((r) => r.outcome === 'created').length, 1);
    assert.ok(results.every((r) => r.key === `uid=racer,${SLAPD_PEOPLE}`));
    assert.equal(slapd.dns('(uid=racer)').length, 1);
  });

  it('escapes a login that holds DN special characters, and answers the same key when the create is replayed', async () => {
    for (const login of ['o,brien+x', ' lead', 'trail ', '#hash', 'q"<>;=\\z']) {
      const result = await apply(connector(), { kind: 'create', attributes: { login, lastName: 'Odd' } });
      assert.equal(result.outcome, 'created', login);
      const filter = `(uid=${login.replace(/[\\*()]/g, (ch) => `\\${ch.charCodeAt(0).toString(16)}`)})`;
      assert.deepEqual(slapd.dns(filter), [result.key], login);
      assert.deepEqual(await apply(connector(), { kind: 'create', attributes: { login } }), { key: result.key, outcome: 'adopted' }, login);
    }
    // Every later operation takes such a key as it was answered.
    const c = connector();
    const { key } = await apply(c, { kind: 'create', attributes: { login: 'comma,user', lastName: 'Comma' } });
    assert.equal((await apply(c, { kind: 'update', key, attributes: { title: 'Odd' } })).outcome, 'changed');
    assert.equal((await apply(c, { kind: 'disable', key })).outcome, 'changed');
    const g = group('odd-names', [key]);
    const renamed = await apply(c, { kind: 'rename', key, newLogin: 'comma,user+2' });
    assert.deepEqual(slapd.dns('(uid=comma,user+2)'), [renamed.key]);
    assert.deepEqual(members(g), [renamed.key]);
    assert.equal((await apply(c, { kind: 'delete', key: renamed.key })).outcome, 'deleted');
    assert.deepEqual(slapd.dns('(uid=comma,user+2)'), []);
    assert.deepEqual(members(g), ['']);
  });

  it('with lookup dn, lets the add look at the login\'s DN: a replay or a race still makes one entry', async () => {
    const c = connector({ lookup: 'dn' });
    const results = await Promise.all(Array.from({ length: 6 }, () => apply(c, { kind: 'create', attributes: { login: 'dnlook', lastName: 'Look' } })));
    assert.equal(results.filter((r) => r.outcome === 'created').length, 1);
    assert.ok(results.every((r) => r.key === `uid=dnlook,${SLAPD_PEOPLE}`));
    assert.deepEqual(await apply(c, { kind: 'create', attributes: { login: 'dnlook', email: 'look@example.org' } }), { key: `uid=dnlook,${SLAPD_PEOPLE}`, outcome: 'adopted' });
    assert.deepEqual(attributes(`uid=dnlook,${SLAPD_PEOPLE}`)['mail'], ['look@example.org']);
    assert.equal(slapd.dns('(uid=dnlook)').length, 1);
  });

  it('refuses an attribute outside the neutral vocabulary, permanently, and creates nothing', async () => {
    const error = await rejection(apply(connector(), { kind: 'create', attributes: { login: 'oddone', shoeSize: '44' } }));
    assert.equal(error.code, 'CONNECTOR_ATTRIBUTE_UNKNOWN');
    assert.equal(error.transient, false);
    assert.match(error.message, /shoeSize/);
    assert.deepEqual(slapd.dns('(uid=oddone)'), []);
  });

  it('refuses a value the schema refuses, permanently', async () => {
    const error = await rejection(apply(connector(), { kind: 'create', attributes: { login: 'twonames', displayName: ['One', 'Two'] } }));
    assert.equal(error.code, 'CONNECTOR_REJECTED');
    assert.equal(error.transient, false);
  });
});

describe('updating accounts', () => {
  it('replaces the attributes given, removes those given as null, and leaves the others', async () => {
    const c = connector();
    const { key } = await apply(c, { kind: 'create', attributes: { login: 'upd', firstName: 'Up', lastName: 'Date', email: 'upd@example.org', title: 'Clerk' } });
    const result = await apply(c, { kind: 'update', key, attributes: { email: 'upd2@example.org', title: null } });
    assert.deepEqual(result, { key, outcome: 'changed' });
    const entry = attributes(key);
    assert.deepEqual(entry['mail'], ['upd2@example.org']);
    assert.equal(entry['title'], undefined);
    assert.deepEqual(entry['givenName'], ['Up']);
    assert.deepEqual(entry['cn'], ['Up Date']);
  });

  it('answers unchanged when a replayed update finds the values already there', async () => {
    const c = connector();
    const { key } = await apply(c, { kind: 'create', attributes: { login: 'upd.replay', lastName: 'Replay' } });
    const op: ProvisioningOperation = { kind: 'update', key, attributes: { email: 'r@example.org', location: 'Lyon' } };
    assert.equal((await apply(c, op)).outcome, 'changed');
    assert.equal((await apply(c, op)).outcome, 'unchanged');
  });

  it('recomputes cn and sn when a name changes, and keeps a cn set by hand otherwise', async () => {
    const c = connector();
    const { key } = await apply(c, { kind: 'create', attributes: { login: 'names', firstName: 'Ann', lastName: 'Old' } });
    await apply(c, { kind: 'update', key, attributes: { lastName: 'New' } });
    assert.deepEqual(attributes(key)['cn'], ['Ann New']);
    assert.deepEqual(attributes(key)['sn'], ['New']);
    slapd.modify(`dn: ${key}\nchangetype: modify\nreplace: cn\ncn: Annie\n`);
    await apply(c, { kind: 'update', key, attributes: { email: 'ann@example.org' } });
    assert.deepEqual(attributes(key)['cn'], ['Annie']);
  });

  it('fails permanently with CONNECTOR_NOT_FOUND when the account is not there', async () => {
    const error = await rejection(apply(connector(), { kind: 'update', key: `uid=nobody,${SLAPD_PEOPLE}`, attributes: { email: 'x@example.org' } }));
    assert.equal(error.code, 'CONNECTOR_NOT_FOUND');
    assert.equal(error.transient, false);
  });
});

describe('renaming accounts', () => {
  it('moves the entry to its new RDN, keeps its attributes and its group memberships, and answers the new key', async () => {
    const c = connector();
    const { key } = await apply(c, { kind: 'create', attributes: { login: 'asmith', firstName: 'Ann', lastName: 'Smith', email: 'ann@example.org' } });
    const g = group('renamers', [key]);
    const result = await apply(c, { kind: 'rename', key, newLogin: 'ajones', attributes: { lastName: 'Jones' } });
    assert.deepEqual(result, { key: `uid=ajones,${SLAPD_PEOPLE}`, outcome: 'changed' });
    assert.deepEqual(slapd.dns('(uid=asmith)'), []);
    const entry = attributes(result.key);
    assert.deepEqual(entry['uid'], ['ajones']);
    assert.deepEqual(entry['sn'], ['Jones']);
    assert.deepEqual(entry['mail'], ['ann@example.org']);
    assert.deepEqual(members(g), [result.key]);
  });

  it('answers the new key when a rename is replayed with the old key', async () => {
    const c = connector();
    const { key } = await apply(c, { kind: 'create', attributes: { login: 'before', lastName: 'Before' } });
    const op: ProvisioningOperation = { kind: 'rename', key, newLogin: 'after' };
    const first = await apply(c, op);
    const second = await apply(c, op);
    assert.deepEqual(second, { key: first.key, outcome: 'unchanged' });
    assert.deepEqual(slapd.dns('(|(uid=before)(uid=after))'), [`uid=after,${SLAPD_PEOPLE}`]);
  });

  it('refuses to take a login another account holds', async () => {
    const c = connector();
    const { key } = await apply(c, { kind: 'create', attributes: { login: 'taker', lastName: 'T' } });
    await apply(c, { kind: 'create', attributes: { login: 'taken', lastName: 'T' } });
    const error = await rejection(apply(c, { kind: 'rename', key, newLogin: 'taken' }));
    assert.equal(error.code, 'CONNECTOR_REJECTED');
    assert.equal(error.transient, false);
    assert.deepEqual(slapd.dns('(uid=taker)'), [key]);
  });

  it('renames an entry named by cn when rdnAttribute is cn, and changes its uid with it', async () => {
    const c = connector({ rdnAttribute: 'cn' });
    const { key } = await apply(c, { kind: 'create', attributes: { login: 'cnuser', displayName: 'Cn User' } });
    assert.equal(key, `cn=cnuser,${SLAPD_PEOPLE}`);
    const result = await apply(c, { kind: 'rename', key, newLogin: 'cnuser2' });
    assert.equal(result.key, `cn=cnuser2,${SLAPD_PEOPLE}`);
    assert.deepEqual(attributes(result.key)['uid'], ['cnuser2']);
    assert.deepEqual(attributes(result.key)['displayName'], ['Cn User']);
  });
});

describe('disabling and enabling accounts', () => {
  it('locks the account with pwdAccountLockedTime so it cannot sign in, and enable lets it sign in again', async () => {
    const c = connector();
    const { key } = await apply(c, { kind: 'create', attributes: { login: 'leaver', lastName: 'Leaver' } });
    slapd.modify(`dn: ${key}\nchangetype: modify\nreplace: userPassword\nuserPassword: leaverpw\n`);
    assert.equal(slapd.canBind(key, 'leaverpw'), true);

    assert.deepEqual(await apply(c, { kind: 'disable', key }), { key, outcome: 'changed' });
    assert.deepEqual(attributes(key)['pwdAccountLockedTime'], ['000001010000Z']);
    assert.equal(slapd.canBind(key, 'leaverpw'), false);
    assert.deepEqual(await apply(c, { kind: 'disable', key }), { key, outcome: 'unchanged' });

    assert.deepEqual(await apply(c, { kind: 'enable', key }), { key, outcome: 'changed' });
    assert.equal(attributes(key)['pwdAccountLockedTime'], undefined);
    assert.equal(slapd.canBind(key, 'leaverpw'), true);
    assert.deepEqual(await apply(c, { kind: 'enable', key }), { key, outcome: 'unchanged' });
  });

  it('sets and removes the configured attribute when disable names one', async () => {
    const c = connector({ disable: { method: 'attribute', attribute: 'employeeType', value: 'disabled' } });
    const { key } = await apply(c, { kind: 'create', attributes: { login: 'flagged', lastName: 'Flagged' } });
    await apply(c, { kind: 'disable', key });
    assert.deepEqual(attributes(key)['employeeType'], ['disabled']);
    await apply(c, { kind: 'enable', key });
    assert.equal(attributes(key)['employeeType'], undefined);
  });

  it('fails permanently with CONNECTOR_NOT_FOUND when disabling an account that is not there', async () => {
    const error = await rejection(apply(connector(), { kind: 'disable', key: `uid=ghost,${SLAPD_PEOPLE}` }));
    assert.equal(error.code, 'CONNECTOR_NOT_FOUND');
  });
});

describe('deleting accounts', () => {
  it('removes the entry and its memberships, and a replayed delete of an entry already gone succeeds', async () => {
    const c = connector();
    const { key } = await apply(c, { kind: 'create', attributes: { login: 'gone', lastName: 'Gone' } });
    const other = (await apply(c, { kind: 'create', attributes: { login: 'stays', lastName: 'Stays' } })).key;
    const g = group('deleters', [key, other]);
    assert.deepEqual(await apply(c, { kind: 'delete', key }), { key, outcome: 'deleted' });
    assert.deepEqual(slapd.dns('(uid=gone)'), []);
    assert.deepEqual(members(g), [other]);
    assert.deepEqual(await apply(c, { kind: 'delete', key }), { key, outcome: 'deleted' });
  });
});

describe('group memberships', () => {
  it('adds and removes a member of a groupOfNames, and replays answer unchanged', async () => {
    const c = connector();
    const { key } = await apply(c, { kind: 'create', attributes: { login: 'joiner', lastName: 'Joiner' } });
    const other = (await apply(c, { kind: 'create', attributes: { login: 'member0', lastName: 'Zero' } })).key;
    const g = group('staff', [other]);
    assert.deepEqual(await apply(c, { kind: 'addMember', key, group: g }), { key, outcome: 'changed' });
    assert.deepEqual(members(g).sort(), [key, other].sort());
    assert.deepEqual(await apply(c, { kind: 'addMember', key, group: g }), { key, outcome: 'unchanged' });
    assert.deepEqual(await apply(c, { kind: 'removeMember', key, group: g }), { key, outcome: 'changed' });
    assert.deepEqual(members(g), [other]);
    assert.deepEqual(await apply(c, { kind: 'removeMember', key, group: g }), { key, outcome: 'unchanged' });
  });

  it('names a group by its cn under groupBase, keeps an emptied group valid with the empty DN, and drops it on the next add', async () => {
    const c = connector();
    const { key } = await apply(c, { kind: 'create', attributes: { login: 'solo', lastName: 'Solo' } });
    const g = group('lonely', [key]);
    assert.equal((await apply(c, { kind: 'removeMember', key, group: 'lonely' })).outcome, 'changed');
    assert.deepEqual(members(g), [''], 'groupOfNames needs a member: the empty DN stands in');
    assert.equal((await apply(c, { kind: 'addMember', key, group: 'lonely' })).outcome, 'changed');
    assert.deepEqual(members(g), [key]);
  });

  it('fails permanently with CONNECTOR_NOT_FOUND when the group or the account is not there', async () => {
    const c = connector();
    const { key } = await apply(c, { kind: 'create', attributes: { login: 'groupless', lastName: 'G' } });
    const noGroup = await rejection(apply(c, { kind: 'addMember', key, group: 'no-such-group' }));
    assert.equal(noGroup.code, 'CONNECTOR_NOT_FOUND');
    assert.equal(noGroup.transient, false);
    const g = group('real', [key]);
    const noAccount = await rejection(apply(c, { kind: 'addMember', key: `uid=nobody,${SLAPD_PEOPLE}`, group: g }));
    assert.equal(noAccount.code, 'CONNECTOR_NOT_FOUND');
  });
});

describe('connections', () => {
  it('carries many orders at once over at most poolSize connections', async () => {
    const c = connector({ poolSize: 3 });
    const before = slapd.connections();
    const results = await Promise.all(Array.from({ length: 150 }, (_, i) => apply(c, { kind: 'create', attributes: { login: `pooled-${i}`, lastName: 'Pooled' } })));
    assert.equal(results.filter((r) => r.outcome === 'created').length, 150);
    const opened = slapd.connections() - before;
    assert.ok(opened >= 1 && opened <= 3, `${opened} connections opened`);
    assert.equal(slapd.dns('(uid=pooled-*)', SLAPD_PEOPLE).length, 150);
  });
});

describe('failures a worker must tell apart', () => {
  it('fails permanently with CONNECTOR_AUTH_FAILED on a wrong password, and never says the password', async () => {
    const c = connector({}, 'wrong-horse-battery');
    const error = await rejection(apply(c, { kind: 'create', attributes: { login: 'never' } }));
    assert.equal(error.code, 'CONNECTOR_AUTH_FAILED');
    assert.equal(error.transient, false);
    assert.doesNotMatch(`${error.message} ${JSON.stringify(error.details)} ${error.stack}`, /wrong-horse-battery/);
    const check = await c.check(new AbortController().signal);
    assert.equal(check.ok, false);
    assert.match(check.detail, /CONNECTOR_AUTH_FAILED/);
    assert.doesNotMatch(check.detail, /wrong-horse-battery/);
    assert.deepEqual(slapd.dns('(uid=never)'), []);
  });

  it('fails transiently with CONNECTOR_UNAVAILABLE while slapd is stopped, and works again once it is back', async () => {
    const c = connector();
    await apply(c, { kind: 'create', attributes: { login: 'before.stop', lastName: 'B' } });
    await slapd.stop();
    try {
      const error = await rejection(apply(c, { kind: 'create', attributes: { login: 'during.stop', lastName: 'D' } }));
      assert.equal(error.code, 'CONNECTOR_UNAVAILABLE');
      assert.equal(error.transient, true);
      const check = await c.check(new AbortController().signal);
      assert.equal(check.ok, false);
    } finally {
      await slapd.start();
    }
    const result = await apply(c, { kind: 'create', attributes: { login: 'during.stop', lastName: 'D' } });
    assert.equal(result.outcome, 'created');
    assert.deepEqual(slapd.dns('(uid=during.stop)'), [result.key]);
  });

  it('stops waiting at once when the order is aborted, with a transient error', async () => {
    const c = connector();
    await apply(c, { kind: 'create', attributes: { login: 'warmup', lastName: 'W' } });
    slapd.freeze();
    try {
      const controller = new AbortController();
      const pending = apply(c, { kind: 'create', attributes: { login: 'hung', lastName: 'H' } }, controller.signal);
      controller.abort(new Error('the order lease ended'));
      const error = await rejection(pending);
      assert.equal(error.code, 'CONNECTOR_TIMEOUT');
      assert.equal(error.transient, true);
    } finally {
      slapd.thaw();
    }
  });

  it('fails transiently with CONNECTOR_TIMEOUT when the directory does not answer within timeoutMs', async () => {
    const c = connector({ timeoutMs: 200 });
    await apply(c, { kind: 'create', attributes: { login: 'warm2', lastName: 'W' } });
    slapd.freeze();
    try {
      const error = await rejection(apply(c, { kind: 'update', key: `uid=warm2,${SLAPD_PEOPLE}`, attributes: { title: 'x' } }));
      assert.equal(error.code, 'CONNECTOR_TIMEOUT');
      assert.equal(error.transient, true);
    } finally {
      slapd.thaw();
    }
    assert.equal((await apply(c, { kind: 'update', key: `uid=warm2,${SLAPD_PEOPLE}`, attributes: { title: 'x' } })).key, `uid=warm2,${SLAPD_PEOPLE}`);
  });
});

describe('checking a connector', () => {
  it('binds and finds the people and group bases and the ppolicy schema', async () => {
    const check = await connector().check(new AbortController().signal);
    assert.equal(check.ok, true, check.detail);
    assert.match(check.detail, /bound as cn=admin,dc=example,dc=org/);
    assert.match(check.detail, /ou=people,dc=example,dc=org exists/);
    assert.match(check.detail, /pwdAccountLockedTime/);
  });

  it('says which base is missing', async () => {
    const check = await connector({ groupBase: 'ou=nowhere,dc=example,dc=org' }).check(new AbortController().signal);
    assert.equal(check.ok, false);
    assert.match(check.detail, /groupBase ou=nowhere,dc=example,dc=org does not exist/);
  });
});
