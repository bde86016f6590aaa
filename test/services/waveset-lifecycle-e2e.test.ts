/**
 * The Waveset default workflows of the four lifecycle areas (config/default/waveset-*.xml) end to end, through the
 * CLI on a repository made by `idflow init`: each workflow is launched as a person would launch it, its approvals
 * are decided by the right people (and its decline paths taken), and `idflow worker` carries the provisioning
 * orders to a real slapd and a real SCIM server, checked after every stage. On SQLite the whole lifecycle runs; on
 * PostgreSQL one of them (an IT-resource request, approved and declined).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { planChangeSet } from '../../src/identity/plan-change-set.js';
import { repositoryConnectors } from '../../src/provisioning/connector-source.js';
import { ProvisioningWorker } from '../../src/provisioning/provisioning-worker.js';
import { openRepository } from '../../src/repository/open-repository.js';
import { runIdflow, type Run } from '../cli/cli-harness.js';
import { DATABASES, type RepositoryFactory } from '../repository/repository-factory.js';
import { ScimTestServer } from '../support/scim-server.js';
import { SLAPD_ADMIN_DN, SLAPD_ADMIN_PASSWORD, SLAPD_GROUPS, SLAPD_PEOPLE, startSlapd, type Slapd } from '../support/slapd.js';

const STAFF = `cn=staff,${SLAPD_GROUPS}`;
const PRINTERS = `cn=printers,${SLAPD_GROUPS}`;
const ENV = { IDFLOW_LDAP_PASSWORD: SLAPD_ADMIN_PASSWORD };
/** Worker rounds allowed for the orders of one stage to settle (a round claims up to 100). */
const ROUNDS = 20;
const DAY_MS = 24 * 3600 * 1000;

interface WorkItemView {
  readonly id: string;
  readonly owner: string | null;
  readonly itemType?: string;
  readonly decisions: readonly string[];
  readonly request?: string;
  readonly variables?: Record<string, unknown>;
}
interface Launched {
  readonly instance: { readonly id: string; readonly state: string; readonly variables: Record<string, unknown>; readonly result?: { outputs: Record<string, unknown> } };
  readonly workItems: readonly WorkItemView[];
}
interface OrderView {
  readonly id: string;
  readonly state: string;
  readonly operation: string;
  readonly connector: string;
  readonly instance?: string | null;
}

interface World {
  readonly slapd: Slapd;
  readonly scim: ScimTestServer;
  idflow(...args: string[]): Promise<Run>;
  ok(...args: string[]): Promise<string>;
  json<T>(...args: string[]): Promise<T>;
  /** Launches a definition at once (`--sync`) as `as`. */
  run(definition: string, vars: Record<string, unknown>, as?: string): Promise<Launched>;
  /** Decides a work item; the instance and its open items after. */
  decide(item: WorkItemView, decision: string, as: string, vars?: Record<string, unknown>): Promise<Launched>;
  /** The outputs of a finished instance (fails when it is not finished). */
  outputs(id: string): Promise<Record<string, unknown>>;
  /** Worker rounds until every order is carried out; fails on an order in error. */
  provisionAll(): Promise<OrderView[]>;
  /** One round of a provisioning worker whose clock is `ms` ahead (what falls due after a retention period). */
  provisionLater(ms: number): Promise<number>;
  /** The LDAP entry of a login (empty when none). */
  entry(login: string): string;
  close(): Promise<void>;
}

async function openWorld(database: RepositoryFactory): Promise<World> {
  const slapd = await startSlapd();
  slapd.add(`dn: ${STAFF}\nobjectClass: groupOfNames\ncn: staff\nmember: ${SLAPD_ADMIN_DN}\n`);
  slapd.add(`dn: ${PRINTERS}\nobjectClass: groupOfNames\ncn: printers\nmember: ${SLAPD_ADMIN_DN}\n`);
  const scim = await ScimTestServer.start();
  scim.store.addGroup('editors');
  const dir = mkdtempSync(join(tmpdir(), 'waveset-lifecycle-'));
  const location = await database.location(dir);
  const db = location.db;
  const idflow = (...args: string[]): Promise<Run> => runIdflow(['--db', db, ...args], { env: ENV });
  const ok = async (...args: string[]): Promise<string> => {
    const r = await idflow(...args);
    assert.equal(r.status, 0, `idflow ${args.join(' ')}\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await ok(...args, '--json')) as T;
  const varArgs = (vars: Record<string, unknown>): string[] =>
    Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`]);

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
  await ok('import', connectors);
  // Everyone gets the directory and the wiki; Finance the staff group; Sales the wiki's editors group. Printers and
  // the VPN are asked for, and olivia owns them.
  await ok('resource', 'add', 'Directory', '--kind', 'application', '--connector', 'directory', '--birthright', 'all');
  await ok('resource', 'add', 'Wiki', '--kind', 'application', '--connector', 'wiki', '--birthright', 'all');
  await ok('resource', 'add', 'Staff', '--kind', 'group', '--connector', 'directory', '--target-key', STAFF, '--birthright', '{"department":"Finance"}');
  await ok('resource', 'add', 'Wiki Editors', '--kind', 'group', '--connector', 'wiki', '--target-key', 'editors', '--birthright', '{"department":"Sales"}');
  await ok('resource', 'add', 'Printers', '--kind', 'group', '--connector', 'directory', '--target-key', PRINTERS, '--owner', 'olivia');
  await ok('resource', 'add', 'VPN', '--kind', 'network', '--owner', 'olivia');
  await ok('profile', 'assign', 'root', 'Administrator');
  // alice works in HR: the default access-control rules let HR start the Waveset lifecycle workflows.
  await ok('profile', 'assign', 'alice', 'HR');
  // The manager and the owner already work here, with their accounts (a SCIM user's manager must have one).
  const repository = await openRepository({ db, env: {} });
  try {
    let n = 0;
    for (const [login, first, last] of [['mgr', 'Mary', 'Major'], ['olivia', 'Olivia', 'Owner']] as const) {
      const write = await planChangeSet(repository.identities, { login, resources: { add: [{ resource: 'Directory' }, { resource: 'Wiki' }] }, records: [{ kind: 'personal', data: { firstName: first, lastName: last, email: `${login}@example.org` } }] }, {
        now: Date.now(),
        idempotencyKey: `seed-${++n}`,
        instanceId: null,
        mode: 'persist',
        provisioning: true,
      });
      assert.deepEqual(await repository.identities.apply([write]), ['committed']);
    }
  } finally {
    await repository.close();
  }

  const world: World = {
    slapd,
    scim,
    idflow,
    ok,
    json,
    async run(definition, vars, as = 'alice') {
      return json<Launched>('run', definition, '--as', as, '--sync', ...varArgs(vars));
    },
    async decide(item, decision, as, vars = {}) {
      return json<Launched>('workitem', 'decide', item.id, '--decision', decision, '--as', as, ...varArgs(vars));
    },
    async outputs(id) {
      const { instance } = await json<Launched>('task', 'show', id);
      assert.equal(instance.state, 'finished', `the instance finished: ${JSON.stringify(instance.variables)}`);
      return instance.result?.outputs ?? {};
    },
    async provisionAll() {
      for (let round = 0; round < ROUNDS; round++) {
        await ok('worker', '--once');
        const orders = await json<OrderView[]>('provisioning', 'list');
        assert.deepEqual(orders.filter((o) => o.state === 'error'), [], 'no order fails');
        if (orders.every((o) => o.state === 'executed' || o.state === 'verified' || (o.state === 'pending' && o.operation === 'delete'))) return orders;
      }
      assert.fail(`orders still unsettled after ${ROUNDS} worker rounds: ${JSON.stringify(await json('provisioning', 'list'))}`);
    },
    async provisionLater(ms) {
      const repository = await openRepository({ db, env: {} });
      const targets = repositoryConnectors(repository.objects, { env: ENV });
      try {
        const later = Date.now() + ms;
        return (await new ProvisioningWorker({ repository, connectors: targets, clock: () => later }).runOnce()).executed;
      } finally {
        await targets.close();
        await repository.close();
      }
    },
    entry(login) {
      return slapd.search(`(uid=${login})`, ['uid', 'givenName', 'sn', 'mail', 'title', 'pwdAccountLockedTime'], SLAPD_PEOPLE);
    },
    async close() {
      await scim.close();
      await slapd.close();
      await location.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await world.provisionAll();
  return world;
}

const members = (w: World, group: string): string => w.slapd.search(`(cn=${group})`, ['member'], SLAPD_GROUPS);
const memberRe = (login: string): RegExp => new RegExp(`^member: uid=${login},${SLAPD_PEOPLE}$`, 'm');

describe('the Waveset default workflows of the four lifecycle areas, through the CLI, against slapd and a SCIM server (sqlite)', () => {
  let w: World;
  before(async () => {
    w = await openWorld(DATABASES[0]!);
  });
  after(async () => w?.close());

  it('Create User: an incomplete form goes back to the requester; once the manager approves, the person has their birthright accounts and groups', async () => {
    const stranger = await w.idflow('run', 'Create User', '--as', 'zed', '--sync', '--var', 'accountId=zz');
    assert.notEqual(stranger.status, 0, 'only a profile with the Start permission launches it');
    assert.match(stranger.stderr, /LAUNCH_NOT_ALLOWED/);
    const launched = await w.run('Create User', { accountId: 'jdoe', firstname: 'Jane', email: 'jane.doe@example.org', department: 'Finance', title: 'Accountant', idmManager: 'mgr' });
    assert.equal(launched.instance.state, 'executing');
    const [form] = launched.workItems;
    assert.equal(form?.owner, 'alice', 'the form goes back to the requester');
    assert.deepEqual(form.decisions, ['submit']);
    assert.match(String(form.request), /lastname/);
    const submitted = await w.decide(form, 'submit', 'alice', { lastname: 'Doe' });
    const [approval] = submitted.workItems;
    assert.equal(approval?.owner, 'mgr', "the new person's manager approves");
    assert.match(String(approval.request), /jdoe/);
    const refused = await w.idflow('workitem', 'decide', approval.id, '--decision', 'approve', '--as', 'alice');
    assert.notEqual(refused.status, 0, 'the requester does not approve');
    await w.decide(approval, 'approve', 'mgr');
    const out = await w.outputs(launched.instance.id);
    assert.equal(out['status'], 'created', JSON.stringify(out));
    assert.deepEqual([...(out['granted'] as string[])].sort(), ['Directory', 'Staff', 'Wiki']);
    const orders = await w.provisionAll();
    assert.deepEqual(
      orders.filter((o) => o.instance === launched.instance.id).map((o) => `${o.operation} ${o.connector}`).sort(),
      ['addMember directory', 'create directory', 'create wiki'],
    );
    const ldap = w.entry('jdoe');
    assert.match(ldap, /^dn: uid=jdoe,ou=people,dc=example,dc=org$/m);
    assert.match(ldap, /^sn: Doe$/m);
    assert.match(members(w, 'staff'), memberRe('jdoe'), 'Finance is in the staff group');
    assert.equal(w.scim.store.userByName('jdoe')?.active, true, 'the wiki account exists');
    assert.deepEqual(w.scim.store.memberNames('editors'), [], 'only Sales edits the wiki');
    const mail = await w.json<{ subject: string }[]>('notification', 'list');
    assert.ok(mail.some((m) => m.subject === 'New user jdoe created'), 'the manager and the requester are told');
  });

  it('Create User declined by the manager creates nobody and provisions nothing', async () => {
    const launched = await w.run('Create User', { accountId: 'rroe', firstname: 'Richard', lastname: 'Roe', department: 'Finance', idmManager: 'mgr' });
    const [approval] = launched.workItems;
    assert.equal(approval?.owner, 'mgr');
    await w.decide(approval, 'reject', 'mgr');
    assert.equal((await w.outputs(launched.instance.id))['status'], 'declined');
    const shown = await w.idflow('identity', 'show', 'rroe');
    assert.notEqual(shown.status, 0);
    assert.equal(w.entry('rroe'), '');
    assert.equal(w.scim.store.userByName('rroe'), undefined);
  });

  it('Rename User renames the LDAP entry (modify DN) and the SCIM user at once', async () => {
    const scimId = w.scim.store.userByName('jdoe')!.id;
    const launched = await w.run('Rename User', { accountId: 'jdoe', newAccountId: 'jsmith', lastname: 'Smith' });
    assert.equal((await w.outputs(launched.instance.id))['status'], 'renamed');
    await w.provisionAll();
    assert.equal(w.entry('jdoe'), '');
    assert.match(w.entry('jsmith'), /^dn: uid=jsmith,ou=people,dc=example,dc=org$/m);
    assert.match(w.entry('jsmith'), /^sn: Smith$/m);
    assert.equal(w.scim.store.userByName('jsmith')?.id, scimId, 'the same SCIM user, renamed');
    assert.match(members(w, 'staff'), memberRe('jsmith'));
  });

  it("Update User (a move): the new department's access is added at once, the old one's is removed once the manager approves the list", async () => {
    const launched = await w.run('Update User', { accountId: 'jsmith', department: 'Sales', title: 'Account Manager' });
    assert.deepEqual(launched.instance.variables['added'], ['Wiki Editors']);
    assert.deepEqual(launched.instance.variables['removals'], ['Staff']);
    const [review] = launched.workItems;
    assert.equal(review?.owner, 'mgr');
    assert.match(String(review.request), /Staff/, 'the reviewer sees what would be removed');
    await w.provisionAll();
    assert.deepEqual(w.scim.store.memberNames('editors'), ['jsmith'], 'added at once, before the review');
    assert.match(members(w, 'staff'), memberRe('jsmith'), 'nothing removed before the review');
    await w.decide(review, 'approve', 'mgr');
    const out = await w.outputs(launched.instance.id);
    assert.equal(out['status'], 'updated');
    assert.deepEqual(out['removed'], ['Staff']);
    await w.provisionAll();
    assert.doesNotMatch(members(w, 'staff'), memberRe('jsmith'), 'removed after the review');
    assert.match(w.entry('jsmith'), /^dn: uid=jsmith/m, 'the account stays');
  });

  it('Update User: removals the manager declines are kept', async () => {
    const created = await w.run('Create User', { accountId: 'bsmith', firstname: 'Bob', lastname: 'Smith', department: 'Finance', idmManager: 'mgr' });
    await w.decide(created.workItems[0]!, 'approve', 'mgr');
    await w.provisionAll();
    assert.match(members(w, 'staff'), memberRe('bsmith'));
    const moved = await w.run('Update User', { accountId: 'bsmith', department: 'Sales' });
    await w.decide(moved.workItems[0]!, 'reject', 'mgr');
    const out = await w.outputs(moved.instance.id);
    assert.equal(out['status'], 'updated');
    assert.equal(out['removed'], null);
    await w.provisionAll();
    assert.match(members(w, 'staff'), memberRe('bsmith'), 'kept');
    assert.ok(w.scim.store.memberNames('editors').includes('bsmith'), 'and the new access added');
  });

  it("Request Resource: the resource's owner approves, and the group membership is provisioned; a declined request changes nothing", async () => {
    const asked = await w.run('Request Resource', { accountId: 'jsmith', resource: 'Printers', reason: 'the new office' });
    const [approval] = asked.workItems;
    assert.equal(approval?.owner, 'olivia', "the resource's owner approves");
    await w.decide(approval, 'approve', 'olivia');
    assert.equal((await w.outputs(asked.instance.id))['status'], 'granted');
    await w.provisionAll();
    assert.match(members(w, 'printers'), memberRe('jsmith'));

    const declined = await w.run('Request Resource', { accountId: 'bsmith', resource: 'Printers' });
    await w.decide(declined.workItems[0]!, 'reject', 'olivia');
    assert.equal((await w.outputs(declined.instance.id))['status'], 'declined');
    await w.provisionAll();
    assert.doesNotMatch(members(w, 'printers'), memberRe('bsmith'));
  });

  it("Remove Resource: the owner approves the removal and the membership goes; declined, it stays", async () => {
    const kept = await w.run('Remove Resource', { accountId: 'jsmith', resource: 'Printers' });
    await w.decide(kept.workItems[0]!, 'reject', 'olivia');
    assert.equal((await w.outputs(kept.instance.id))['status'], 'declined');
    assert.match(members(w, 'printers'), memberRe('jsmith'));
    const removed = await w.run('Remove Resource', { accountId: 'jsmith', resource: 'Printers' });
    await w.decide(removed.workItems[0]!, 'approve', 'olivia');
    assert.equal((await w.outputs(removed.instance.id))['status'], 'removed');
    await w.provisionAll();
    assert.doesNotMatch(members(w, 'printers'), memberRe('jsmith'));
    assert.match(w.entry('jsmith'), /^dn: uid=jsmith/m, 'the directory account stays');
  });

  it('Delete User: every account disabled at once, every membership removed, the manager told; the accounts deleted after the retention period', async () => {
    const launched = await w.run('Delete User', { accountId: 'jsmith', retentionDays: 30 });
    const out = await w.outputs(launched.instance.id);
    assert.equal(out['status'], 'deleted', JSON.stringify(out));
    await w.provisionAll();
    assert.match(w.entry('jsmith'), /^pwdAccountLockedTime: /m, 'the LDAP account is locked');
    assert.equal(w.scim.store.userByName('jsmith')?.active, false, 'the SCIM user is deactivated');
    assert.doesNotMatch(members(w, 'staff'), memberRe('jsmith'));
    assert.deepEqual(w.scim.store.memberNames('editors').filter((m) => m === 'jsmith'), []);
    assert.match(await w.ok('identity', 'show', 'jsmith'), /^jsmith \(ended\b/);
    const mail = await w.json<{ subject: string }[]>('notification', 'list');
    assert.ok(mail.some((m) => /^jsmith leaves on \d{4}-\d{2}-\d{2}$/.test(m.subject)), 'the manager is told');
    const waiting = await w.json<{ operation: string }[]>('provisioning', 'list', '--state', 'pending');
    assert.deepEqual(waiting.map((o) => o.operation), ['delete', 'delete'], 'the deletes wait for the retention period');
    assert.equal(await w.provisionLater(31 * DAY_MS), 2);
    assert.equal(w.entry('jsmith'), '', 'the LDAP entry is gone');
    assert.equal(w.scim.store.userByName('jsmith'), undefined, 'the SCIM user is gone');
  });
});

describe('the Waveset IT-resource request on PostgreSQL, through the CLI, against slapd', () => {
  let w: World;
  before(async () => {
    w = await openWorld(DATABASES[1]!);
  });
  after(async () => w?.close());

  it("Request Resource: approved by the resource's owner, the membership is provisioned; declined, nothing changes", async () => {
    const asked = await w.run('Request Resource', { accountId: 'mgr', resource: 'Printers' });
    const [approval] = asked.workItems;
    assert.equal(approval?.owner, 'olivia');
    await w.decide(approval, 'approve', 'olivia');
    assert.equal((await w.outputs(asked.instance.id))['status'], 'granted');
    await w.provisionAll();
    assert.match(members(w, 'printers'), memberRe('mgr'));

    const declined = await w.run('Request Resource', { accountId: 'mgr', resource: 'VPN', reason: 'working from home' });
    await w.decide(declined.workItems[0]!, 'reject', 'olivia');
    const out = await w.outputs(declined.instance.id);
    assert.equal(out['status'], 'declined');
    assert.deepEqual((out['approvals'] as { approver: string; decision: string }[]).map((a) => [a.approver, a.decision]), [['olivia', 'reject']]);
    assert.doesNotMatch(await w.ok('identity', 'show', 'mgr'), /VPN/);
  });
});
