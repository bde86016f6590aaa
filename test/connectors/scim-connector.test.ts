import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ConnectorError, type ProvisioningOperation, type ProvisioningResult } from '../../src/connectors/connector.js';
import { ScimConnector, scimConnectorFactory } from '../../src/connectors/scim/scim-connector.js';
import { SCIM_ENTERPRISE_SCHEMA, ScimTestServer } from '../support/scim-server.js';

const TOKEN = 'test-token-0f3a';
const ENV = { SCIM_TEST_TOKEN: TOKEN };

let server: ScimTestServer;
let orderSeq = 0;

function connector(settings: Record<string, unknown> = {}, env: Record<string, string | undefined> = ENV): ScimConnector {
  const parsed = scimConnectorFactory.parseSettings({ baseUrl: server.baseUrl, tokenEnv: 'SCIM_TEST_TOKEN', ...settings }, 'test');
  return scimConnectorFactory.create('crm', parsed, env) as ScimConnector;
}

function apply(c: ScimConnector, operation: ProvisioningOperation, idempotencyKey = `order-${++orderSeq}`, signal = new AbortController().signal): Promise<ProvisioningResult> {
  return c.apply({ idempotencyKey, operation, signal });
}

async function refusal(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof ConnectorError, `expected a ConnectorError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the operation to fail');
}

const JDOE = { login: 'jdoe', firstName: 'John', lastName: 'Doe', email: 'john.doe@example.org', department: 'Sales' };

before(async () => {
  server = await ScimTestServer.start({ token: TOKEN });
});
after(async () => {
  await server.close();
});
beforeEach(() => {
  server.store.users.clear();
  server.store.groups.clear();
  server.requests.length = 0;
});

describe('the SCIM connector against a scimmy service', () => {
  it('creates a user with the neutral attributes mapped to SCIM core and enterprise attributes', async () => {
    const result = await apply(connector(), { kind: 'create', attributes: JDOE });
    assert.equal(result.outcome, 'created');
    const user = server.store.users.get(result.key);
    assert.ok(user, 'the user is in the service under the key answered');
    assert.equal(user.userName, 'jdoe');
    assert.deepEqual(user['name'], { givenName: 'John', familyName: 'Doe' });
    assert.deepEqual(user['emails'], [{ value: 'john.doe@example.org', type: 'work', primary: true }]);
    assert.equal((user[SCIM_ENTERPRISE_SCHEMA] as Record<string, unknown>)['department'], 'Sales');
    assert.equal(user.active, true);
    assert.equal(server.requests.find((r) => r.method === 'POST')?.headers['authorization'], `Bearer ${TOKEN}`);
  });

  it('adopts a user that is already there instead of creating a second one, and brings it in line', async () => {
    const made = server.store.addUser({ userName: 'jdoe', active: false, title: 'made by hand' });
    const result = await apply(connector(), { kind: 'create', attributes: JDOE });
    assert.deepEqual(result, { key: made.id, outcome: 'adopted' });
    assert.equal(server.store.users.size, 1);
    assert.equal(server.writes().filter((w) => w.startsWith('POST')).length, 0, 'no POST');
    assert.equal(server.store.users.get(made.id)!.active, true);
    assert.deepEqual(server.store.users.get(made.id)!['name'], { givenName: 'John', familyName: 'Doe' });
  });

  it('answers a replayed create with the same account', async () => {
    const c = connector();
    const first = await apply(c, { kind: 'create', attributes: JDOE }, 'order-replayed');
    const again = await apply(c, { kind: 'create', attributes: JDOE }, 'order-replayed');
    assert.equal(again.key, first.key);
    assert.equal(again.outcome, 'adopted');
    assert.equal(server.store.users.size, 1);
  });

  it('updates, renames, disables, enables and deletes a user by PATCH and DELETE', async () => {
    const c = connector();
    const { key } = await apply(c, { kind: 'create', attributes: JDOE });
    assert.equal((await apply(c, { kind: 'update', key, attributes: { title: 'Manager', department: null } })).outcome, 'changed');
    let user = server.store.users.get(key)!;
    assert.equal(user['title'], 'Manager');
    assert.equal((user[SCIM_ENTERPRISE_SCHEMA] as Record<string, unknown> | undefined)?.['department'], undefined);

    const renamed = await apply(c, { kind: 'rename', key, newLogin: 'john.doe', attributes: { login: 'jdoe', lastName: 'Doe-Smith' } });
    assert.equal(renamed.key, key, 'a SCIM id survives a rename');
    user = server.store.users.get(key)!;
    assert.equal(user.userName, 'john.doe');
    assert.equal((user['name'] as Record<string, string>)['familyName'], 'Doe-Smith');

    await apply(c, { kind: 'disable', key });
    assert.equal(server.store.users.get(key)!.active, false);
    await apply(c, { kind: 'enable', key });
    assert.equal(server.store.users.get(key)!.active, true);

    assert.deepEqual(await apply(c, { kind: 'delete', key }), { key, outcome: 'deleted' });
    assert.equal(server.store.users.size, 0);
    assert.deepEqual(await apply(c, { kind: 'delete', key }), { key, outcome: 'deleted' }, 'deleting what is gone succeeds');
  });

  it('sets the manager by looking up the manager’s SCIM id from the login', async () => {
    const c = connector();
    const boss = await apply(c, { kind: 'create', attributes: { login: 'boss' } });
    const { key } = await apply(c, { kind: 'create', attributes: { login: 'jdoe', manager: 'boss' } });
    assert.deepEqual((server.store.users.get(key)![SCIM_ENTERPRISE_SCHEMA] as Record<string, unknown>)['manager'], { value: boss.key });
    const missing = await refusal(apply(c, { kind: 'update', key, attributes: { manager: 'nobody' } }));
    assert.equal(missing.code, 'CONNECTOR_NOT_FOUND');
  });

  it('adds and removes group members by PATCH on the group found by displayName, idempotently', async () => {
    const c = connector();
    server.store.addGroup('Sales Team');
    const { key } = await apply(c, { kind: 'create', attributes: JDOE });
    await apply(c, { kind: 'addMember', key, group: 'Sales Team' });
    await apply(c, { kind: 'addMember', key, group: 'Sales Team' });
    assert.deepEqual(server.store.memberNames('Sales Team'), ['jdoe']);
    await apply(c, { kind: 'removeMember', key, group: 'Sales Team' });
    await apply(c, { kind: 'removeMember', key, group: 'Sales Team' });
    assert.deepEqual(server.store.memberNames('Sales Team'), []);
    const groupLookups = server.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/Groups')).length;
    assert.equal(groupLookups, 1, 'the group is looked up once');
  });

  it('looks a group up again when the one it knew was deleted and made anew', async () => {
    const c = connector();
    const old = server.store.addGroup('Staff');
    const { key } = await apply(c, { kind: 'create', attributes: JDOE });
    await apply(c, { kind: 'addMember', key, group: 'Staff' });
    server.store.groups.delete(old.id);
    server.store.addGroup('Staff');
    await apply(c, { kind: 'addMember', key, group: 'Staff' });
    assert.deepEqual(server.store.memberNames('Staff'), ['jdoe']);
  });

  it('refuses a group the target does not have as not found, permanently', async () => {
    const c = connector();
    const { key } = await apply(c, { kind: 'create', attributes: JDOE });
    const e = await refusal(apply(c, { kind: 'addMember', key, group: 'No Such Group' }));
    assert.equal(e.code, 'CONNECTOR_NOT_FOUND');
    assert.equal(e.transient, false);
  });

  it('refuses an attribute outside the neutral vocabulary before sending anything', async () => {
    const e = await refusal(apply(connector(), { kind: 'create', attributes: { login: 'x', shoeSize: '44' } }));
    assert.equal(e.code, 'CONNECTOR_ATTRIBUTE_UNKNOWN');
    assert.equal(server.requests.length, 0);
    const off = await refusal(apply(connector({ enterpriseExtension: 'false' }), { kind: 'create', attributes: { login: 'x', department: 'IT' } }));
    assert.equal(off.code, 'CONNECTOR_ATTRIBUTE_UNKNOWN');
  });

  it('reports an update of an account that is gone as not found, permanently', async () => {
    const e = await refusal(apply(connector(), { kind: 'update', key: 'no-such-id', attributes: { title: 'x' } }));
    assert.equal(e.code, 'CONNECTOR_NOT_FOUND');
    assert.equal(e.transient, false);
  });

  it('reports a taken userName on rename as a permanent refusal', async () => {
    const c = connector();
    await apply(c, { kind: 'create', attributes: { login: 'taken' } });
    const { key } = await apply(c, { kind: 'create', attributes: JDOE });
    const e = await refusal(apply(c, { kind: 'rename', key, newLogin: 'taken' }));
    assert.equal(e.code, 'CONNECTOR_REJECTED');
    assert.equal(e.transient, false);
    assert.match(e.message, /409 uniqueness/);
  });

  it('sends the order’s idempotency key with every write', async () => {
    await apply(connector(), { kind: 'create', attributes: JDOE }, 'order-abc');
    const post = server.requests.find((r) => r.method === 'POST');
    assert.equal(post?.headers['idempotency-key'], 'order-abc');
  });
});

describe('the SCIM connector when the service fails', () => {
  it('turns 429 with Retry-After in seconds into a transient error carrying the wait', async () => {
    server.failNext(1, { status: 429, retryAfter: '7' });
    const e = await refusal(apply(connector(), { kind: 'create', attributes: JDOE }));
    assert.equal(e.code, 'CONNECTOR_UNAVAILABLE');
    assert.equal(e.transient, true);
    assert.equal(e.retryAfterMs, 7000);
    assert.equal(server.store.users.size, 0, 'nothing was created');
  });

  it('reads a Retry-After given as an HTTP date against the response’s own Date', async () => {
    // The server's Date header is its clock; a date 30 s after it is a 30 s wait whatever our clock says.
    server.failNext(1, { status: 429, retryAfter: new Date(Math.ceil(Date.now() / 1000) * 1000 + 30_000).toUTCString() });
    const e = await refusal(apply(connector(), { kind: 'create', attributes: JDOE }));
    assert.equal(e.transient, true);
    assert.ok(e.retryAfterMs !== undefined && e.retryAfterMs >= 29_000 && e.retryAfterMs <= 31_000, `retryAfterMs ${e.retryAfterMs}`);
  });

  it('turns 503 into a transient error, and the replay after it creates the user once', async () => {
    const c = connector();
    server.failNext(2, { status: 503 });
    const first = await refusal(apply(c, { kind: 'create', attributes: JDOE }, 'order-503'));
    assert.equal(first.code, 'CONNECTOR_UNAVAILABLE');
    assert.equal(first.transient, true);
    assert.equal(first.retryAfterMs, undefined);
    await refusal(apply(c, { kind: 'create', attributes: JDOE }, 'order-503'));
    const ok = await apply(c, { kind: 'create', attributes: JDOE }, 'order-503');
    assert.equal(ok.outcome, 'created');
    assert.equal(server.store.users.size, 1);
  });

  it('gives up on a hung service after timeoutMs with a transient timeout', async () => {
    server.holdNext(1);
    const e = await refusal(apply(connector({ timeoutMs: '50' }), { kind: 'create', attributes: JDOE }));
    assert.equal(e.code, 'CONNECTOR_TIMEOUT');
    assert.equal(e.transient, true);
    server.releaseHeld();
  });

  it('waits for a slow service that answers within timeoutMs', async () => {
    server.delayNext(1, 30);
    const made = await apply(connector({ timeoutMs: '60000' }), { kind: 'create', attributes: JDOE });
    assert.equal(made.outcome, 'created');
  });

  it('stops waiting at once when the caller aborts', async () => {
    server.holdNext(1);
    const controller = new AbortController();
    const pending = apply(connector({ timeoutMs: '600000' }), { kind: 'create', attributes: JDOE }, undefined, controller.signal);
    // Abort once the request is at the server (the server has seen it, and holds it).
    while (server.requests.length === 0) await new Promise((r) => setImmediate(r));
    controller.abort();
    const e = await refusal(pending);
    assert.equal(e.code, 'CONNECTOR_TIMEOUT');
    assert.match(e.message, /aborted/);
    server.releaseHeld();
  });

  it('says the service cannot be reached when nothing listens, transiently', async () => {
    const gone = await ScimTestServer.start();
    const url = gone.baseUrl;
    await gone.close();
    const c = scimConnectorFactory.create('crm', scimConnectorFactory.parseSettings({ baseUrl: url }, 'test'), {});
    const e = await refusal(c.apply({ idempotencyKey: 'k', operation: { kind: 'delete', key: 'x' }, signal: new AbortController().signal }));
    assert.equal(e.code, 'CONNECTOR_UNAVAILABLE');
    assert.equal(e.transient, true);
  });

  it('refuses a wrong token permanently, without showing the token', async () => {
    const e = await refusal(apply(connector({}, { SCIM_TEST_TOKEN: 'wrong-secret-value' }), { kind: 'create', attributes: JDOE }));
    assert.equal(e.code, 'CONNECTOR_AUTH_FAILED');
    assert.equal(e.transient, false);
    assert.doesNotMatch(JSON.stringify(e.toJSON()) + e.message, /wrong-secret-value/);
    assert.match(e.message, /SCIM_TEST_TOKEN/);
  });

  it('refuses to call when the token variable is not set, naming the variable', async () => {
    const e = await refusal(apply(connector({}, {}), { kind: 'create', attributes: JDOE }));
    assert.equal(e.code, 'CONNECTOR_AUTH_FAILED');
    assert.match(e.message, /SCIM_TEST_TOKEN/);
    assert.equal(server.requests.length, 0);
  });
});

describe('checking a SCIM connector', () => {
  it('says it works when the service answers with the token', async () => {
    server.store.addUser({ userName: 'someone' });
    const check = await connector().check(new AbortController().signal);
    assert.equal(check.ok, true);
    assert.match(check.detail, /1 users/);
  });

  it('says why it does not work, without throwing', async () => {
    const check = await connector({}, { SCIM_TEST_TOKEN: 'nope' }).check(new AbortController().signal);
    assert.equal(check.ok, false);
    assert.match(check.detail, /CONNECTOR_AUTH_FAILED/);
  });
});

describe('SCIM connector settings', () => {
  const parse = (raw: Record<string, unknown>) => scimConnectorFactory.parseSettings(raw, 'connectors.xml:3');
  const settingOf = (raw: Record<string, unknown>): string => {
    try {
      parse(raw);
    } catch (e) {
      assert.equal((e as { code?: string }).code, 'CONNECTOR_SETTINGS_INVALID');
      return (e as { setting: string }).setting;
    }
    assert.fail('expected the settings to be refused');
  };

  it('accepts the documented settings with their defaults', () => {
    assert.deepEqual(parse({ baseUrl: 'https://crm.example.com/scim/v2/', tokenEnv: 'IDFLOW_CRM_TOKEN' }), {
      baseUrl: 'https://crm.example.com/scim/v2',
      tokenEnv: 'IDFLOW_CRM_TOKEN',
      timeoutMs: 10_000,
      groupKey: 'displayName',
      enterpriseExtension: true,
      allowHttp: false,
    });
  });

  it('refuses to send a token in clear text to another machine unless told to', () => {
    assert.equal(settingOf({ baseUrl: 'http://crm.example.com/scim', tokenEnv: 'T' }), 'baseUrl');
    assert.equal(parse({ baseUrl: 'http://crm.example.com/scim', tokenEnv: 'T', allowHttp: 'true' }).allowHttp, true);
    assert.equal(parse({ baseUrl: 'http://127.0.0.1:8080/scim', tokenEnv: 'T' }).baseUrl, 'http://127.0.0.1:8080/scim');
  });

  it('names the setting that is missing, malformed or unknown', () => {
    assert.equal(settingOf({}), 'baseUrl');
    assert.equal(settingOf({ baseUrl: 'ftp://x' }), 'baseUrl');
    assert.equal(settingOf({ baseUrl: 'https://user:pw@x/scim' }), 'baseUrl');
    assert.equal(settingOf({ baseUrl: 'https://x', timeoutMs: 'soon' }), 'timeoutMs');
    assert.equal(settingOf({ baseUrl: 'https://x', tokenEnv: 'not a variable name' }), 'tokenEnv');
    assert.equal(settingOf({ baseUrl: 'https://x', groupKey: 'name' }), 'groupKey');
    assert.equal(settingOf({ baseUrl: 'https://x', baseURL: 'https://y' }), 'baseURL');
  });
});
