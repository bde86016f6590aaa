/**
 * The Waveset joiner, mover and leaver end to end, through the CLI, on a fresh repository: Waveset workflows on the
 * Waveset user services (test/fixtures/waveset-jml/waveset-jml.xml) create, rename, regroup, disable and delete a
 * person, and `idflow worker` carries the provisioning orders to a real slapd and a real SCIM server. Each stage is
 * checked in slapd (with ldapsearch) and in the SCIM server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runIdflow, type Run } from '../cli/cli-harness.js';
import { ScimTestServer } from '../support/scim-server.js';
import { SLAPD_ADMIN_DN, SLAPD_ADMIN_PASSWORD, SLAPD_GROUPS, SLAPD_PEOPLE, startSlapd, type Slapd } from '../support/slapd.js';

const JML = fileURLToPath(new URL('../fixtures/waveset-jml/waveset-jml.xml', import.meta.url));
const STAFF = `cn=staff,${SLAPD_GROUPS}`;
/** Worker rounds allowed for the orders of one stage to settle (a round claims up to 100). */
const ROUNDS = 20;

interface OrderView {
  readonly id: string;
  readonly state: string;
  readonly operation: string;
  readonly connector: string;
  readonly lastError?: string | null;
}

describe('the Waveset joiner, mover and leaver, through the CLI, against slapd and a SCIM server', () => {
  let slapd: Slapd;
  let scim: ScimTestServer;
  let dir: string;
  let db: string;
  // The CLI launches as the local administrator under alice's name (`--as` would launch with alice's own rights).
  const env = (): Record<string, string> => ({ IDFLOW_LDAP_PASSWORD: SLAPD_ADMIN_PASSWORD, IDFLOW_USER: 'alice' });
  const idflow = async (...args: string[]): Promise<Run> => runIdflow(['--db', db, ...args], { env: env() });
  const ok = async (...args: string[]): Promise<string> => {
    const r = await idflow(...args);
    assert.equal(r.status, 0, `idflow ${args.join(' ')}\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await ok(...args, '--json')) as T;

  /** Launches a workflow synchronously; its outputs. */
  const run = async (definition: string, vars: Record<string, unknown>): Promise<{ id: string; outputs: Record<string, unknown>; workItems: { id: string }[] }> => {
    const args = ['run', definition, '--sync'];
    for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
    const r = await json<{ instance: { id: string; variables: Record<string, unknown>; result?: { outputs: Record<string, unknown> } }; workItems: { id: string }[] }>(...args);
    return { id: r.instance.id, outputs: r.instance.result?.outputs ?? r.instance.variables, workItems: r.workItems };
  };

  /** Runs worker rounds until no order is pending or in flight; fails on an order in error. */
  const provisionAll = async (): Promise<OrderView[]> => {
    for (let round = 0; round < ROUNDS; round++) {
      await ok('worker', '--once');
      const orders = await json<OrderView[]>('provisioning', 'list');
      const failed = orders.filter((o) => o.state === 'error');
      assert.deepEqual(failed, [], 'no order fails');
      if (orders.every((o) => o.state === 'executed' || o.state === 'verified')) return orders;
    }
    assert.fail(`orders still unsettled after ${ROUNDS} worker rounds: ${JSON.stringify(await json('provisioning', 'list'))}`);
  };

  const entry = (login: string): string => slapd.search(`(uid=${login})`, ['uid', 'givenName', 'sn', 'mail', 'pwdAccountLockedTime'], SLAPD_PEOPLE);

  before(async () => {
    slapd = await startSlapd();
    slapd.add(`dn: ${STAFF}\nobjectClass: groupOfNames\ncn: staff\nmember: ${SLAPD_ADMIN_DN}\n`);
    scim = await ScimTestServer.start();
    scim.store.addGroup('editors');
    dir = mkdtempSync(join(tmpdir(), 'waveset-jml-'));
    db = join(dir, 'idflow.db');
    const connectors = join(dir, 'connectors.xml');
    writeFileSync(
      connectors,
      `<Idflow>
  <Connector name="directory" kind="ldap">
    <url>${slapd.url}</url>
    <bindDn>${SLAPD_ADMIN_DN}</bindDn>
    <passwordEnv>IDFLOW_LDAP_PASSWORD</passwordEnv>
    <peopleBase>${SLAPD_PEOPLE}</peopleBase>
    <groupBase>${SLAPD_GROUPS}</groupBase>
  </Connector>
  <Connector name="wiki" kind="scim">
    <baseUrl>${scim.baseUrl}</baseUrl>
  </Connector>
</Idflow>
`,
    );
    await ok('init');
    await ok('import', connectors, JML);
    await ok('resource', 'add', 'Directory', '--kind', 'application', '--connector', 'directory');
    await ok('resource', 'add', 'Staff', '--kind', 'group', '--connector', 'directory', '--target-key', STAFF);
    await ok('resource', 'add', 'Wiki', '--kind', 'application', '--connector', 'wiki');
    await ok('resource', 'add', 'Wiki Editors', '--kind', 'group', '--connector', 'wiki', '--target-key', 'editors');
    assert.match(await ok('connector', 'test', 'directory'), /ok/);
  });

  after(async () => {
    await scim?.close();
    await slapd?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('joiner: commitView creates the identity, an LDAP entry and a SCIM user', async () => {
    const joined = await run('Waveset Joiner', { accountId: 'jdoe', firstname: 'Jane', lastname: 'Doe', email: 'jane.doe@example.org', resources: ['Directory', 'Wiki'] });
    assert.equal(joined.outputs['error'], null);
    assert.match(await ok('identity', 'show', 'jdoe'), /^jdoe \(active\)/);
    const orders = await provisionAll();
    assert.deepEqual(orders.map((o) => `${o.operation} ${o.connector}`).sort(), ['create directory', 'create wiki']);
    const ldap = entry('jdoe');
    assert.match(ldap, /^dn: uid=jdoe,ou=people,dc=example,dc=org$/m);
    assert.match(ldap, /^givenName: Jane$/m);
    assert.match(ldap, /^sn: Doe$/m);
    assert.match(ldap, /^mail: jane.doe@example.org$/m);
    const user = scim.store.userByName('jdoe');
    assert.ok(user, 'the SCIM server holds jdoe');
    assert.equal(user.active, true);
    assert.deepEqual(user['name'], { givenName: 'Jane', familyName: 'Doe' });
  });

  it('mover: checkoutObject/checkinObject renames the LDAP entry (modify DN) and patches the SCIM user', async () => {
    const scimId = scim.store.userByName('jdoe')!.id;
    const renamed = await run('Waveset Rename', { accountId: 'jdoe', newAccountId: 'jsmith', lastname: 'Smith' });
    assert.equal(renamed.outputs['error'], null);
    await provisionAll();
    assert.deepEqual(slapd.dns('(uid=jdoe)', SLAPD_PEOPLE), []);
    const ldap = entry('jsmith');
    assert.match(ldap, /^dn: uid=jsmith,ou=people,dc=example,dc=org$/m);
    assert.match(ldap, /^sn: Smith$/m);
    const user = scim.store.userByName('jsmith');
    assert.ok(user, 'the SCIM user is renamed');
    assert.equal(user.id, scimId, 'the same SCIM user, patched');
    assert.equal((user['name'] as { familyName: string }).familyName, 'Smith');
    assert.equal(scim.store.userByName('jdoe'), undefined);
  });

  it('mover: the stock Provision subprocess adds a group membership in both targets', async () => {
    const added = await run('Waveset Add Groups', { accountId: 'jsmith', resources: ['Staff', 'Wiki Editors'] });
    assert.equal(added.outputs['error'], null);
    await provisionAll();
    assert.match(slapd.search('(cn=staff)', ['member'], SLAPD_GROUPS), new RegExp(`^member: uid=jsmith,${SLAPD_PEOPLE}$`, 'm'));
    assert.deepEqual(scim.store.memberNames('editors'), ['jsmith']);
  });

  it('leaver: disables both accounts at once, and deletes them when the retention period is over', async () => {
    const leaving = await run('Waveset Leaver', { accountId: 'jsmith' });
    assert.equal(leaving.outputs['disableError'], null);
    await provisionAll();
    assert.match(entry('jsmith'), /^pwdAccountLockedTime: 000001010000Z$/m, 'the LDAP account is locked');
    assert.equal(scim.store.userByName('jsmith')!.active, false, 'the SCIM user is deactivated');
    // The retention period ends (an administrator confirms it early): the user is deleted everywhere.
    await ok('workitem', 'decide', leaving.workItems[0]!.id, '--decision', 'approve', '--as', 'Configurator');
    const { instance: done } = await json<{ instance: { state: string; result: { outputs: Record<string, unknown> } } }>('task', 'show', leaving.id);
    assert.equal(done.state, 'finished');
    assert.equal(done.result.outputs['deleteError'], null);
    await provisionAll();
    assert.deepEqual(slapd.dns('(uid=jsmith)', SLAPD_PEOPLE), []);
    assert.doesNotMatch(slapd.search('(cn=staff)', ['member'], SLAPD_GROUPS), /jsmith/);
    assert.equal(scim.store.userByName('jsmith'), undefined);
    assert.match(await ok('identity', 'show', 'jsmith'), /^jsmith \(ended\)/);
  });
});
