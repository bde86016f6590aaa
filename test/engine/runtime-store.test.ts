/**
 * What the SQLite runtime store promises beyond "it stores rows": names that never clash, hot queries that do not
 * grow with the instances kept, and commits that write each thing once, in order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defaultTaskName, type InstanceRecord, type WorkItemRecord } from '../../src/repository/runtime-store.js';
import { newInstanceId } from '../../src/engine/instance-id.js';
import type { RuntimeStore } from '../../src/repository/runtime-store.js';
import type { SqliteRuntimeStore } from '../../src/repository/sqlite/sqlite-runtime-store.js';
import { errorCode, openRuntimeWorld, type RuntimeWorld } from './runtime-harness.js';
import { DATABASES } from '../repository/repository-factory.js';

for (const database of DATABASES) {
describe(database.name, () => {
  describe('runtime store', () => {
    let w: RuntimeWorld;
    let store: RuntimeStore;
    before(async () => {
      w = await openRuntimeWorld(undefined, {}, database);
      store = w.repository.runtime;
    });
    after(() => w.close());

    it('names every unnamed launch after its definition and its whole id, so hundreds of live ones never clash', async () => {
      const names = new Set<string>();
      for (let i = 0; i < 300; i++) {
        const r = await w.engine.launch({ definition: 'Auto Default', launcher: 'bob', variables: { who: `w${i}` } });
        assert.equal(r.instance.state, 'ready');
        assert.equal(r.instance.name, `Auto Default #${r.instance.id}`);
        names.add(r.instance.name);
      }
      assert.equal(names.size, 300);
      const ready = await w.engine.listTasks({ definition: 'Auto Default', state: 'ready' });
      assert.ok(ready.length >= 300);
      assert.ok(ready.every((t) => t.name === `Auto Default #${t.id}`));
    });

    it('finds an unnamed instance by its generated name, and refuses a named launch that reuses it while it runs', async () => {
      const first = await w.engine.launch({ definition: 'Option Delete', launcher: 'bob', variables: { approver: 'alice' } });
      assert.equal(first.instance.state, 'executing');
      assert.equal((await store.getInstanceByName(first.instance.name))?.id, first.instance.id);
      assert.equal(await store.getInstanceByName(`Other Definition #${first.instance.id}`), undefined);
      const e = await errorCode(() => w.engine.launch({ definition: 'Option Delete', taskName: first.instance.name, launcher: 'bob', variables: { approver: 'alice' } }));
      assert.equal(e.code, 'TASK_NAME_IN_USE');
    });

    it('gives new instances ids that grow in launch order', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 50; i++) ids.push((await w.engine.launch({ definition: 'Auto Sync', launcher: 'bob', variables: { who: 'o' } })).instance.id);
      assert.deepEqual([...ids].sort(), ids);
      assert.ok(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)), 'UUIDv7');
    });

    it('claims, sweeps and commits through indexes that hold only the rows concerned, never a table scan', { skip: database.name !== 'sqlite' && 'SQLite query plans (PostgreSQL plans by statistics)' }, () => {
      const plans = (store as SqliteRuntimeStore).hotQueryPlans();
      for (const [name, plan] of Object.entries(plans)) assert.doesNotMatch(plan, /\bSCAN (task_instances|work_items|audit_events)\b/, `${name}: ${plan}`);
      assert.match(plans['claimable']!, /task_instances_wake/);
      assert.match(plans['releaseLeases']!, /task_instances_wake/);
      assert.match(plans['expired']!, /task_instances_expires/);
      assert.match(plans['overdue']!, /task_instances_deadline/);
    });

    it('stores an instance’s variables once, and keeps an ended one’s without its interpreter state', async () => {
      const done = await w.engine.launch({ definition: 'Auto Sync', launcher: 'bob', variables: { who: 'vera' } });
      const ready = await w.engine.launch({ definition: 'Auto Default', launcher: 'bob', variables: { who: 'rita' } });
      const rows = new Map<string, { variables: string | null; interpreter_state: string | null }>();
      const load = async (id: string) => {
        const [row] = await database.query<{ variables: string | null; interpreter_state: string | null }>(
          w.repository,
          'SELECT variables, interpreter_state FROM task_instances WHERE id = ?',
          [id],
        );
        rows.set(id, row!);
      };
      const raw = (id: string) => rows.get(id)!;
      const waiting = await w.engine.launch({ definition: 'Approval', launcher: 'bob', variables: { approver: 'bob' } });
      for (const id of [done.instance.id, ready.instance.id, waiting.instance.id]) await load(id);
      // Ended: the final variables, no state (nothing runs it again).
      assert.equal(done.instance.state, 'finished');
      assert.equal(raw(done.instance.id).interpreter_state, null);
      assert.equal(JSON.parse(raw(done.instance.id).variables ?? '{}').who, 'vera');
      assert.equal((await w.engine.getTask(done.instance.id)).variables['who'], 'vera');
      assert.deepEqual((await w.engine.getTask(done.instance.id)).variables, done.instance.variables);
      // Not started yet: the launch inputs are all there is, in the variables column.
      assert.equal(raw(ready.instance.id).interpreter_state, null);
      assert.equal(JSON.parse(raw(ready.instance.id).variables ?? '{}').who, 'rita');
      assert.equal((await w.engine.getTask(ready.instance.id)).variables['who'], 'rita');
      // Waiting on a person: the state holds the variables (the column does not repeat them) until it ends.
      assert.equal(waiting.instance.state, 'executing');
      assert.equal(raw(waiting.instance.id).variables, null);
      assert.match(raw(waiting.instance.id).interpreter_state ?? '', /"approver":"bob"/);
    });

    it('keeps closed a work item that one commit both created and cancelled', async () => {
      const base = (await w.engine.launch({ definition: 'Auto Default', launcher: 'bob' })).instance;
      const row = (await store.getInstance(base.id))!;
      const item: WorkItemRecord = {
        id: `${row.id}.1`,
        instanceId: row.id,
        definitionName: row.definitionName,
        activity: 'A',
        action: 'approve',
        owner: 'alice',
        permission: null,
        request: 'Approve',
        itemType: null,
        decisions: [],
        variables: {},
        editable: [],
        form: null,
        dueAt: null,
        state: 'open',
        delegatedFrom: null,
        decision: null,
        decidedBy: null,
        comment: null,
        createdAt: w.now(),
        closedAt: null,
      };
      const next: InstanceRecord = { ...row, state: 'finished', revision: row.revision + 1 };
      const [status] = await store.commit([
        { instance: next, expectedRevision: row.revision, createWorkItems: [item], closeWorkItems: [{ id: item.id, state: 'cancelled', at: w.now() }] },
      ]);
      assert.equal(status, 'committed');
      assert.equal((await store.getWorkItem(item.id))?.state, 'cancelled');
    });

    it('writes the audit rows of a batch in the order of its writes, with the refused write’s own rows', async () => {
      const a = (await store.getInstance((await w.engine.launch({ definition: 'Auto Default', launcher: 'bob' })).instance.id))!;
      const b = (await store.getInstance((await w.engine.launch({ definition: 'Auto Default', launcher: 'bob' })).instance.id))!;
      const at = w.now();
      const statuses = await store.commit([
        { instance: { ...a, revision: a.revision + 1 }, expectedRevision: a.revision, audit: [1, 2].map((n) => ({ at, instanceId: a.id, event: `a${n}` })) },
        { instance: { ...b, revision: b.revision + 1 }, expectedRevision: b.revision + 5, audit: [{ at, instanceId: b.id, event: 'lost' }], auditIfRefused: [{ at, instanceId: a.id, event: 'refused-b' }] },
        { instance: { ...b, revision: b.revision + 1 }, expectedRevision: b.revision, audit: [{ at, instanceId: a.id, event: 'b1' }] },
      ]);
      assert.deepEqual(statuses, ['committed', 'conflict', 'committed']);
      assert.deepEqual(
        (await store.listAudit({ instanceId: a.id })).map((e) => e.event),
        ['launched', 'a1', 'a2', 'refused-b', 'b1'],
      );
      assert.deepEqual((await store.listAudit({ instanceId: b.id })).map((e) => e.event), ['launched']);
    });

    it('refuses an instance inserted already ended while another holds its subject, and leaves no lock when it ran', async () => {
      const a = (await store.getInstance((await w.engine.launch({ definition: 'Auto Default', launcher: 'bob' })).instance.id))!;
      const b = (await store.getInstance((await w.engine.launch({ definition: 'Auto Default', launcher: 'bob' })).instance.id))!;
      const at = w.now();
      const ended = (id: string, name = defaultTaskName(a.definitionName, id)): InstanceRecord => ({ ...a, id, name, state: 'finished', wakeAt: null, runnable: false, revision: 1 });
      const [busy, free, twin] = [newInstanceId(), newInstanceId(), newInstanceId()];
      const item = (id: string): WorkItemRecord => ({
        id: `${id}.1`, instanceId: id, definitionName: a.definitionName, activity: 'A', action: 'approve', owner: 'alice', permission: null, request: 'Approve',
        itemType: null, decisions: [], variables: {}, editable: [], form: null, dueAt: null, state: 'open', delegatedFrom: null, decision: null,
        decidedBy: null, comment: null, createdAt: at, closedAt: null,
      });
      const statuses = await store.commit([
        { instance: { ...a, revision: a.revision + 1 }, expectedRevision: a.revision, acquireSubject: 'held-one' },
        { instance: ended(busy), expectedRevision: null, checkSubject: 'held-one', releaseSubject: true, createWorkItems: [item(busy)], audit: [{ at, instanceId: busy, event: 'launched' }] },
        { instance: ended(free, 'Checked Name'), expectedRevision: null, checkSubject: 'free-one', releaseSubject: true, audit: [{ at, instanceId: free, event: 'launched' }] },
        { instance: ended(twin, 'Checked Name'), expectedRevision: null, checkSubject: 'twin-one', releaseSubject: true },
        // Refused by its compare-and-set, its first statement: nothing of it is written, savepoint or not.
        { instance: { ...b, revision: b.revision + 1 }, expectedRevision: b.revision + 5, createWorkItems: [item(b.id)] },
      ]);
      assert.deepEqual(statuses, ['committed', 'subject-busy', 'committed', 'name-taken', 'conflict']);
      assert.equal(await store.subjectHolder('twin-one'), undefined, 'a refused insert leaves no lock behind');
      assert.equal(await store.getInstance(busy), undefined, 'the refused insert wrote nothing');
      assert.equal(await store.getWorkItem(`${busy}.1`), undefined);
      assert.deepEqual(await store.listAudit({ instanceId: busy }), []);
      assert.equal((await store.getInstance(free))?.state, 'finished');
      assert.equal(await store.subjectHolder('free-one'), undefined, 'an instance that ended holds no lock');
      assert.equal(await store.subjectHolder('held-one'), a.id, 'the holder keeps its lock');
      assert.equal(await store.getWorkItem(`${b.id}.1`), undefined);
      assert.equal((await store.getInstance(b.id))?.revision, b.revision);
    });

    it('writes nothing of a batch when one of its writes fails outright part-way (a ledger key written twice)', async () => {
      const a = (await store.getInstance((await w.engine.launch({ definition: 'Auto Default', launcher: 'bob' })).instance.id))!;
      const b = (await store.getInstance((await w.engine.launch({ definition: 'Auto Default', launcher: 'bob' })).instance.id))!;
      const at = w.now();
      const effect = { key: `${b.id}:1:A:0`, operation: 'ledger', data: {}, instanceId: b.id, at };
      await assert.rejects(
        store.commit([
          { instance: { ...a, state: 'suspended', revision: a.revision + 1 }, expectedRevision: a.revision, audit: [{ at, instanceId: a.id, event: 'a1' }] },
          { instance: { ...b, state: 'suspended', revision: b.revision + 1 }, expectedRevision: b.revision, sideEffects: [effect, effect] },
        ]),
        /unique/i,
      );
      for (const before of [a, b]) {
        const now = (await store.getInstance(before.id))!;
        assert.equal(now.revision, before.revision);
        assert.equal(now.state, 'ready');
      }
      assert.deepEqual((await store.listAudit({ instanceId: a.id })).map((e) => e.event), ['launched']);
      assert.deepEqual(await store.listSideEffects({ instanceId: b.id }), []);
    });

    it('writes nothing of a scheduled launch whose occurrence another worker took, its children included', async () => {
      const template = (await store.getInstance((await w.engine.launch({ definition: 'Auto Default', launcher: 'bob' })).instance.id))!;
      const fresh = (id: string): InstanceRecord => ({ ...template, id, name: `Auto Default #${id}`, revision: 1 });
      const at = w.now();
      const state = { name: 'Store Schedule', lastRun: at, nextRun: at + 60_000, runCount: 1, updatedAt: at };
      assert.equal(await store.updateScheduleState(state, undefined), true);
      const launch = (own: string, child: string, expectedNextRun: number) => [
        { instance: fresh(own), expectedRevision: null, audit: [{ at, instanceId: own, event: 'launched' }], schedule: { next: { ...state, nextRun: expectedNextRun + 60_000, runCount: 2 }, expectedNextRun } },
        { instance: fresh(child), expectedRevision: null, audit: [{ at, instanceId: child, event: 'launched' }] },
      ];
      const lost = launch('0190aaaa-0000-7000-8000-000000000001', '0190aaaa-0000-7000-8000-000000000002', at);
      assert.deepEqual(await store.commit(lost), ['schedule-moved', 'schedule-moved']);
      for (const write of lost) {
        assert.equal(await store.getInstance(write.instance.id), undefined);
        assert.deepEqual(await store.listAudit({ instanceId: write.instance.id }), []);
      }
      assert.deepEqual(await store.commit([lost[0]!]), ['schedule-moved'], 'a single write is refused the same way');
      const won = launch('0190aaaa-0000-7000-8000-000000000003', '0190aaaa-0000-7000-8000-000000000004', at + 60_000);
      assert.deepEqual(await store.commit(won), ['committed', 'committed']);
      const [stored] = (await store.listScheduleStates()).filter((x) => x.name === 'Store Schedule');
      assert.equal(stored?.runCount, 2);
      assert.equal(stored?.nextRun, at + 120_000);
    });

    it('writes a schedule’s audit rows only with its state change', async () => {
      const at = w.now();
      const state = { name: 'Audit Schedule', lastRun: at, nextRun: at + 60_000, runCount: 1, updatedAt: at };
      const row = { at, event: 'schedule-failed', data: { schedule: 'Audit Schedule' } };
      assert.equal(await store.updateScheduleState(state, undefined, [row]), true);
      assert.equal(await store.updateScheduleState(state, undefined, [row]), false, 'the state exists already');
      assert.equal(await store.updateScheduleState({ ...state, runCount: 2 }, at + 1, [row]), false, 'another next run is stored');
      const rows = (await store.listAudit()).filter((a) => a.data?.['schedule'] === 'Audit Schedule');
      assert.equal(rows.length, 1);
    });

    it('finds ids by a prefix of the whole id or of its last group, for instances and work items, through the store', async () => {
      const a = await w.engine.launch({ definition: 'Approval', launcher: 'bob', variables: { approver: 'alice' } });
      const id = a.instance.id;
      const tail = id.slice(24);
      assert.deepEqual(await store.findInstanceIds(tail.slice(0, 6), 10), [id]);
      assert.deepEqual(await store.findInstanceIds(id.slice(0, 30), 10), [id]);
      assert.ok((await store.findInstanceIds(id.slice(0, 8), 1000)).includes(id));
      // Ids lead with their launch time: a second launch shares a prefix with the first whatever the clock says
      // (a fixed 8-character prefix misses the test's earlier instances when a 65-second window turns over).
      const other = (await w.engine.launch({ definition: 'Approval', launcher: 'bob', variables: { approver: 'alice' } })).instance.id;
      let shared = 0;
      while (id[shared] === other[shared]) shared++;
      const common = id.slice(0, shared);
      assert.equal((await store.findInstanceIds(common, 2)).length, 2, 'both are found');
      assert.equal((await store.findInstanceIds(common, 1)).length, 1, 'limit holds');
      assert.deepEqual(await store.findWorkItemIds(tail.slice(0, 6), 10), [`${id}.1`]);
      assert.deepEqual(await store.findWorkItemIds(`${id}.`, 10), [`${id}.1`]);
    });
  });
});
}
