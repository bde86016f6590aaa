import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mayDecide } from '../../src/access/may-decide.js';
import { errorCode, openRuntimeWorld, T0, type RuntimeWorld } from './runtime-harness.js';
import { DATABASES } from '../repository/repository-factory.js';

const HOUR = 3_600_000;

/** Polls until `check` passes (asyncImmediate work runs in the background of the engine). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail('condition not reached in time');
}

for (const database of DATABASES) {
describe(database.name, () => {
  describe('TaskDefinition parameters', () => {
    let w: RuntimeWorld;
    before(async () => {
      w = await openRuntimeWorld(undefined, {}, database);
    });
    after(() => w.close());

    describe('execMode', () => {
      it('runs a sync definition in the caller to its end and returns the result', async () => {
        const r = await w.engine.launch({ definition: 'Auto Sync', launcher: 'bob', variables: { who: 'ann' } });
        assert.equal(r.instance.state, 'finished');
        assert.deepEqual(r.instance.result?.outputs, { greeting: 'hello ann' });
      });

      it('leaves an async definition ready for a worker, which finishes it', async () => {
        const r = await w.engine.launch({ definition: 'Auto Default', launcher: 'bob', variables: { who: 'ann' } });
        assert.equal(r.instance.state, 'ready');
        assert.equal((await w.engine.getTask(r.instance.id)).state, 'ready');
        await w.engine.runWorkerOnce();
        const done = await w.engine.getTask(r.instance.id);
        assert.equal(done.state, 'finished');
        assert.deepEqual(done.result?.outputs, { greeting: 'hello ann' });
      });

      it('treats execMode DEFAULT (null) as async', async () => {
        const r = await w.engine.launch({ definition: 'Auto Null Mode', launcher: 'bob', variables: { who: 'x' } });
        assert.equal(r.instance.state, 'ready');
      });

      it('advances an asyncImmediate launch at once without a worker round', async () => {
        const r = await w.engine.launch({ definition: 'Auto Immediate', launcher: 'bob', variables: { who: 'imm' } });
        assert.equal(r.instance.state, 'ready');
        await eventually(async () => (await w.engine.getTask(r.instance.id)).state === 'finished');
        assert.deepEqual((await w.engine.getTask(r.instance.id)).result?.outputs, { greeting: 'hello imm' });
      });

      it('lets the caller choose the other mode when syncControlAllowed is true', async () => {
        const asyncRun = await w.engine.launch({ definition: 'Auto Sync', mode: 'async', launcher: 'bob', variables: { who: 'a' } });
        assert.equal(asyncRun.instance.state, 'ready');
        const syncRun = await w.engine.launch({ definition: 'Auto Default', mode: 'sync', launcher: 'bob', variables: { who: 'b' } });
        assert.equal(syncRun.instance.state, 'finished');
      });
    });

    describe('syncControlAllowed', () => {
      it('refuses a request for another mode when the definition forbids it, and creates nothing', async () => {
        const before = (await w.engine.listTasks({ definition: 'Auto Locked' })).length;
        const e = await errorCode(() => w.engine.launch({ definition: 'Auto Locked', mode: 'async', launcher: 'bob' }));
        assert.equal(e.code, 'EXEC_MODE_NOT_ALLOWED');
        assert.match(e.message, /syncControlAllowed is false/);
        assert.equal((await w.engine.listTasks({ definition: 'Auto Locked' })).length, before);
      });

      it('accepts a request for the definition’s own mode', async () => {
        const r = await w.engine.launch({ definition: 'Auto Locked', mode: 'sync', launcher: 'bob', variables: { who: 'c' } });
        assert.equal(r.instance.state, 'finished');
      });
    });

    describe('suspendable', () => {
      it('suspends and resumes an instance; decisions wait while it is suspended', async () => {
        const r = await w.engine.launch({ definition: 'Approval', launcher: 'bob', variables: { approver: 'alice' } });
        const item = r.workItems[0]!;
        assert.equal((await w.engine.suspend(r.instance.id, 'admin')).state, 'suspended');
        assert.equal((await errorCode(() => w.engine.decide({ workItemId: item.id, decision: 'approve', actor: 'alice' }))).code, 'TASK_SUSPENDED');
        assert.equal((await w.engine.resume(r.instance.id, 'admin')).state, 'executing');
        const d = await w.engine.decide({ workItemId: item.id, decision: 'approve', actor: 'alice' });
        assert.equal(d.instance.state, 'finished');
      });

      it('keeps a suspended async launch out of worker rounds until it is resumed', async () => {
        const r = await w.engine.launch({ definition: 'Auto Default', launcher: 'bob', variables: { who: 'z' } });
        await w.engine.suspend(r.instance.id, 'admin');
        await w.engine.runWorkerOnce();
        assert.equal((await w.engine.getTask(r.instance.id)).state, 'suspended');
        assert.equal((await w.engine.resume(r.instance.id, 'admin')).state, 'ready');
        await w.engine.runWorkerOnce();
        assert.equal((await w.engine.getTask(r.instance.id)).state, 'finished');
      });

      it('refuses to suspend an instance of a definition that is not suspendable', async () => {
        const r = await w.engine.launch({ definition: 'Approval Fixed', launcher: 'bob', variables: { approver: 'alice' } });
        assert.equal((await errorCode(() => w.engine.suspend(r.instance.id, 'admin'))).code, 'TASK_NOT_SUSPENDABLE');
        assert.equal((await w.engine.getTask(r.instance.id)).state, 'executing');
      });

      it('refuses to resume an instance that is not suspended', async () => {
        const r = await w.engine.launch({ definition: 'Approval', launcher: 'bob', variables: { approver: 'alice' } });
        assert.equal((await errorCode(() => w.engine.resume(r.instance.id, 'admin'))).code, 'TASK_NOT_SUSPENDED');
      });
    });

    describe('execLimit', () => {
      it('terminates an instance that runs past its limit at the next worker sweep, cancelling its work items', async () => {
        const start = w.now();
        const r = await w.engine.launch({ definition: 'Approval Limited', launcher: 'bob', variables: { approver: 'alice' } });
        w.advance(59_000);
        await w.engine.runWorkerOnce();
        assert.equal((await w.engine.getTask(r.instance.id)).state, 'executing');
        w.advance(2_000);
        const round = await w.engine.runWorkerOnce();
        assert.ok(round.swept >= 1);
        const t = await w.engine.getTask(r.instance.id);
        assert.equal(t.state, 'terminated');
        assert.match(t.result?.errors[0] ?? '', /execLimit of 60 seconds exceeded/);
        assert.deepEqual(await w.engine.listWorkItems({ instanceId: r.instance.id }), []);
        const audit = await w.repository.runtime.listAudit({ instanceId: r.instance.id });
        assert.ok(audit.some((a) => a.event === 'terminated' && a.actor === 'system'));
        assert.ok(w.now() - start >= 60_000);
      });
    });

    describe('resultLimit', () => {
      it('0 deletes the instance at completion but keeps its audit events', async () => {
        const r = await w.engine.launch({ definition: 'Result Zero', launcher: 'bob', variables: { who: 'gone' } });
        assert.equal(r.instance.state, 'finished');
        assert.deepEqual(r.instance.result?.outputs, { greeting: 'hello gone' });
        assert.equal((await errorCode(() => w.engine.getTask(r.instance.id))).code, 'TASK_NOT_FOUND');
        const events = (await w.repository.runtime.listAudit({ instanceId: r.instance.id })).map((a) => a.event);
        assert.deepEqual(events, ['launched', 'finished']);
      });

      it('N keeps the finished instance N seconds, then the sweeper deletes it', async () => {
        const r = await w.engine.launch({ definition: 'Result Hour', launcher: 'bob', variables: { who: 'h' } });
        assert.equal(r.instance.expiresAt, new Date(w.now() + HOUR).toISOString());
        w.advance(HOUR - 1000);
        await w.engine.runWorkerOnce();
        assert.equal((await w.engine.getTask(r.instance.id)).state, 'finished');
        w.advance(2000);
        await w.engine.runWorkerOnce();
        assert.equal((await errorCode(() => w.engine.getTask(r.instance.id))).code, 'TASK_NOT_FOUND');
        assert.ok((await w.repository.runtime.listAudit({ instanceId: r.instance.id })).some((a) => a.event === 'finished'));
      });

      it('-1 keeps the finished instance forever', async () => {
        const r = await w.engine.launch({ definition: 'Auto Sync', launcher: 'bob', variables: { who: 'k' } });
        assert.equal(r.instance.expiresAt, undefined);
        w.advance(10 * 365 * 24 * HOUR);
        await w.engine.runWorkerOnce();
        assert.equal((await w.engine.getTask(r.instance.id)).state, 'finished');
      });
    });

    describe('resultOption', () => {
      async function approveAll(instanceId: string): Promise<void> {
        for (const item of await w.engine.listWorkItems({ instanceId })) {
          await w.engine.decide({ workItemId: item.id, decision: 'approve', actor: item.owner ?? '' });
        }
      }

      it('wait refuses a launch while an instance of the same name exists, running or finished', async () => {
        const first = await w.engine.launch({ definition: 'Option Wait', taskName: 'report-wait', launcher: 'bob', variables: { approver: 'alice' } });
        const running = await errorCode(() => w.engine.launch({ definition: 'Option Wait', taskName: 'report-wait', launcher: 'bob' }));
        assert.equal(running.code, 'TASK_RESULT_EXISTS');
        await approveAll(first.instance.id);
        const finished = await errorCode(() => w.engine.launch({ definition: 'Option Wait', taskName: 'report-wait', launcher: 'bob' }));
        assert.equal(finished.code, 'TASK_RESULT_EXISTS');
        assert.equal((await w.engine.getTask(first.instance.id)).state, 'finished');
      });

      it('delete replaces a finished instance of the same name and refuses while it runs', async () => {
        const first = await w.engine.launch({ definition: 'Option Delete', taskName: 'report-del', launcher: 'bob', variables: { approver: 'alice' } });
        const e = await errorCode(() => w.engine.launch({ definition: 'Option Delete', taskName: 'report-del', launcher: 'bob', variables: { approver: 'alice' } }));
        assert.equal(e.code, 'TASK_NAME_IN_USE');
        await approveAll(first.instance.id);
        const second = await w.engine.launch({ definition: 'Option Delete', taskName: 'report-del', launcher: 'bob', variables: { approver: 'alice' } });
        assert.equal(second.instance.name, 'report-del');
        assert.equal((await errorCode(() => w.engine.getTask(first.instance.id))).code, 'TASK_NOT_FOUND');
        assert.ok((await w.repository.runtime.listAudit({ instanceId: first.instance.id })).some((a) => a.event === 'deleted'));
      });

      it('rename keeps the finished instance under a new name', async () => {
        const first = await w.engine.launch({ definition: 'Option Rename', taskName: 'report-ren', launcher: 'bob', variables: { approver: 'alice' } });
        await approveAll(first.instance.id);
        const second = await w.engine.launch({ definition: 'Option Rename', taskName: 'report-ren', launcher: 'bob', variables: { approver: 'alice' } });
        assert.equal(second.instance.name, 'report-ren');
        const old = await w.engine.getTask(first.instance.id);
        assert.equal(old.name, `report-ren #${first.instance.id}`);
        assert.equal(old.state, 'finished');
      });

      it('terminate ends a running instance of the same name and replaces it', async () => {
        const first = await w.engine.launch({ definition: 'Option Terminate', taskName: 'report-term', launcher: 'bob', variables: { approver: 'alice' } });
        const itemId = first.workItems[0]!.id;
        const second = await w.engine.launch({ definition: 'Option Terminate', taskName: 'report-term', launcher: 'bob', variables: { approver: 'alice' } });
        assert.equal(second.instance.state, 'executing');
        assert.equal((await errorCode(() => w.engine.getTask(first.instance.id))).code, 'TASK_NOT_FOUND');
        assert.equal((await errorCode(() => w.engine.decide({ workItemId: itemId, decision: 'approve', actor: 'alice' }))).code, 'WORKITEM_NOT_FOUND');
        const events = (await w.repository.runtime.listAudit({ instanceId: first.instance.id })).map((a) => a.event);
        assert.ok(events.includes('terminated') && events.includes('deleted'));
      });
    });

    describe('wizard', () => {
      it('hands the deciding person their next work item at once when wizard is true', async () => {
        const r = await w.engine.launch({ definition: 'Wizard', launcher: 'bob', variables: { approver: 'alice' } });
        const d = await w.engine.decide({ workItemId: r.workItems[0]!.id, decision: 'submit', actor: 'alice', variables: { answer: 42 } });
        assert.equal(d.next?.request, 'Page 2');
        assert.equal(d.next?.owner, 'alice');
        assert.equal(d.instance.variables['answer'], 42);
      });

      it('returns no next item when wizard is false; the item waits in the inbox', async () => {
        const r = await w.engine.launch({ definition: 'Not Wizard', launcher: 'bob', variables: { approver: 'alice' } });
        const d = await w.engine.decide({ workItemId: r.workItems[0]!.id, decision: 'submit', actor: 'alice' });
        assert.equal(d.next, undefined);
        const inbox = await w.engine.listWorkItems({ owner: 'alice', instanceId: r.instance.id });
        assert.deepEqual(inbox.map((i) => i.request), ['Page 2']);
      });
    });

    describe('visibility', () => {
      it('launches a run-visible definition by name', async () => {
        assert.equal((await w.engine.launch({ definition: 'Visible Run', launcher: 'bob', variables: { who: 'v' } })).instance.state, 'finished');
      });

      it('refuses to launch a schedule-only or invisible definition by name', async () => {
        const s = await errorCode(() => w.engine.launch({ definition: 'Visible Schedule', launcher: 'bob' }));
        assert.equal(s.code, 'LAUNCH_NOT_VISIBLE');
        assert.match(s.message, /may only be scheduled/);
        const i = await errorCode(() => w.engine.launch({ definition: 'Invisible', launcher: 'bob' }));
        assert.equal(i.code, 'LAUNCH_NOT_VISIBLE');
        assert.match(i.message, /invisible/);
      });
    });

    describe('progressInterval', () => {
      it('records current progress at every wait, however long the interval (task show never lags a decision)', async () => {
        const r = await w.engine.launch({ definition: 'Progress Slow', launcher: 'bob', variables: { approver: 'alice' } });
        assert.equal(r.instance.progress?.message, 'at First Page after 2 steps');
        w.advance(1000);
        const d = await w.engine.decide({ workItemId: r.workItems[0]!.id, decision: 'submit', actor: 'alice' });
        assert.deepEqual(d.instance.progress, { message: 'at Second Page after 3 steps', at: new Date(w.now()).toISOString() });
        assert.deepEqual(d.instance.position, ['Second Page']);
        assert.deepEqual((await w.engine.getTask(r.instance.id)).progress, d.instance.progress);
      });

      it('records progress at every commit with an interval of 0', async () => {
        const r = await w.engine.launch({ definition: 'Progress Fast', launcher: 'bob', variables: { approver: 'alice' } });
        w.advance(1000);
        const d = await w.engine.decide({ workItemId: r.workItems[0]!.id, decision: 'submit', actor: 'alice' });
        assert.deepEqual(d.instance.progress, { message: 'at Second Page after 3 steps', at: new Date(w.now()).toISOString() });
      });
    });
  });

  describe('running instances', () => {
    let w: RuntimeWorld;
    before(async () => {
      w = await openRuntimeWorld(undefined, {}, database);
    });
    after(() => w.close());

    it('refuses a second update workflow on a subject while the first is unfinished (SUBJECT_BUSY)', async () => {
      const first = await w.engine.launch({ definition: 'Approval', subject: 'jdoe', launcher: 'bob', variables: { approver: 'alice' } });
      const e = await errorCode(() => w.engine.launch({ definition: 'Auto Default', subject: 'jdoe', launcher: 'carol' }));
      assert.equal(e.code, 'SUBJECT_BUSY');
      assert.match(e.message, new RegExp(first.instance.id));
      assert.equal((await w.engine.launch({ definition: 'Auto Default', subject: 'mmax', launcher: 'carol' })).instance.state, 'ready');
      await w.engine.decide({ workItemId: first.workItems[0]!.id, decision: 'reject', actor: 'alice' });
      assert.equal((await w.engine.launch({ definition: 'Auto Sync', subject: 'jdoe', launcher: 'carol', variables: { who: 'j' } })).instance.state, 'finished');
    });

    it('holds the subject for an async launch that has not started yet', async () => {
      await w.engine.launch({ definition: 'Auto Default', subject: 'kroe', launcher: 'bob' });
      assert.equal((await errorCode(() => w.engine.launch({ definition: 'Auto Sync', subject: 'kroe', launcher: 'bob' }))).code, 'SUBJECT_BUSY');
      await w.engine.runWorkerOnce();
      assert.equal((await w.engine.launch({ definition: 'Auto Sync', subject: 'kroe', launcher: 'bob' })).instance.state, 'finished');
    });

    it('refuses a decision by someone who is not the owner and says why', async () => {
      const r = await w.engine.launch({ definition: 'Approval', launcher: 'bob', variables: { approver: 'alice' } });
      const item = r.workItems[0]!;
      const e = await errorCode(() => w.engine.decide({ workItemId: item.id, decision: 'approve', actor: 'mallory' }));
      assert.equal(e.code, 'WORKITEM_NOT_OWNER');
      assert.match(e.message, /belongs to alice, not to mallory/);
      assert.equal((await w.engine.listWorkItems({ instanceId: r.instance.id }))[0]?.state, 'open');
    });

    it('refuses a decision the work item does not offer, and one on a closed item', async () => {
      const r = await w.engine.launch({ definition: 'Approval', launcher: 'bob', variables: { approver: 'alice' } });
      const item = r.workItems[0]!;
      const unknown = await errorCode(() => w.engine.decide({ workItemId: item.id, decision: 'maybe', actor: 'alice' }));
      assert.equal(unknown.code, 'WORKITEM_UNKNOWN_DECISION');
      await w.engine.decide({ workItemId: item.id, decision: 'approve', actor: 'alice' });
      const closed = await errorCode(() => w.engine.decide({ workItemId: item.id, decision: 'approve', actor: 'alice' }));
      assert.equal(closed.code, 'WORKITEM_CLOSED');
      assert.match(closed.message, /decided by alice \(approve\)/);
    });

    it('writes audit events for launch, work items, the decision and the end', async () => {
      const r = await w.engine.launch({ definition: 'Approval', launcher: 'bob', variables: { approver: 'alice' } });
      await w.engine.decide({ workItemId: r.workItems[0]!.id, decision: 'approve', actor: 'alice', comment: 'fine' });
      const audit = await w.repository.runtime.listAudit({ instanceId: r.instance.id });
      assert.deepEqual(
        audit.map((a) => a.event),
        ['launched', 'workitem-created', 'decision', 'workitem-decided', 'finished'],
      );
      const decision = audit.find((a) => a.event === 'decision');
      assert.equal(decision?.actor, 'alice');
      assert.deepEqual(decision?.data, { decision: 'approve', as: 'owner', comment: 'fine' });
    });

    it('records which variables a decision wrote, never their values, in the audit', async () => {
      const r = await w.engine.launch({ definition: 'Approval', launcher: 'bob', variables: { approver: 'alice' } });
      await w.engine.decide({ workItemId: r.workItems[0]!.id, decision: 'approve', actor: 'alice', variables: { outcome: 'pw-Xy7!q' } });
      const audit = await w.repository.runtime.listAudit({ instanceId: r.instance.id });
      assert.deepEqual(audit.find((a) => a.event === 'decision')?.data, { decision: 'approve', as: 'owner', variables: ['outcome'] });
      assert.doesNotMatch(JSON.stringify(audit), /pw-Xy7/);
    });

    it('terminates an instance, cancels its work items and frees its subject', async () => {
      const r = await w.engine.launch({ definition: 'Approval', subject: 'tq', launcher: 'bob', variables: { approver: 'alice' } });
      const t = await w.engine.terminate(r.instance.id, 'admin');
      assert.equal(t.state, 'terminated');
      assert.equal(t.result?.outcome, 'terminated');
      assert.deepEqual(await w.engine.listWorkItems({ instanceId: r.instance.id }), []);
      assert.deepEqual(
        (await w.engine.listWorkItems({ instanceId: r.instance.id, state: 'cancelled' })).map((i) => i.id),
        [r.workItems[0]!.id],
      );
      assert.equal((await errorCode(() => w.engine.terminate(r.instance.id, 'admin'))).code, 'TASK_ALREADY_ENDED');
      assert.equal((await w.engine.launch({ definition: 'Auto Sync', subject: 'tq', launcher: 'bob' })).instance.state, 'finished');
    });

    it('terminates in bulk only the unfinished instances that match', async () => {
      const asyncIds = [];
      for (let i = 0; i < 5; i++) asyncIds.push((await w.engine.launch({ definition: 'Approval Async', launcher: 'bob', variables: { approver: 'alice' } })).instance.id);
      const other = await w.engine.launch({ definition: 'Approval', launcher: 'bob', variables: { approver: 'alice' } });
      assert.equal(await w.engine.terminateMany({ definition: 'Approval Async' }, 'admin'), 5);
      for (const id of asyncIds) assert.equal((await w.engine.getTask(id)).state, 'terminated');
      assert.equal((await w.engine.getTask(other.instance.id)).state, 'executing');
      assert.equal(await w.engine.terminateMany({ definition: 'Approval Async' }, 'admin'), 0);
    });

    it('terminates in bulk no more instances than the limit asked for', async () => {
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await w.engine.launch({ definition: 'Approval Async', launcher: 'bob', variables: { approver: 'alice' } })).instance.id);
      assert.equal(await w.engine.terminateMany({ definition: 'Approval Async', limit: 2 }, 'admin'), 2);
      const states = await Promise.all(ids.map(async (id) => (await w.engine.getTask(id)).state));
      assert.deepEqual(states, ['terminated', 'terminated', 'ready']);
    });

    it('takes over an instance whose worker died once that worker’s lease expires', async () => {
      const r = await w.engine.launch({ definition: 'Auto Default', launcher: 'bob', variables: { who: 'lease' } });
      const claimed = await w.repository.runtime.claim('dead-worker', w.now(), 30_000, 1000);
      assert.ok(claimed.some((c) => c.id === r.instance.id));
      await w.engine.runWorkerOnce();
      assert.equal((await w.engine.getTask(r.instance.id)).state, 'ready');
      w.advance(30_001);
      await w.engine.runWorkerOnce();
      assert.equal((await w.engine.getTask(r.instance.id)).state, 'finished');
    });
  });

  describe('definition versions', () => {
    it('keeps an instance on the version it was launched from while new launches use the latest', async () => {
      const w = await openRuntimeWorld(['versioned-v1.xml'], {}, database);
      try {
        const old = await w.engine.launch({ definition: 'Versioned', launcher: 'bob', variables: { approver: 'alice' } });
        assert.equal(old.workItems[0]?.request, 'Version 1 asks');
        await w.importFixtures('versioned-v2.xml');
        const fresh = await w.engine.launch({ definition: 'Versioned', launcher: 'bob', variables: { approver: 'alice' } });
        assert.equal(fresh.instance.definition.version, 2);
        assert.equal(fresh.workItems[0]?.request, 'Version 2 asks');
        const a = await w.engine.decide({ workItemId: old.workItems[0]!.id, decision: 'approve', actor: 'alice' });
        const b = await w.engine.decide({ workItemId: fresh.workItems[0]!.id, decision: 'approve', actor: 'alice' });
        assert.equal(a.instance.definition.version, 1);
        assert.deepEqual(a.instance.result?.outputs, { version: 'v1' });
        assert.deepEqual(b.instance.result?.outputs, { version: 'v2' });
      } finally {
        await w.close();
      }
    });
  });

  describe('TaskSchedules', () => {
    let w: RuntimeWorld;
    before(async () => {
      w = await openRuntimeWorld(['task-parameters.xml', 'schedules.xml'], {}, database);
    });
    after(() => w.close());

    const runs = async (name: string): Promise<number | undefined> => (await w.engine.listSchedules()).find((s) => s.name === name)?.runCount;

    it('runs nothing before a schedule’s start', async () => {
      assert.equal((await w.engine.runWorkerOnce()).scheduled, 0);
      assert.equal((await w.engine.listSchedules()).find((s) => s.name === 'Hourly Greeting')?.nextRun, new Date(T0 + HOUR).toISOString());
    });

    it('launches each due schedule once at its start, respecting visibility and disabled', async () => {
      w.advance(HOUR);
      const round = await w.engine.runWorkerOnce();
      assert.equal(round.scheduled, 4);
      assert.equal(await runs('Hourly Greeting'), 1);
      assert.equal(await runs('Schedule Only'), 1);
      assert.equal(await runs('Switched Off'), 0);
      assert.equal((await w.engine.getTask((await w.engine.listTasks({ definition: 'Visible Schedule' }))[0]!.id)).state, 'finished');
      assert.deepEqual(await w.engine.listTasks({ definition: 'Visible Run' }), []);
      const failed = (await w.repository.runtime.listAudit()).filter((a) => a.event === 'schedule-failed');
      assert.deepEqual(failed.map((a) => [a.data?.['schedule'], a.data?.['code']]), [['Run Only', 'LAUNCH_NOT_VISIBLE']]);
    });

    it('catches up missed runs unless skipMissed, and skips a run whose previous result waits (resultOption wait)', async () => {
      w.advance(3 * HOUR);
      await w.engine.runWorkerOnce();
      assert.equal(await runs('Hourly Greeting'), 4);
      assert.equal(await runs('Skipping Greeting'), 2);
      // Of the three occurrences due (T0+2h, +3h, +4h) skipMissed runs the latest, not the oldest.
      const skipping = (await w.engine.listSchedules()).find((s) => s.name === 'Skipping Greeting');
      assert.equal(skipping?.lastRun, new Date(T0 + 4 * HOUR).toISOString());
      const greetings = await w.engine.listTasks({ definition: 'Auto Sync' });
      assert.deepEqual(greetings.map((t) => t.name).sort(), ['Hourly Greeting', 'Skipping Greeting']);
      assert.deepEqual(greetings.find((t) => t.name === 'Hourly Greeting')?.result?.outputs, { greeting: 'hello scheduler' });
      const approvals = await w.engine.listTasks({ definition: 'Approval' });
      assert.equal(approvals.length, 1);
      const skipped = (await w.repository.runtime.listAudit()).filter((a) => a.event === 'schedule-skipped');
      const waiting = skipped.filter((a) => a.data?.['code'] !== undefined);
      assert.ok(waiting.length >= 1);
      assert.ok(waiting.every((a) => a.data?.['schedule'] === 'Waiting Approval' && a.data?.['code'] === 'TASK_RESULT_EXISTS'));
      // The occurrences skipMissed passed over are on record too, with the reason.
      assert.deepEqual(
        skipped.filter((a) => a.data?.['code'] === undefined).map((a) => [a.data?.['schedule'], a.data?.['reason'], a.data?.['count']]),
        [['Skipping Greeting', 'skipMissed', 2]],
      );
    });

    it('stops a schedule after repeatCount runs', async () => {
      w.advance(10 * HOUR);
      await w.engine.runWorkerOnce();
      const hourly = (await w.engine.listSchedules()).find((s) => s.name === 'Hourly Greeting');
      assert.equal(hourly?.runCount, 5);
      assert.equal(hourly?.nextRun, undefined);
    });
  });

  describe('mayDecide', () => {
    const item = { id: 'i1', owner: null, permission: '/Custom/Workflows/W/A/S' };

    it('lets a holder of the item’s permission decide and refuses others with the permission named', async () => {
      const holds = (person: string, p: string): boolean => person === 'pat' && p === item.permission;
      assert.deepEqual(await mayDecide('pat', item, holds), { allowed: true, as: 'permission' });
      const no = await mayDecide('sam', item, holds);
      assert.equal(no.allowed, false);
      assert.match(no.allowed ? '' : no.reason, /permission \/Custom\/Workflows\/W\/A\/S; sam does not hold it/);
    });

    it('refuses the person who delegated an item, naming the delegate', async () => {
      const v = await mayDecide('alice', { id: 'i2', owner: 'bob', delegatedFrom: 'alice' }, undefined);
      assert.equal(v.allowed, false);
      assert.match(v.allowed ? '' : v.reason, /delegated work item i2 to bob/);
    });
  });

  describe('runtime store commits', () => {
    it('drops a write whose revision is stale and still commits the rest of the batch', async () => {
      const w = await openRuntimeWorld(undefined, {}, database);
      try {
        const a = await w.engine.launch({ definition: 'Auto Default', launcher: 'bob' });
        const b = await w.engine.launch({ definition: 'Auto Default', launcher: 'bob' });
        const store = w.repository.runtime;
        const rowA = (await store.getInstance(a.instance.id))!;
        const rowB = (await store.getInstance(b.instance.id))!;
        const statuses = await store.commit([
          { instance: { ...rowA, state: 'suspended', revision: rowA.revision + 1 }, expectedRevision: rowA.revision - 1 },
          { instance: { ...rowB, state: 'suspended', revision: rowB.revision + 1 }, expectedRevision: rowB.revision, audit: [{ at: w.now(), instanceId: rowB.id, event: 'suspended' }] },
        ]);
        assert.deepEqual(statuses, ['conflict', 'committed']);
        assert.equal((await store.getInstance(a.instance.id))?.state, 'ready');
        assert.equal((await store.getInstance(b.instance.id))?.state, 'suspended');
        assert.deepEqual((await store.listAudit({ instanceId: b.instance.id })).map((e) => e.event), ['launched', 'suspended']);
      } finally {
        await w.close();
      }
    });
  });
});
}
