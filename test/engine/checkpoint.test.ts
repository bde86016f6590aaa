/**
 * progressInterval checkpoints (docs/task-parameters.md): a run of automatic steps that lasts longer than the
 * definition's progressInterval commits its state part-way, so `task show` sees current progress and a process
 * that dies mid-run loses only the steps since the last checkpoint. Runs the real engine on a temp SQLite file;
 * the wall clock that measures the run is driven by the slow operation itself, so the test is exact.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openEngine, type RuntimeEngine } from '../../src/engine/engine.js';
import type { ServiceOperation } from '../../src/engine/interpreter/interpreter-types.js';
import type { InstanceRecord } from '../../src/repository/runtime-store.js';
import { openRuntimeWorld, type RuntimeWorld } from './runtime-harness.js';
import { DATABASES } from '../repository/repository-factory.js';

/** What the slow operation saw of its own instance in the repository when it ran. */
interface Seen {
  readonly step: string;
  readonly row: Pick<InstanceRecord, 'state' | 'waiting' | 'steps' | 'position' | 'leaseOwner'> & { readonly progress: string | undefined } | undefined;
}

for (const database of DATABASES) {
describe(database.name, () => {
  describe('progressInterval checkpoints', () => {
    let w: RuntimeWorld;
    let engine: RuntimeEngine;
    let wall = 0;
    const seen: Seen[] = [];
    let hangAt: string | undefined;
    const commits: number[] = [];
    /** Lasts 60 ms of wall clock (Slow Steps has progressInterval 100) and notes what the repository shows. */
    const slowStep: ServiceOperation = async (call) => {
      wall += 60;
      const row = await w.repository.runtime.getInstance(call.instanceId);
      const step = String(call.args['step']);
      seen.push({
        step,
        row: row && {
          state: row.state,
          waiting: row.waiting,
          steps: row.steps,
          position: row.position,
          leaseOwner: row.leaseOwner,
          progress: row.progress?.message,
        },
      });
      if (step === hangAt) {
        hangAt = undefined;
        // The process "dies" here: this advance never returns.
        await new Promise(() => undefined);
      }
      return { values: {} };
    };

    before(async () => {
      w = await openRuntimeWorld(['engine-gaps.xml'], {}, database);
      const store = w.repository.runtime;
      const original = store.commit.bind(store);
      store.commit = (writes) => {
        commits.push(writes.length);
        return original(writes);
      };
      engine = await openEngine({ repository: w.repository, clock: w.now, workerId: 'runner', wallClock: () => wall, operations: { slowStep } });
    });
    after(async () => {
      await engine.close();
      await w.close();
    });

    const reset = () => {
      seen.length = 0;
      commits.length = 0;
    };

    it('commits a checkpoint before the next activity once a run has lasted longer than progressInterval', async () => {
      reset();
      const r = await engine.launch({ definition: 'Slow Steps', launcher: 'bob' });
      assert.equal(r.instance.state, 'finished');
      assert.deepEqual(r.instance.result?.outputs, { trail: '1234' }, 'the same result as a run without checkpoints');
      assert.equal(r.instance.steps, 6);
      assert.equal(r.instance.progress?.message, 'finished after 6 steps');
      // 60 ms per slow step: the run passes 100 ms before S3 and again before end.
      assert.deepEqual(commits, [1, 1, 1], 'two checkpoints and the final commit');
      assert.deepEqual(
        seen.map((s) => [s.step, s.row?.progress]),
        [
          ['S1', undefined],
          ['S2', undefined],
          ['S3', 'running, at S3 after 3 steps'],
          ['S4', 'running, at S3 after 3 steps'],
        ],
        'a synchronous launch is in the repository from its first checkpoint on, with current progress',
      );
      assert.deepEqual(seen[2]!.row, {
        state: 'executing',
        waiting: false,
        steps: 3,
        position: ['S3'],
        leaseOwner: 'runner',
        progress: 'running, at S3 after 3 steps',
      });
    });

    it('checkpoints a worker’s run the same way and commits the rest with the batch', async () => {
      reset();
      const r = await engine.launch({ definition: 'Slow Steps', launcher: 'bob', mode: 'async' });
      const round = await engine.runWorkerOnce();
      assert.equal(round.advanced, 1);
      const done = await engine.getTask(r.instance.id);
      assert.equal(done.state, 'finished');
      assert.deepEqual(done.result?.outputs, { trail: '1234' });
      assert.deepEqual(commits, [1, 1, 1, 1], 'the launch, two checkpoints, the batch');
      assert.equal(seen[2]!.row?.leaseOwner, 'runner', 'the checkpoint keeps the worker’s lease');
    });

    it('returns from a synchronous launch the work items a checkpoint committed before it came to rest', async () => {
      reset();
      // Slow Branch: one branch puts up a work item at once, the other runs slow steps past progressInterval.
      const r = await engine.launch({ definition: 'Slow Branch', launcher: 'bob' });
      assert.ok(commits.length >= 2, `a checkpoint before the final commit (commits: ${commits.join(', ')})`);
      assert.equal(r.instance.waiting, true);
      const open = await engine.listWorkItems({ instanceId: r.instance.id });
      assert.equal(open.length, 1);
      assert.deepEqual(r.workItems.map((i) => i.id), open.map((i) => i.id));
    });

    it('makes no checkpoint when progressInterval is not exceeded (a fast run commits once)', async () => {
      reset();
      const r = await engine.launch({ definition: 'Four Steps', launcher: 'bob' });
      assert.equal(r.instance.state, 'finished');
      assert.deepEqual(commits, [1]);
    });

    it('lets a worker finish a run whose process died after a checkpoint, once the lease expires', async () => {
      reset();
      hangAt = 'S4';
      void engine.launch({ definition: 'Slow Steps', launcher: 'bob' });
      for (let i = 0; i < 100 && seen.length < 4; i++) await new Promise((r) => setTimeout(r, 5));
      assert.equal(seen.length, 4, 'the run reached S4');
      const id = (await w.repository.runtime.listInstances({ definitionName: 'Slow Steps', state: 'executing' }))[0]?.id;
      assert.ok(id, 'the checkpoint is in the repository');
      const left = await engine.getTask(id);
      assert.deepEqual(left.position, ['S3']);
      assert.equal(left.progress?.message, 'running, at S3 after 3 steps');

      const rescuer = await openEngine({ repository: w.repository, clock: w.now, workerId: 'rescuer', wallClock: () => wall, operations: { slowStep } });
      try {
        assert.equal((await rescuer.runWorkerOnce()).advanced, 0, 'leased to the runner until the lease expires');
        w.advance(60_001);
        assert.equal((await rescuer.runWorkerOnce()).advanced, 1);
        const done = await rescuer.getTask(id);
        assert.equal(done.state, 'finished');
        assert.deepEqual(done.result?.outputs, { trail: '1234' }, 'S3 and S4 ran again from the checkpoint; S1 and S2 did not');
        assert.equal(done.steps, 6);
        assert.deepEqual(seen.map((s) => s.step), ['S1', 'S2', 'S3', 'S4', 'S3', 'S4']);
      } finally {
        await rescuer.close();
      }
    });

    it('checkpoints a slow XPRESS expression action by the real wall clock', async () => {
      const real = await openEngine({ repository: w.repository, clock: w.now, workerId: 'real' });
      try {
        reset();
        // Busy Loop: progressInterval 1 ms, and a <while> of 20,000 rounds before the activity Done.
        const r = await real.launch({ definition: 'Busy Loop', launcher: 'bob' });
        assert.equal(r.instance.state, 'finished');
        assert.deepEqual(r.instance.result?.outputs, { n: 20000 });
        assert.ok(commits.length >= 2, `at least one checkpoint before the final commit (commits: ${commits.join(', ')})`);
      } finally {
        await real.close();
      }
    });
  });
});
}
