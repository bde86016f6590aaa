/**
 * Issue 9, "Done when", first bullet: a joiner, a mover and a leaver from successive HR CSV files, through the real
 * CLI (child processes) on a fresh repository with config/default loaded, provisioned by `idflow worker` to a real
 * slapd and a SCIM server, both checked at every stage:
 * - the HR source is config/default's (hr-source.yaml), run by carol of HR;
 * - the joiner's file starts User_Onboarding past its Request; the Review (ApprovalScheme="manager") is put up for
 *   jdoe's own manager, bob, alone, shows the birthright of the department, and is refused to the requester (carol),
 *   to the subject, to ANOTHER manager (mia) and to a person without the permission, each with its code, and decided
 *   by bob: the LDAP entry and the SCIM user are made, with their groups;
 * - the mover's file (a new login, last name and department) starts User_Move: the review shows what the new
 *   department grants and what only the old one did, is again bob's alone (mia refused), nothing changes before it,
 *   then the LDAP entry is renamed (modify DN), the SCIM user patched, the new department's group added and the old
 *   one's removed;
 * - an access request (User_ResourcesUpdate, launched by bob for jsmith) is put up for the owner of the resource it
 *   adds (owen) alone, refused to the owner of another resource (olga) and to the requester, and once owen approves
 *   the membership reaches the directory;
 * - the leaver's file (the row gone) starts User_Offboarding: every assignment removed, both accounts disabled at
 *   once, the manager told, and the accounts deleted in a round run 31 days later (`idflow worker --once --as-of`,
 *   a clock the test sets) but not in one run 29 days later;
 * - the audit trail (`idflow audit --subject … --json`) holds the launches, the decisions with their actors, the
 *   change sets, the provisioning orders and their results and the HR runs.
 * On SQLite; on PostgreSQL with IDFLOW_TEST_E2E_DATABASES=postgres (or sqlite,postgres) and IDFLOW_TEST_POSTGRES_URL.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runIdflow, type Run } from '../cli/cli-harness.js';
import { DATABASES } from '../repository/repository-factory.js';
import { startProvisioningTargets, type ProvisioningTargets } from '../support/provisioning-targets.js';

/** Worker rounds allowed for one stage to settle (each round advances instances and executes due orders). */
const ROUNDS = 10;
const DAY = 24 * 3600 * 1000;

/**
 * config/default's HR source, run by carol (a person of the HR profile: the requester of what the feed starts), with
 * a guard by count only: in a company of two, every run changes half of it (more than the default 10 %).
 */
const MAPPING = readFileSync(fileURLToPath(new URL('../../config/default/hr-source.yaml', import.meta.url)), 'utf8')
  .replace(/^threshold: .*$/m, 'threshold: { count: 5 }')
  .concat('launcher: carol\n');
const HEADER = 'EmployeeID,Login,FirstName,LastName,Email,Manager,Department,Title,Location,HireDate';
/** jdoe's manager, in every file (an unchanged row starts nothing). */
const BOB = 'E0,bob,Bob,Boss,bob@example.org,,Finance,Head of Finance,Paris,2020-01-01';
/** A hire date in the past, whenever the test runs: the onboarding starts at once. */
const HIRED = new Date(Date.now() - 90 * DAY).toISOString().slice(0, 10);
const JDOE = `E1,jdoe,Jane,Doe,jane.doe@example.org,bob,Finance,Accountant,Paris,${HIRED}`;
const JSMITH = `E1,jsmith,Jane,Smith,jane.doe@example.org,bob,Sales,Account Manager,Paris,${HIRED}`;

interface OrderView {
  readonly id: string;
  readonly state: string;
  readonly operation: string;
  readonly connector: string;
}
interface WorkItemView {
  readonly id: string;
  readonly instanceId: string;
  readonly activity: string;
  readonly owner: string | null;
  readonly permission?: string | null;
  readonly decisions: readonly string[];
  readonly variables: Record<string, unknown>;
}
interface HrRun {
  readonly outcome: string;
  readonly plan: { readonly joiners: readonly string[]; readonly movers: readonly string[]; readonly leavers: readonly string[] };
  readonly launches: { readonly launched: number; readonly failed: number; readonly results: readonly { readonly instanceId?: string; readonly error?: string }[] };
}
interface AuditView {
  readonly id: number;
  readonly at: string;
  readonly event: string;
  readonly actor: string | null;
  readonly instanceId: string | null;
  readonly definitionName: string | null;
  readonly data: Record<string, unknown> | null;
}

/**
 * SQLite unless IDFLOW_TEST_E2E_DATABASES names others (`sqlite,postgres`, `postgres`): the whole run takes a while,
 * and the PostgreSQL stores are covered by the store contract suite; this checks the joined-up behaviour.
 */
const wanted = (process.env['IDFLOW_TEST_E2E_DATABASES'] ?? 'sqlite').split(',').map((d) => d.trim());
const databases = DATABASES.filter((d) => wanted.includes(d.name));

for (const database of databases) {
  describe(`${database.name}: a joiner, a mover and a leaver from HR files, through the CLI, provisioned to slapd and SCIM`, () => {
    let targets: ProvisioningTargets;
    let dir: string;
    let location: { readonly db: string; dispose(): Promise<void> };
    const idflow = (...args: string[]): Promise<Run> => runIdflow(['--db', location.db, ...args], { env: targets.env });
    const ok = async (...args: string[]): Promise<string> => {
      const r = await idflow(...args);
      assert.equal(r.status, 0, `idflow ${args.join(' ')}\n${r.stderr}${r.stdout}`);
      return r.stdout;
    };
    const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await ok(...args, '--json')) as T;
    /** Writes an HR file of these rows and imports it as the source's next run. */
    const importRows = async (name: string, rows: readonly string[]): Promise<HrRun> => {
      const file = join(dir, name);
      writeFileSync(file, `${[HEADER, ...rows].join('\n')}\n`);
      return json<HrRun>('hr', 'import', file, '--source', 'hr');
    };
    /** Worker rounds (as of `asOf` when given) until one finds no instance runnable and no order due; none fails. */
    const settle = async (asOf?: string): Promise<void> => {
      for (let round = 0; round < ROUNDS; round++) {
        const out = await ok('worker', '--once', '--json', ...(asOf === undefined ? [] : ['--as-of', asOf]));
        const r = JSON.parse(out.trim().split('\n').at(-1)!) as { advanced: number; provisioning?: { claimed: number; failed: number } };
        if ((r.provisioning?.failed ?? 0) > 0) assert.fail(`an order failed: ${JSON.stringify(await json('provisioning', 'list', '--state', 'error'))}`);
        if (r.advanced === 0 && (r.provisioning?.claimed ?? 0) === 0) return;
      }
      assert.fail(`still busy after ${ROUNDS} worker rounds: ${JSON.stringify(await json('provisioning', 'list'))}`);
    };
    const task = async (id: string): Promise<{ state: string; variables: Record<string, unknown> }> =>
      (await json<{ instance: { state: string; variables: Record<string, unknown> } }>('task', 'show', id)).instance;
    /** The instance finished, and its actions (Persist above all) raised no error. */
    const assertFinished = async (id: string, what: string): Promise<void> => {
      const t = await task(id);
      assert.equal(t.state, 'finished', `${what} finished`);
      assert.equal(t.variables['WF_ACTION_ERROR'] ?? null, null, `${what} ran without an action error`);
    };
    /** `idflow workitem decide` as `person`; the refusal's code when it is refused. */
    const decide = async (item: string, decision: string, person: string, ...extra: string[]): Promise<{ status: number; code?: string }> => {
      const r = await idflow('workitem', 'decide', item, '--decision', decision, '--as', person, '--json', ...extra);
      if (r.status === 0) return { status: 0 };
      // With --json the refusal is a JSON object on stderr.
      const code = (JSON.parse(r.stderr) as { error?: { code?: string } }).error?.code;
      return { status: r.status, ...(code !== undefined && { code }) };
    };

    let joinerTask = '';
    let moverTask = '';
    let leaverTask = '';
    let accessTask = '';
    let scimId = '';

    before(async () => {
      targets = await startProvisioningTargets({ ldapConnector: 'directory', scimConnector: 'crm', scimToken: 'e2e-token', ldapGroups: ['staff', 'finance', 'sales', 'wiki'], scimGroups: ['staff'] });
      dir = mkdtempSync(join(tmpdir(), 'idflow-hr-jml-'));
      location = await database.location(dir);
      await ok('init');
      await ok('import', targets.writeConnectors(dir));
      // Birthright: every employee gets the directory, the CRM and the staff groups; a department its own group.
      const birthright = (rule: string): string[] => ['--birthright', rule];
      await Promise.all([
        ok('resource', 'add', 'directory', '--kind', 'application', '--connector', 'directory', ...birthright('all')),
        ok('resource', 'add', 'crm', '--kind', 'application', '--connector', 'crm', ...birthright('all')),
      ]);
      await Promise.all([
        ok('resource', 'add', 'staff-directory', '--kind', 'group', '--connector', 'directory', '--target-key', targets.groupDn('staff'), ...birthright('all')),
        ok('resource', 'add', 'staff-crm', '--kind', 'group', '--connector', 'crm', '--target-key', 'staff', ...birthright('all')),
        ok('resource', 'add', 'finance-directory', '--kind', 'group', '--connector', 'directory', '--target-key', targets.groupDn('finance'), ...birthright('[{"department":"Finance"}]')),
        ok('resource', 'add', 'sales-directory', '--kind', 'group', '--connector', 'directory', '--target-key', targets.groupDn('sales'), ...birthright('[{"department":"Sales"}]')),
        // Asked for, not given: owen owns the wiki group, olga the VPN (both hold ResourceOwner).
        ok('resource', 'add', 'wiki-directory', '--kind', 'group', '--connector', 'directory', '--target-key', targets.groupDn('wiki'), '--owner', 'owen'),
        ok('resource', 'add', 'vpn', '--kind', 'application', '--connector', 'crm', '--owner', 'olga'),
      ]);
      // carol runs the HR feed (its launcher) and holds Manager too, as do bob, mia and jdoe: holding the profile is
      // not enough, the review is the subject's own manager's; owen and olga own resources; dave is nobody.
      await Promise.all([
        ok('profile', 'assign', 'carol', 'HR', 'Manager'),
        ok('profile', 'assign', 'bob', 'Manager'),
        ok('profile', 'assign', 'mia', 'Manager'),
        ok('profile', 'assign', 'jdoe', 'Manager'),
        ok('profile', 'assign', 'owen', 'ResourceOwner'),
        ok('profile', 'assign', 'olga', 'ResourceOwner'),
      ]);
      writeFileSync(join(dir, 'hr-source.yaml'), MAPPING);
      await ok('hr', 'source', 'set', join(dir, 'hr-source.yaml'));
      // The first file: bob, jdoe's manager-to-be, joins, so that jdoe's Manager names somebody with accounts on both
      // targets (they refer to a person's manager by the manager's account). bob has no manager: the review's
      // fallback, the Manager profile, asks its holders but carol (the requester) and bob (the subject).
      const first = await importRows('day0.csv', [BOB]);
      assert.deepEqual([first.launches.launched, first.launches.failed], [1, 0], JSON.stringify(first.launches));
      const [review] = (await json<WorkItemView[]>('workitems', '--owner', 'mia')).filter((i) => i.instanceId === first.launches.results[0]!.instanceId);
      assert.equal(review?.owner, 'mia', 'a joiner without a manager is reviewed by a holder of the Manager profile');
      assert.deepEqual(await decide(review!.id, 'Approve', 'mia'), { status: 0 });
      await settle();
      await assertFinished(first.launches.results[0]!.instanceId!, "bob's onboarding");
      assert.match(targets.entry('bob'), /^dn: uid=bob,/m);
    });

    after(async () => {
      await targets?.close();
      await location?.dispose();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const others = (members: readonly string[]): string[] => members.filter((m) => m !== 'bob');

    it("joiner: the onboarding waits for her own manager's review, which the requester, the subject, another manager and a stranger are refused", async () => {
      const run = await importRows('day1.csv', [BOB, JDOE]);
      assert.equal(run.outcome, 'applied');
      assert.deepEqual(run.plan.joiners, ['E1']);
      assert.deepEqual([run.launches.launched, run.launches.failed], [1, 0], JSON.stringify(run.launches));
      joinerTask = run.launches.results[0]!.instanceId!;

      // The review is in her manager's inbox, his alone, with the birthright of the department in the change set.
      const items = (await json<WorkItemView[]>('workitems', '--owner', 'bob')).filter((i) => i.instanceId === joinerTask);
      assert.deepEqual(items.map((i) => [i.activity, i.owner, i.permission ?? null]), [['Review/ReviewWithFeedback-ReviewPending', 'bob', null]]);
      for (const other of ['mia', 'carol']) {
        assert.deepEqual((await json<WorkItemView[]>('workitems', '--owner', other)).filter((i) => i.instanceId === joinerTask), [], `not in ${other}'s inbox`);
      }
      const review = items[0]!;
      const shown = review.variables['changes'] as { Login: string; Resources: { Add: string[]; Remove: string[] } };
      assert.equal(shown.Login, 'jdoe');
      assert.deepEqual(shown.Resources.Add.slice().sort(), ['crm', 'directory', 'finance-directory', 'staff-crm', 'staff-directory']);
      // The item is bob's: the requester and the subject (both Manager holders) are refused as everyone else is.
      assert.deepEqual(await decide(review.id, 'Approve', 'carol'), { status: 1, code: 'WORKITEM_NOT_OWNER' }, 'the requester may not approve');
      assert.deepEqual(await decide(review.id, 'Approve', 'jdoe'), { status: 1, code: 'WORKITEM_NOT_OWNER' }, 'the subject may not approve');
      assert.deepEqual(await decide(review.id, 'Approve', 'mia'), { status: 1, code: 'WORKITEM_NOT_OWNER' }, "another manager may not approve jdoe's onboarding");
      assert.deepEqual(await decide(review.id, 'Approve', 'dave'), { status: 1, code: 'WORKITEM_NOT_OWNER' }, 'a person without the permission may not');
      assert.equal((await task(joinerTask)).state, 'executing', 'nothing was decided');
      assert.equal(targets.entry('jdoe'), '', 'nothing is provisioned before the review');

      const again = await importRows('day1-again.csv', [BOB, JDOE]);
      assert.deepEqual([again.outcome, again.launches.launched, again.plan.joiners.length], ['applied', 0, 0], 'the same file again starts nothing');
    });

    it('joiner: approved by the manager, jdoe gets an LDAP entry and a SCIM user with the groups of her department', async () => {
      const [review] = (await json<WorkItemView[]>('workitems', '--owner', 'bob')).filter((i) => i.instanceId === joinerTask);
      assert.deepEqual(await decide(review!.id, 'Approve', 'bob'), { status: 0 });
      await settle();
      await assertFinished(joinerTask, 'the onboarding');

      const entry = targets.entry('jdoe');
      assert.match(entry, /^dn: uid=jdoe,ou=people,dc=example,dc=org$/m);
      assert.match(entry, /^givenName: Jane$/m);
      assert.match(entry, /^sn: Doe$/m);
      assert.match(entry, /^mail: jane.doe@example.org$/m);
      assert.doesNotMatch(entry, /pwdAccountLockedTime/);
      assert.deepEqual(others(targets.groupMembers('staff')), ['jdoe']);
      assert.deepEqual(others(targets.groupMembers('finance')), ['jdoe']);
      assert.deepEqual(others(targets.groupMembers('sales')), []);
      const user = targets.scim.store.userByName('jdoe');
      assert.ok(user, 'the SCIM server holds jdoe');
      assert.equal(user.active, true);
      assert.deepEqual(others(targets.scim.store.memberNames('staff')), ['jdoe']);
      scimId = user.id;
      assert.equal((await json<{ state: string }>('identity', 'show', 'jdoe')).state, 'active');
    });

    it('mover: a new login, name and department, reviewed, rename the accounts and recalculate the groups', async () => {
      const run = await importRows('day2.csv', [BOB, JSMITH]);
      assert.deepEqual(run.plan.movers, ['E1']);
      assert.deepEqual([run.launches.launched, run.launches.failed], [1, 0], JSON.stringify(run.launches));
      moverTask = run.launches.results[0]!.instanceId!;

      const items = (await json<WorkItemView[]>('workitems', '--owner', 'bob')).filter((i) => i.instanceId === moverTask);
      assert.deepEqual(items.map((i) => [i.activity, i.owner]), [['Review/ReviewWithFeedback-ReviewPending', 'bob']], "the move waits for her manager's review");
      const review = items[0]!;
      const shown = review.variables['changes'] as { Resources: { Add: string[]; Remove: string[] } };
      assert.deepEqual(shown.Resources, { Add: ['sales-directory'], Remove: ['finance-directory'] }, 'what the new department grants, and what only the old one did');
      await settle();
      assert.match(targets.entry('jdoe'), /^dn: uid=jdoe,/m, 'nothing changes before the review');
      assert.deepEqual(others(targets.groupMembers('finance')), ['jdoe']);
      assert.deepEqual(await decide(review.id, 'Approve', 'jdoe'), { status: 1, code: 'WORKITEM_NOT_OWNER' }, 'the subject may not approve');
      assert.deepEqual(await decide(review.id, 'Approve', 'carol'), { status: 1, code: 'WORKITEM_NOT_OWNER' }, 'nor the requester');
      assert.deepEqual(await decide(review.id, 'Approve', 'mia'), { status: 1, code: 'WORKITEM_NOT_OWNER' }, 'nor another manager');
      assert.deepEqual(await decide(review.id, 'Approve', 'bob'), { status: 0 });
      await settle();
      await assertFinished(moverTask, 'the move');

      assert.equal(targets.entry('jdoe'), '', 'no entry under the old uid');
      const entry = targets.entry('jsmith');
      assert.match(entry, /^dn: uid=jsmith,ou=people,dc=example,dc=org$/m);
      assert.match(entry, /^sn: Smith$/m);
      assert.deepEqual(others(targets.groupMembers('staff')), ['jsmith'], 'what both departments grant stays, renamed');
      assert.deepEqual(others(targets.groupMembers('sales')), ['jsmith'], 'the new department group is added');
      assert.deepEqual(others(targets.groupMembers('finance')), [], 'the old one is removed');
      const user = targets.scim.store.users.get(scimId);
      assert.equal(user?.userName, 'jsmith', 'the same SCIM user, renamed');
      assert.equal((user?.['name'] as { familyName?: string } | undefined)?.familyName, 'Smith');
    });

    it("access request: the wiki group for jsmith is approved by the wiki's owner, and refused to another resource's owner", async () => {
      const launched = await json<{ instance: { id: string }; workItems: WorkItemView[] }>(
        'run', 'User_ResourcesUpdate', '--subject', 'jsmith', '--var', `changes=${JSON.stringify({ Resources: { Add: ['wiki-directory'] } })}`, '--as', 'bob',
      );
      accessTask = launched.instance.id;
      const request = launched.workItems.find((i) => i.activity.startsWith('Request/'))!;
      assert.deepEqual(await decide(request.id, 'Execute', 'bob'), { status: 0 });
      const owned = (await json<WorkItemView[]>('workitems', '--owner', 'owen')).filter((i) => i.instanceId === accessTask);
      assert.deepEqual(owned.map((i) => [i.activity, i.owner, i.permission ?? null]), [['Approval/Review-ReviewPending', 'owen', null]], "the wiki's owner is asked, by name");
      assert.deepEqual((await json<WorkItemView[]>('workitems', '--owner', 'olga')).filter((i) => i.instanceId === accessTask), [], "not in the VPN owner's inbox");
      const approval = owned[0]!;
      assert.deepEqual(await decide(approval.id, 'Approve', 'olga'), { status: 1, code: 'WORKITEM_NOT_OWNER' }, 'the owner of another resource may not approve');
      assert.deepEqual(await decide(approval.id, 'Approve', 'bob'), { status: 1, code: 'WORKITEM_NOT_OWNER' }, 'nor the requester');
      await settle();
      assert.deepEqual(others(targets.groupMembers('wiki')), [], 'nothing is provisioned before the owner approves');
      assert.deepEqual(await decide(approval.id, 'Approve', 'owen'), { status: 0 });
      await settle();
      await assertFinished(accessTask, 'the access request');
      assert.deepEqual(others(targets.groupMembers('wiki')), ['jsmith'], 'the membership reaches the directory');
      const trail = await json<AuditView[]>('audit', '--subject', 'jsmith', '--sort', 'oldest', '--limit', '500');
      const started = trail.find((e) => e.instanceId === accessTask && e.event === 'approval-started');
      assert.deepEqual(started?.data?.['approvers'], ['owen'], 'the approval asked the owner and nobody else');
    });

    it('leaver: the row gone disables both accounts at once, tells the manager, and deletes them after the retention period', async () => {
      const run = await importRows('day3.csv', [BOB]);
      assert.deepEqual(run.plan.leavers, ['E1']);
      assert.deepEqual([run.launches.launched, run.launches.failed], [1, 0], JSON.stringify(run.launches));
      leaverTask = run.launches.results[0]!.instanceId!;
      await settle();
      await assertFinished(leaverTask, 'the offboarding');
      assert.match(targets.entry('jsmith'), /^pwdAccountLockedTime: /m, 'the LDAP account is locked');
      assert.equal(targets.slapd.canBind(targets.personDn('jsmith'), 'anything'), false);
      assert.deepEqual([others(targets.groupMembers('staff')), others(targets.groupMembers('sales')), others(targets.groupMembers('wiki'))], [[], [], []], 'the memberships are taken away');
      assert.equal(targets.scim.store.users.get(scimId)?.active, false, 'the SCIM user is deactivated');
      assert.deepEqual(others(targets.scim.store.memberNames('staff')), []);
      const waiting = await json<OrderView[]>('provisioning', 'list', '--state', 'pending');
      assert.deepEqual(waiting.map((o) => `${o.operation} ${o.connector}`).sort(), ['delete crm', 'delete directory'], 'the deletes wait');
      const told = await json<{ recipients?: string[]; to?: string[]; subject: string }[]>('notification', 'list');
      assert.ok(told.some((n) => JSON.stringify(n).includes('bob') && /jsmith/.test(n.subject)), `the manager is told: ${JSON.stringify(told)}`);

      // 29 days later nothing more happens; 31 days later (past the 30-day retention) the accounts are deleted.
      await settle(new Date(Date.now() + 29 * DAY).toISOString());
      assert.match(targets.entry('jsmith'), /^dn: uid=jsmith,/m, 'still there the day before the retention ends');
      await settle(new Date(Date.now() + 31 * DAY).toISOString());
      assert.deepEqual(await json<OrderView[]>('provisioning', 'list', '--state', 'pending'), [], 'no order left waiting');
      assert.equal(targets.entry('jsmith'), '', 'the LDAP entry is gone');
      assert.equal(targets.scim.store.users.get(scimId), undefined, 'the SCIM user is gone');
      assert.match(targets.entry('bob'), /^dn: uid=bob,/m, 'and only hers');
    });

    it('the audit trail holds the HR runs, launches, decisions with their actors, change sets and provisioning', async () => {
      const trail = await json<AuditView[]>('audit', '--subject', 'jsmith', '--sort', 'oldest', '--limit', '500');
      const old = await json<AuditView[]>('audit', '--subject', 'jdoe', '--sort', 'oldest', '--limit', '500');
      const all = [...new Map([...old, ...trail].map((e) => [e.id, e])).values()].sort((a, b) => a.id - b.id);
      const of = (instance: string) => all.filter((e) => e.instanceId === instance);
      const events = (instance: string) => of(instance).map((e) => e.event);

      for (const [instance, name] of [[joinerTask, 'User_Onboarding'], [moverTask, 'User_Move'], [leaverTask, 'User_Offboarding']] as const) {
        const launched = of(instance).find((e) => e.event === 'launched');
        assert.equal(launched?.actor, 'carol', `${name} launched by the feed's launcher`);
        assert.equal(launched?.definitionName, name);
        assert.ok(of(instance).some((e) => e.event === 'hr.launched' && e.actor === 'carol'), `${name}: hr.launched`);
        assert.ok(events(instance).includes('changeset:persisted'), `${name}: its change set applied`);
        assert.ok(events(instance).includes('finished'), `${name}: finished`);
        const execute = of(instance).find((e) => e.event === 'decision' && e.data?.['decision'] === 'Execute');
        assert.equal(execute?.actor, 'carol', `${name}: the request executed by the feed`);
      }
      for (const instance of [joinerTask, moverTask]) {
        const approvals = of(instance).filter((e) => e.event === 'decision' && e.data?.['decision'] === 'Approve');
        assert.deepEqual(approvals.map((e) => e.actor), ['bob'], 'each review decided by the manager, and only by him');
      }
      assert.ok(of(leaverTask).some((e) => e.event === 'notification'), 'the manager told');

      // Each provisioning order is on record when its change set writes it, and again with its result.
      type Ordered = { order: string; connector: string; operation: string; notBefore?: string };
      const ordered = all.filter((e) => e.event === 'changeset:persisted').flatMap((e) => (e.data?.['orders'] as Ordered[] | undefined) ?? []);
      const executed = all.filter((e) => e.event === 'provisioning-executed');
      const provisioned = executed.map((e) => `${String(e.data?.['operation'])} ${String(e.data?.['connector'])}`);
      for (const expected of ['create directory', 'create crm', 'addMember directory', 'rename directory', 'rename crm', 'removeMember directory', 'disable directory', 'disable crm', 'delete directory', 'delete crm']) {
        assert.ok(provisioned.includes(expected), `${expected} in the trail: ${JSON.stringify(provisioned)}`);
      }
      assert.deepEqual(executed.filter((e) => !ordered.some((o) => o.order === e.data?.['order'])), [], 'every result belongs to an order the trail shows written');
      const deletes = ordered.filter((o) => o.operation === 'delete');
      assert.equal(deletes.length, 2);
      assert.ok(deletes.every((o) => o.notBefore !== undefined && Date.parse(o.notBefore) > Date.now() + 29 * DAY), `the deletes are dated after the retention period: ${JSON.stringify(deletes)}`);

      // The HR runs that started her workflows are in her trail, under either login; the others are not.
      assert.deepEqual(all.filter((e) => e.event === 'hr.run').map((e) => e.data?.['file']), ['day1.csv', 'day2.csv', 'day3.csv']);

      const runs = await json<AuditView[]>('audit', '--type', 'hr.run', '--sort', 'oldest');
      assert.deepEqual(runs.map((e) => [e.actor, e.data?.['outcome'], e.data?.['file']]), [
        ['carol', 'applied', 'day0.csv'], ['carol', 'applied', 'day1.csv'], ['carol', 'applied', 'day1-again.csv'], ['carol', 'applied', 'day2.csv'], ['carol', 'applied', 'day3.csv'],
      ]);
    });
  });
}
