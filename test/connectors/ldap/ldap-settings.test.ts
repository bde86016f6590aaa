import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdflowError } from '../../../src/errors.js';
import { ldapConnectorFactory } from '../../../src/connectors/ldap/ldap-connector-factory.js';

// The settings of an LDAP connector object, validated once at import: each refusal is coded and names the setting.

const GOOD = { url: 'ldap://127.0.0.1:3389', bindDn: 'cn=admin,dc=example,dc=org', passwordEnv: 'IDFLOW_LDAP_PASSWORD', peopleBase: 'ou=people,dc=example,dc=org' };

function refusal(raw: Record<string, unknown>): IdflowError {
  try {
    ldapConnectorFactory.parseSettings(raw, 'connector ldap-main');
  } catch (e) {
    assert.ok(e instanceof IdflowError);
    return e;
  }
  assert.fail('expected the settings to be refused');
}

describe('LDAP connector settings', () => {
  it('fills in the documented defaults', () => {
    const settings = ldapConnectorFactory.parseSettings(GOOD, 'connector ldap-main');
    assert.equal(settings.rdnAttribute, 'uid');
    assert.equal(settings.lookup, 'search');
    assert.deepEqual(settings.disable, { method: 'ppolicy' });
    assert.equal(settings.timeoutMs, 10_000);
    assert.equal(settings.connectTimeoutMs, 5_000);
    assert.equal(settings.poolSize, 4);
    assert.equal(settings.emptyGroupMember, '');
    assert.equal(settings.startTls, false);
    assert.equal(settings.tls.rejectUnauthorized, true);
  });

  it('reads numbers and flags written as text, as settings read from XML are', () => {
    const settings = ldapConnectorFactory.parseSettings({ ...GOOD, timeoutMs: '2500', poolSize: '8', startTls: 'true', tls: { rejectUnauthorized: 'false' } }, 'connector ldap-main');
    assert.equal(settings.timeoutMs, 2500);
    assert.equal(settings.poolSize, 8);
    assert.equal(settings.startTls, true);
    assert.equal(settings.tls.rejectUnauthorized, false);
    assert.equal(refusal({ ...GOOD, timeoutMs: 'soon' }).details['setting'], 'timeoutMs');
  });

  it('refuses a missing or malformed setting with CONNECTOR_SETTINGS_INVALID naming it', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...GOOD, url: undefined }, 'url'],
      [{ ...GOOD, url: 'http://ldap.example.org' }, 'url'],
      [{ ...GOOD, bindDn: 'admin' }, 'bindDn'],
      [{ ...GOOD, passwordEnv: 'not a variable' }, 'passwordEnv'],
      [{ ...GOOD, peopleBase: '' }, 'peopleBase'],
      [{ ...GOOD, rdnAttribute: 'mail' }, 'rdnAttribute'],
      [{ ...GOOD, timeoutMs: 0 }, 'timeoutMs'],
      [{ ...GOOD, poolSize: 1.5 }, 'poolSize'],
      [{ ...GOOD, lookup: 'guess' }, 'lookup'],
      [{ ...GOOD, disable: { method: 'move' } }, 'disable.method'],
      [{ ...GOOD, disable: { method: 'attribute' } }, 'disable.attribute'],
      [{ ...GOOD, tls: { rejectUnauthorised: false } }, 'tls.rejectUnauthorised'],
      [{ ...GOOD, url: 'ldaps://ldap.example.org', startTls: true }, 'startTls'],
      [{ ...GOOD, colour: 'blue' }, 'colour'],
    ];
    for (const [raw, setting] of cases) {
      const error = refusal(raw);
      assert.equal(error.code, 'CONNECTOR_SETTINGS_INVALID', setting);
      assert.equal(error.details['setting'], setting);
      assert.match(error.message, /connector ldap-main/);
    }
  });

  it('refuses a password written into the settings, and does not repeat it', () => {
    const error = refusal({ ...GOOD, bindPassword: 'hunter2' });
    assert.equal(error.code, 'CONNECTOR_SETTINGS_INVALID');
    assert.match(error.message, /passwordEnv/);
    assert.doesNotMatch(`${error.message} ${JSON.stringify(error.details)}`, /hunter2/);
  });

  it('refuses to make a connector when the password variable is not set', () => {
    const settings = ldapConnectorFactory.parseSettings(GOOD, 'connector ldap-main');
    assert.throws(() => ldapConnectorFactory.create('ldap-main', settings, {}), (e: unknown) => e instanceof IdflowError && e.code === 'CONNECTOR_SECRET_MISSING' && /IDFLOW_LDAP_PASSWORD/.test(e.message));
  });
});
