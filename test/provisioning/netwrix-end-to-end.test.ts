/**
 * Issue 8, "Done when", through the CLI on a fresh repository: the Netwrix joiner, mover and leaver workflows of
 * config/default change the identity store, and `idflow worker` provisions the change to a real OpenLDAP slapd and
 * a SCIM server (both on loopback), checked at each stage in the directory (ldapsearch) and in the SCIM service:
 * - User_Onboarding creates the identity, an LDAP entry and a SCIM user;
 * - User_ChangeName renames the LDAP entry (modify DN) and patches the SCIM user;
 * - User_ResourcesUpdate adds a group membership in both;
 * - User_Offboarding disables both at once, and deletes them after the retention period (a provisioning worker
 *   whose clock the test sets past it).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repositoryConnectors } from '../../src/provisioning/connector-source.js';
import { ProvisioningWorker } from '../../src/provisioning/provisioning-worker.js';
import { openRepository } from '../../src/repository/open-repository.js';
import { runIdflow, type Run } from '../cli/cli-harness.js';
import { SLAPD_ADMIN_DN, SLAPD_ADMIN_PASSWORD, SLAPD_GROUPS, SLAPD_PEOPLE, startSlapd, type Slapd } from '../support/slapd.js';
import { ScimTestServer } from '../support/scim-server.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const TOKEN = 'e2e-token';
// IDFLOW_USER: the CLI launches as the local administrator under alice's name (`--as` would use alice's own rights).
const ENV = { IDFLOW_E2E_LDAP_PASSWORD: SLAPD_ADMIN_PASSWORD, IDFLOW_E2E_SCIM_TOKEN: TOKEN, IDFLOW_USER: 'alice' };
const STAFF_DN = `cn=staff,${SLAPD_GROUPS}`;

interface Launched {
  readonly instance: { readonly id: string; readonly state: string };
  readonly workItems: readonly { readonly id: string; readonly activity: string }[];
}

describe('Netwrix joiner, mover and leaver through the CLI, provisioned to slapd and SCIM', () => {
  let slapd: Slapd;
  let scim: ScimTestServer;
  let dir: string;
  let db: string;
  const idflow = (...args: string[]): Promise<Run> => runIdflow(['--db', db, ...args], { env: ENV });
  const ok = async (...args: string[]): Promise<string> => {
    const r = await idflow(...args);
    assert.equal(r.status, 0, `idflow ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await ok(...args, '--json')) as T;

  /** Runs the workflow as alice on `subject`, executes its request, approves a review when there is one, then runs the worker. */
  async function runWorkflow(name: string, changes: Record<string, unknown>, subject?: string): Promise<void> {
    const launched = await json<Launched>('run', name, ...(subject ? ['--subject', subject] : []), '--var', `changes=${JSON.stringify(changes)}`);
    let items = launched.workItems;
    const executed = await json<{ workItems: Launched['workItems']; instance: { state: string } }>('workitem', 'decide', items[0]!.id, '--decision', 'Execute', '--as', 'alice');
    items = executed.workItems;
    if (items.length > 0) await json('workitem', 'decide', items[0]!.id, '--decision', 'Approve', '--as', 'bob');
    // One round advances what the decisions left to workers; provisioning rounds until no order is left due.
    for (let i = 0; i < 6; i++) {
      const out = await ok('worker', '--once', '--json');
      const round = JSON.parse(out.trim().split('\n').at(-1)!) as { advanced: number; provisioning?: { claimed: number } };
      if (round.advanced === 0 && (round.provisioning?.claimed ?? 0) === 0) break;
    }
    const task = await json<{ instance: { state: string; result?: unknown } }>('task', 'show', launched.instance.id);
    assert.equal(task.instance.state, 'finished', `${name} finished: ${JSON.stringify(task.instance.result)}`);
  }

  const ldapEntry = (uid: string): string => slapd.search(`(uid=${uid})`, ['uid', 'sn', 'cn', 'pwdAccountLockedTime'], SLAPD_PEOPLE);

  before(async () => {
    slapd = await startSlapd();
    slapd.add(`dn: ${STAFF_DN}\nobjectClass: groupOfNames\ncn: staff\nmember: ${SLAPD_ADMIN_DN}\n`);
    scim = await ScimTestServer.start({ token: TOKEN });
    scim.store.addGroup('staff');
    dir = mkdtempSync(join(tmpdir(), 'idflow-e2e-'));
    db = join(dir, 'repo.db');
    await ok('init');
    const connectors = join(dir, 'connectors.xml');
    writeFileSync(
      connectors,
      `<Idflow>
  <Connector name="directory" kind="ldap">
    <url>${slapd.url}</url>
    <bindDn>${SLAPD_ADMIN_DN}</bindDn>
    <passwordEnv>IDFLOW_E2E_LDAP_PASSWORD</passwordEnv>
    <peopleBase>${SLAPD_PEOPLE}</peopleBase>
    <groupBase>${SLAPD_GROUPS}</groupBase>
  </Connector>
  <Connector name="crm" kind="scim">
    <baseUrl>${scim.baseUrl}</baseUrl>
    <tokenEnv>IDFLOW_E2E_SCIM_TOKEN</tokenEnv>
  </Connector>
</Idflow>
`,
    );
    await ok('import', connectors);
    await ok('resource', 'add', 'directory', '--kind', 'application', '--connector', 'directory');
    await ok('resource', 'add', 'crm', '--kind', 'application', '--connector', 'crm');
    await ok('resource', 'add', 'staff-directory', '--kind', 'group', '--connector', 'directory', '--target-key', STAFF_DN);
    await ok('resource', 'add', 'staff-crm', '--kind', 'group', '--connector', 'crm', '--target-key', 'staff');
    await ok('profile', 'assign', 'bob', 'Manager', 'ResourceOwner');
  });
  after(async () => {
    await scim?.close();
    await slapd?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('onboards jdoe: the identity, an LDAP entry and a SCIM user', async () => {
    await runWorkflow('User_Onboarding', { Login: 'jdoe', FirstName: 'Jane', LastName: 'Doe', Email: 'jdoe@example.org', Resources: { Add: ['directory', 'crm'] } });
    const shown = await json<{ state: string; assignments: { provisioningState: string }[]; accounts: { connector: string; state: string; targetKey: string }[] }>(
      'identity',
      'show',
      'jdoe',
    );
    assert.equal(shown.state, 'active');
    assert.deepEqual(shown.assignments.map((a) => a.provisioningState), ['executed', 'executed'], 'the assignments say the accounts were made');
    assert.deepEqual(
      shown.accounts.map((a) => [a.connector, a.state, a.connector === 'directory' ? a.targetKey : typeof a.targetKey]),
      [['crm', 'active', 'string'], ['directory', 'active', `uid=jdoe,${SLAPD_PEOPLE}`]],
    );
    assert.match(ldapEntry('jdoe'), /^dn: uid=jdoe,ou=people,dc=example,dc=org$/m);
    assert.match(ldapEntry('jdoe'), /^sn: Doe$/m);
    const user = scim.store.userByName('jdoe');
    assert.equal(user?.active, true);
    const orders = await json<{ state: string }[]>('provisioning', 'list');
    assert.deepEqual(orders.map((o) => o.state), ['executed', 'executed']);
  });

  it('renames jdoe to jsmith: the LDAP entry moves to its new DN and the SCIM user is patched', async () => {
    const id = scim.store.userByName('jdoe')!.id;
    await runWorkflow('User_ChangeName', { Login: 'jsmith', LastName: 'Smith' }, 'jdoe');
    assert.equal(ldapEntry('jdoe'), '', 'no entry under the old uid');
    assert.match(ldapEntry('jsmith'), /^dn: uid=jsmith,ou=people,dc=example,dc=org$/m);
    assert.match(ldapEntry('jsmith'), /^sn: Smith$/m);
    const user = scim.store.users.get(id);
    assert.equal(user?.userName, 'jsmith', 'the same SCIM user, renamed');
  });

  it('adds jsmith to the staff group in both', async () => {
    await runWorkflow('User_ResourcesUpdate', { Resources: { Add: ['staff-directory', 'staff-crm'] } }, 'jsmith');
    assert.match(slapd.search('(cn=staff)', ['member'], SLAPD_GROUPS), /^member: uid=jsmith,ou=people,dc=example,dc=org$/m);
    assert.deepEqual(scim.store.memberNames('staff'), ['jsmith']);
  });

  it('offboards jsmith: both accounts disabled at once, deleted after the retention period', async () => {
    const today = new Date().toISOString().slice(0, 10);
    await runWorkflow('User_Offboarding', { EndDate: today }, 'jsmith');
    assert.match(ldapEntry('jsmith'), /^pwdAccountLockedTime: /m, 'the LDAP account is locked');
    assert.equal(slapd.canBind(`uid=jsmith,${SLAPD_PEOPLE}`, 'anything'), false);
    assert.equal(scim.store.userByName('jsmith')?.active, false, 'the SCIM user is deactivated');
    const waiting = await json<{ operation: string; notBefore: string }[]>('provisioning', 'list', '--state', 'pending', '--fields', 'operation,due');
    assert.deepEqual(waiting.map((o) => o.operation).sort(), ['delete', 'delete'], 'the deletes wait for the retention period');
    // 31 days later: a provisioning worker whose clock is past the retention period.
    const repository = await openRepository({ db, env: {} });
    const connectors = repositoryConnectors(repository.objects, { env: ENV });
    try {
      const later = Date.now() + 31 * 24 * 3600 * 1000;
      const round = await new ProvisioningWorker({ repository, connectors, clock: () => later }).runOnce();
      assert.equal(round.executed, 2);
    } finally {
      await connectors.close();
      await repository.close();
    }
    assert.equal(ldapEntry('jsmith'), '', 'the LDAP entry is gone');
    assert.equal(scim.store.userByName('jsmith'), undefined, 'the SCIM user is gone');
    assert.doesNotMatch(slapd.search('(cn=staff)', ['member'], SLAPD_GROUPS), /jsmith/);
  });
});
