/**
 * Two callers changing one instance at once. An advance runs in memory and commits with a revision check, so
 * whoever commits second is refused: a decision is retried on the new state (and then told why it cannot apply),
 * a worker's advance is dropped, and nothing committed is ever overwritten.
 *
 * The processes call the operation `gate`, which these tests hold open to keep an advance in memory while
 * another caller acts on the same instance.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ServiceOperation } from '../../src/engine/interpreter/interpreter-types.js';
import { errorCode, openRuntimeWorld, type RuntimeWorld } from './runtime-harness.js';
import { DATABASES } from '../repository/repository-factory.js';

/** Holds the next `n` calls of the `gate` operation until {@link release}; later calls pass at once. */
class Gate {
  arrived = 0;
  #toHold = 0;
  #held: (() => void)[] = [];

  readonly op: ServiceOperation = async () => {
    this.arrived++;
    if (this.#toHold > 0) {
      this.#toHold--;
      await new Promise<void>((resolve) => this.#held.push(resolve));
    }
    return { values: {} };
  };

  hold(n: number): void {
    this.arrived = 0;
    this.#toHold = n;
  }

  release(): void {
    this.#toHold = 0;
    for (const resolve of this.#held.splice(0)) resolve();
  }

  /** Resolves once `n` calls have arrived since the last {@link hold}. */
  async reached(n: number): Promise<void> {
    for (let i = 0; i < 400 && this.arrived < n; i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(this.arrived >= n, `gate reached by ${this.arrived} call(s), expected ${n}`);
  }
}

for (const database of DATABASES) {
describe(database.name, () => {
  describe('concurrent changes to one instance', () => {
    let w: RuntimeWorld;
    const gate = new Gate();
    before(async () => {
      w = await openRuntimeWorld(['concurrency.xml'], { operations: { gate: gate.op } }, database);
    });
    beforeEach(() => gate.release());
    after(() => w.close());

    const events = async (id: string) => (await w.repository.runtime.listAudit({ instanceId: id })).map((a) => a.event);

    it('lets exactly one of two decisions on the same item at once win; the other is told the item is closed', async () => {
      const r = await w.engine.launch({ definition: 'Gated Approval', launcher: 'bob', variables: { approver: 'alice' } });
      const item = r.workItems[0]!;
      gate.hold(2);
      const first = w.engine.decide({ workItemId: item.id, decision: 'approve', actor: 'alice' });
      const second = w.engine.decide({ workItemId: item.id, decision: 'reject', actor: 'alice' });
      // Both passed every check and are advancing the same revision in memory.
      await gate.reached(2);
      gate.release();
      const [a, b] = await Promise.allSettled([first, second]);
      const won = [a, b].filter((s) => s.status === 'fulfilled');
      const lost = [a, b].filter((s): s is PromiseRejectedResult => s.status === 'rejected');
      assert.equal(won.length, 1);
      assert.equal(lost.length, 1);
      assert.equal((lost[0]!.reason as { code?: string }).code, 'WORKITEM_CLOSED');
      const task = await w.engine.getTask(r.instance.id);
      assert.equal(task.state, 'finished');
      const winner = (await w.engine.listWorkItems({ instanceId: r.instance.id, state: 'decided' }))[0]!;
      assert.equal(task.result?.outputs['outcome'], winner.decision);
      assert.equal((await events(r.instance.id)).filter((e) => e === 'decision').length, 1);
    });

    it('keeps a decision committed while a worker times the same item out; the worker’s advance is dropped', async () => {
      const r = await w.engine.launch({ definition: 'Gated Approval', launcher: 'bob', variables: { approver: 'alice' } });
      w.advance(61_000);
      gate.hold(1);
      const round = w.engine.runWorkerOnce();
      // The worker claimed the instance, timed the item out in memory and waits in the gate.
      await gate.reached(1);
      const decided = await w.engine.decide({ workItemId: r.workItems[0]!.id, decision: 'approve', actor: 'alice' });
      assert.equal(decided.instance.state, 'finished');
      gate.release();
      assert.equal((await round).advanced, 0);
      const task = await w.engine.getTask(r.instance.id);
      assert.equal(task.result?.outputs['outcome'], 'approve');
      assert.equal((await w.engine.listWorkItems({ instanceId: r.instance.id, state: 'decided' }))[0]?.decidedBy, 'alice');
      assert.ok(!(await events(r.instance.id)).includes('workitem-timeout'));
    });

    it('tells a decision made after a worker timed the item out that the item is closed', async () => {
      const r = await w.engine.launch({ definition: 'Gated Approval', launcher: 'bob', variables: { approver: 'alice' } });
      w.advance(61_000);
      assert.equal((await w.engine.runWorkerOnce()).advanced, 1);
      const e = await errorCode(() => w.engine.decide({ workItemId: r.workItems[0]!.id, decision: 'approve', actor: 'alice' }));
      assert.equal(e.code, 'WORKITEM_CLOSED');
      assert.match(e.message, /already timeout/);
    });

    it('keeps an instance terminated while a worker was advancing it: the worker’s commit is refused', async () => {
      const r = await w.engine.launch({ definition: 'Gated Auto', launcher: 'bob' });
      gate.hold(1);
      const round = w.engine.runWorkerOnce();
      await gate.reached(1);
      assert.equal((await w.engine.terminate(r.instance.id, 'admin')).state, 'terminated');
      gate.release();
      assert.equal((await round).advanced, 0);
      const task = await w.engine.getTask(r.instance.id);
      assert.equal(task.state, 'terminated');
      assert.equal(task.result?.outputs['outcome'], undefined);
      assert.equal((await w.engine.runWorkerOnce()).advanced, 0);
      assert.deepEqual(await events(r.instance.id), ['launched', 'terminated']);
    });

    it('keeps an instance suspended while a worker was advancing it, and runs it once resumed', async () => {
      const r = await w.engine.launch({ definition: 'Gated Auto', launcher: 'bob' });
      gate.hold(1);
      const round = w.engine.runWorkerOnce();
      await gate.reached(1);
      assert.equal((await w.engine.suspend(r.instance.id, 'admin')).state, 'suspended');
      gate.release();
      assert.equal((await round).advanced, 0);
      assert.equal((await w.engine.getTask(r.instance.id)).state, 'suspended');
      assert.equal((await w.engine.runWorkerOnce()).advanced, 0);
      await w.engine.resume(r.instance.id, 'admin');
      assert.equal((await w.engine.runWorkerOnce()).advanced, 1);
      const task = await w.engine.getTask(r.instance.id);
      assert.equal(task.state, 'finished');
      assert.equal(task.result?.outputs['outcome'], 'done');
    });
  });
});
}
