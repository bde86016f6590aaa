/**
 * The four lifecycle areas of config/default (docs/lifecycle.md) through the engine, provisioned by a provisioning
 * worker to a real OpenLDAP slapd and a SCIM server on loopback, checked on the targets at every stage:
 * - onboarding grants the birthright (LDAP account and groups, SCIM user) and shows it to the reviewer;
 * - a move recalculates access: the reviewer sees the removal list, nothing is removed before the review, then the
 *   new department's group is added and the old one's removed;
 * - a name change renames the accounts;
 * - an IT resource is approved by a resource owner (nobody else), provisioned on approval, and given back likewise;
 * - offboarding removes every assignment, disables every account at once, tells the manager, and deletes the
 *   accounts after the retention period (a worker whose clock the test moves).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import { openEngine, type RuntimeEngine } from '../../src/engine/engine.js';
import type { WorkItemView } from '../../src/engine/engine-api.js';
import type { XValue } from '../../src/expression/env.js';
import { parseBirthrightRule } from '../../src/identity/birthright.js';
import type { ResourceKind } from '../../src/identity/identity-rows.js';
import { planChangeSet } from '../../src/identity/plan-change-set.js';
import { subjectKey } from '../../src/identity/subject-key.js';
import { repositoryConnectors } from '../../src/provisioning/connector-source.js';
import { ProvisioningWorker } from '../../src/provisioning/provisioning-worker.js';
import { openRepository } from '../../src/repository/open-repository.js';
import type { Repository } from '../../src/repository/repository.js';
import { ScimTestServer } from '../support/scim-server.js';
import { SLAPD_ADMIN_DN, SLAPD_ADMIN_PASSWORD, SLAPD_GROUPS, SLAPD_PEOPLE, startSlapd, type Slapd } from '../support/slapd.js';

const DEFAULTS = fileURLToPath(new URL('../../config/default/', import.meta.url));
const DAY = 86_400_000;
const TOKEN = 'lifecycle-token';
const ENV = { IDFLOW_LC_LDAP_PASSWORD: SLAPD_ADMIN_PASSWORD, IDFLOW_LC_SCIM_TOKEN: TOKEN };
const group = (cn: string): string => `cn=${cn},${SLAPD_GROUPS}`;

describe('the four lifecycle areas of config/default, provisioned to slapd and SCIM', () => {
  let slapd: Slapd;
  let scim: ScimTestServer;
  let dir: string;
  let repo: Repository;
  let engine: RuntimeEngine;
  let now = Date.parse('2026-12-07T09:00:00Z');
  const clock = (): number => now;

  /** Rounds of the provisioning worker until nothing due is left. */
  async function provision(): Promise<void> {
    const connectors = repositoryConnectors(repo.objects, { env: ENV });
    const worker = new ProvisioningWorker({ repository: repo, connectors, clock, workerId: 'lc-provisioning' });
    try {
      for (let i = 0; i < 10; i++) if ((await worker.runOnce()).claimed === 0) break;
    } finally {
      await connectors.close();
    }
  }
  const ldapEntry = (uid: string): string => slapd.search(`(uid=${uid})`, ['uid', 'sn', 'pwdAccountLockedTime'], SLAPD_PEOPLE);
  const members = (cn: string): string[] =>
    slapd
      .search(`(cn=${cn})`, ['member'], SLAPD_GROUPS)
      .split('\n')
      .filter((l) => l.startsWith('member: ') && !l.includes(SLAPD_ADMIN_DN))
      .map((l) => l.slice('member: '.length));
  const resource = async (name: string, kind: ResourceKind, connector: string | null, targetKey: string | null, birthright: string | null, owners: string[] = []) => {
    await repo.identities.putResource({
      id: `res-${name}`, kind, name, nameKey: subjectKey(name), displayName: null, description: null, connector, targetKey, owners,
      birthright: parseBirthrightRule(birthright), createdAt: now, updatedAt: now,
    });
  };
  /** Launches `workflow` as `requester`, executes its Request with `changes`, and answers the open items. */
  async function request(workflow: string, requester: string, changes: Record<string, XValue>, subject?: string): Promise<{ id: string; items: readonly WorkItemView[] }> {
    const launched = await engine.launch({ definition: workflow, launcher: requester, mode: 'sync', ...(subject !== undefined && { subject }), variables: { changes } });
    const executed = await engine.decide({ workItemId: launched.workItems[0]!.id, decision: 'Execute', actor: requester });
    return { id: launched.instance.id, items: executed.workItems };
  }
  const approve = async (item: WorkItemView, actor: string) => {
    const decided = await engine.decide({ workItemId: item.id, decision: 'Approve', actor });
    assert.equal(decided.instance.state, 'finished', JSON.stringify(decided.instance.result));
  };
  const assignments = async (login: string) => {
    const snap = (await repo.identities.findIdentity(login))!;
    const names = await Promise.all(snap.assignments.map(async (a) => (await repo.identities.getResource(a.resourceId))!.name));
    return names.sort();
  };

  before(async () => {
    slapd = await startSlapd();
    for (const cn of ['staff', 'finance', 'sales', 'wiki-editors']) slapd.add(`dn: ${group(cn)}\nobjectClass: groupOfNames\ncn: ${cn}\nmember: ${SLAPD_ADMIN_DN}\n`);
    scim = await ScimTestServer.start({ token: TOKEN });
    scim.store.addGroup('sales');
    // The manager has her SCIM account already: a user's manager is referenced on the target by her account.
    scim.store.addUser({ userName: 'mona', active: true } as Parameters<typeof scim.store.addUser>[0]);
    dir = mkdtempSync(join(tmpdir(), 'idflow-lifecycle-'));
    writeFileSync(
      join(dir, 'connectors.xml'),
      `<Idflow>
  <Connector name="directory" kind="ldap">
    <url>${slapd.url}</url>
    <bindDn>${SLAPD_ADMIN_DN}</bindDn>
    <passwordEnv>IDFLOW_LC_LDAP_PASSWORD</passwordEnv>
    <peopleBase>${SLAPD_PEOPLE}</peopleBase>
    <groupBase>${SLAPD_GROUPS}</groupBase>
  </Connector>
  <Connector name="crm" kind="scim">
    <baseUrl>${scim.baseUrl}</baseUrl>
    <tokenEnv>IDFLOW_LC_SCIM_TOKEN</tokenEnv>
  </Connector>
</Idflow>
`,
    );
    const files = [...readdirSync(DEFAULTS).filter((f) => f.endsWith('.xml')).map((f) => join(DEFAULTS, f)), join(dir, 'connectors.xml')];
    const loaded = await loadDefinitionFiles(files);
    assert.deepEqual(loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
    repo = await openRepository({ db: join(dir, 'repo.db'), env: {} });
    await repo.objects.putMany(loaded.objects);
    await repo.profiles.assign('hana', ['HR'], 'admin', now);
    await repo.profiles.assign('mona', ['Manager'], 'admin', now);
    await repo.profiles.assign('owen', ['ResourceOwner'], 'admin', now);
    await resource('directory', 'application', 'directory', null, 'all');
    await resource('staff', 'group', 'directory', group('staff'), 'all');
    await resource('crm', 'application', 'crm', null, 'all');
    await resource('finance', 'group', 'directory', group('finance'), '[{"department":"Finance"}]');
    await resource('sales', 'group', 'crm', 'sales', '[{"Department":["Sales","Marketing"]}]');
    await resource('wiki-editors', 'group', 'directory', group('wiki-editors'), null, ['owen']);
    // The manager, already an identity (the leaver's manager is told).
    const [status] = await repo.identities.apply([
      await planChangeSet(repo.identities, { login: 'mona', records: [{ kind: 'personal', data: { lastName: 'Manager' } }] }, { now, idempotencyKey: 'seed-mona', instanceId: null, mode: 'persist', provisioning: false }),
    ]);
    assert.equal(status, 'committed');
    engine = await openEngine({ repository: repo, clock, workerId: 'lifecycle-test' });
  });
  after(async () => {
    await engine?.close();
    await repo?.close();
    await scim?.close();
    await slapd?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('onboards jdoe with the birthright of her department: LDAP account and groups, SCIM user, shown to the reviewer first', async () => {
    const { items } = await request('User_Onboarding', 'hana', {
      Login: 'jdoe', FirstName: 'Jane', LastName: 'Doe', Mail: 'jdoe@example.org', Manager: 'mona', Department: 'Finance', Title: 'Accountant',
    });
    const review = items[0]!;
    assert.equal(review.activity, 'Review/ReviewWithFeedback-ReviewPending');
    const shown = review.variables['changes'] as { Resources: { Add: string[]; Remove: string[] } };
    assert.deepEqual(shown.Resources, { Add: ['crm', 'directory', 'finance', 'staff'], Remove: [] }, 'the reviewer sees what the person will be given');
    assert.equal(ldapEntry('jdoe'), '', 'nothing is provisioned before the review');
    await approve(review, 'mona');
    await provision();
    assert.deepEqual(await assignments('jdoe'), ['crm', 'directory', 'finance', 'staff']);
    assert.match(ldapEntry('jdoe'), /^dn: uid=jdoe,ou=people,dc=example,dc=org$/m);
    assert.deepEqual(members('staff'), [`uid=jdoe,${SLAPD_PEOPLE}`]);
    assert.deepEqual(members('finance'), [`uid=jdoe,${SLAPD_PEOPLE}`]);
    assert.equal(scim.store.userByName('jdoe')?.active, true, `the SCIM user is made: ${JSON.stringify((await repo.provisioning.list({})).map((o) => [o.connector, o.operation, o.state, o.lastError]))}`);
    assert.deepEqual(scim.store.memberNames('sales'), [], 'no Sales birthright for Finance');
  });

  it('moves jdoe to Sales: the reviewer sees the removal list, and only the review removes the Finance group', async () => {
    const { items } = await request('User_Move', 'hana', { Department: 'Sales', Title: 'Account Manager' }, 'jdoe');
    const review = items[0]!;
    const shown = review.variables['changes'] as { Department: string; Resources: { Add: string[]; Remove: string[] } };
    assert.equal(shown.Department, 'Sales');
    assert.deepEqual(shown.Resources, { Add: ['sales'], Remove: ['finance'] }, 'what the new position grants, and what only the old one did');
    await provision();
    assert.deepEqual(members('finance'), [`uid=jdoe,${SLAPD_PEOPLE}`], 'nothing is removed before the review');
    await approve(review, 'mona');
    await provision();
    assert.deepEqual(await assignments('jdoe'), ['crm', 'directory', 'sales', 'staff']);
    assert.deepEqual(members('finance'), [], 'the old department group is gone');
    assert.deepEqual(members('staff'), [`uid=jdoe,${SLAPD_PEOPLE}`], 'what both positions grant stays');
    assert.deepEqual(scim.store.memberNames('sales'), ['jdoe'], 'the new department group is added');
    const position = (await repo.identities.findIdentity('jdoe'))!.records.filter((r) => r.kind === 'position' && r.validUntil === null && !r.draft);
    assert.deepEqual(position.map((r) => r.data['department']), ['Sales']);
  });

  it('keeps what the reviewer takes off the removal list', async () => {
    const { items } = await request('User_Move', 'hana', { Department: 'Marketing' }, 'jdoe');
    const review = items[0]!;
    assert.deepEqual((review.variables['changes'] as { Resources: unknown }).Resources, { Add: [], Remove: [] }, 'Marketing keeps the sales group');
    await approve(review, 'mona');
    const back = await request('User_Move', 'hana', { Department: 'Finance' }, 'jdoe');
    const edited = { ...(back.items[0]!.variables['changes'] as Record<string, XValue>), Resources: { Add: ['finance'], Remove: [] } };
    const decided = await engine.decide({ workItemId: back.items[0]!.id, decision: 'Approve', actor: 'mona', variables: { changes: edited } });
    assert.equal(decided.instance.state, 'finished');
    await provision();
    assert.deepEqual(await assignments('jdoe'), ['crm', 'directory', 'finance', 'sales', 'staff'], 'the sales group stays: the reviewer kept it');
    assert.deepEqual(members('finance'), [`uid=jdoe,${SLAPD_PEOPLE}`]);
  });

  it('renames jdoe to jsmith: the LDAP entry moves to its new DN and the SCIM user is patched', async () => {
    const id = scim.store.userByName('jdoe')!.id;
    const { items } = await request('User_ChangeName', 'hana', { Login: 'jsmith', LastName: 'Smith' }, 'jdoe');
    assert.deepEqual(items, []);
    await provision();
    assert.equal(ldapEntry('jdoe'), '');
    assert.match(ldapEntry('jsmith'), /^sn: Smith$/m);
    assert.equal(scim.store.users.get(id)?.userName, 'jsmith');
    assert.deepEqual(members('staff'), [`uid=jsmith,${SLAPD_PEOPLE}`], 'memberships follow the rename');
  });

  it('gives jsmith the wiki-editors group once its owner approves, and takes it back likewise', async () => {
    const { items } = await request('User_ResourcesUpdate', 'mona', { Resources: { Add: ['wiki-editors'] } }, 'jsmith');
    const approval = items[0]!;
    assert.equal(approval.activity, 'Approval/Review-ReviewPending');
    await assert.rejects(engine.decide({ workItemId: approval.id, decision: 'Approve', actor: 'sam' }), (e: Error & { code?: string }) => typeof e.code === 'string');
    await assert.rejects(engine.decide({ workItemId: approval.id, decision: 'Approve', actor: 'hana' }), (e: Error & { code?: string }) => typeof e.code === 'string');
    await provision();
    assert.deepEqual(members('wiki-editors'), [], 'nothing is provisioned before the owner approves');
    await approve(approval, 'owen');
    await provision();
    assert.deepEqual(members('wiki-editors'), [`uid=jsmith,${SLAPD_PEOPLE}`]);
    const removal = await request('User_ResourcesUpdate', 'mona', { Resources: { Remove: ['wiki-editors'] } }, 'jsmith');
    await approve(removal.items[0]!, 'owen');
    await provision();
    assert.deepEqual(members('wiki-editors'), []);
    assert.ok(!(await assignments('jsmith')).includes('wiki-editors'));
  });

  it('offboards jsmith: every assignment removed, every account disabled at once, the manager told, deleted after the retention period', async () => {
    const today = new Date(now).toISOString().slice(0, 10);
    const { id, items } = await request('User_Offboarding', 'hana', { EndDate: today }, 'jsmith');
    assert.deepEqual(items, []);
    await provision();
    assert.deepEqual(await assignments('jsmith'), [], 'every assignment is removed');
    assert.match(ldapEntry('jsmith'), /^pwdAccountLockedTime: /m, 'the LDAP account is locked');
    assert.equal(slapd.canBind(`uid=jsmith,${SLAPD_PEOPLE}`, 'anything'), false);
    assert.deepEqual([members('staff'), members('finance')], [[], []], 'the memberships are taken away');
    assert.equal(scim.store.userByName('jsmith')?.active, false, 'the SCIM user is deactivated');
    assert.deepEqual(scim.store.memberNames('sales'), []);
    const told = (await repo.notifications.list({ instanceId: id })).filter((n) => n.recipients.includes('mona'));
    assert.equal(told.length, 1, 'the manager is told');
    assert.match(told[0]!.subject, /jsmith leaves on/);
    assert.match(told[0]!.body, /deleted on \d{4}-\d{2}-\d{2}/);
    const pending = (await repo.provisioning.list({ state: 'pending' })).filter((o) => o.operation === 'delete');
    assert.deepEqual(pending.map((o) => o.notBefore), [now + 30 * DAY, now + 30 * DAY], 'deletes wait 30 days (the default workflow\'s retention)');
    now += 29 * DAY;
    await provision();
    assert.match(ldapEntry('jsmith'), /^dn: /m, 'still there the day before');
    now += 2 * DAY;
    await provision();
    assert.equal(ldapEntry('jsmith'), '', 'deleted from the directory');
    assert.equal(scim.store.userByName('jsmith'), undefined, 'deleted from the SCIM service');
  });
});
