/**
 * DESIGN decision 3, observed on the real SQLite store through a spy on its `commit` and `claim`: an instance is
 * committed at each wait state and at its end, with every automatic step in between done in memory, and workers
 * claim and commit runnable instances in batches.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openEngine, type RuntimeEngine } from '../../src/engine/engine.js';
import type { Repository } from '../../src/repository/repository.js';
import type { RuntimeStore } from '../../src/repository/runtime-store.js';
import { openRuntimeWorld, type RuntimeWorld } from './runtime-harness.js';
import { DATABASES } from '../repository/repository-factory.js';

interface Calls {
  /** Number of writes in each `commit` call (one transaction each). */
  commits: number[];
  /** `limit` of each `claim` call and how many instances it returned. */
  claims: { limit: number; got: number }[];
}

/** The repository with its runtime store's `commit` and `claim` counted (everything else passes through). */
function spied(repository: Repository): { repository: Repository; calls: Calls; reset(): void } {
  const calls: Calls = { commits: [], claims: [] };
  const store = repository.runtime;
  const runtime = new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (prop === 'commit') {
        return (writes: Parameters<RuntimeStore['commit']>[0]) => {
          calls.commits.push(writes.length);
          return target.commit(writes);
        };
      }
      if (prop === 'claim') {
        return async (...args: Parameters<RuntimeStore['claim']>) => {
          const got = await target.claim(...args);
          calls.claims.push({ limit: args[3], got: got.length });
          return got;
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    repository: { objects: repository.objects, profiles: repository.profiles, provisioning: repository.provisioning, identities: repository.identities, access: repository.access, notifications: repository.notifications, hr: repository.hr, absences: repository.absences, audit: repository.audit, runtime, kind: repository.kind, location: repository.location, close: () => repository.close() },
    calls,
    reset: () => {
      calls.commits.length = 0;
      calls.claims.length = 0;
    },
  };
}

for (const database of DATABASES) {
describe(database.name, () => {
  describe('commit discipline (DESIGN decision 3)', () => {
    let w: RuntimeWorld;
    let spy: ReturnType<typeof spied>;
    let open: (batchSize?: number) => Promise<RuntimeEngine>;
    const engines: RuntimeEngine[] = [];
    before(async () => {
      w = await openRuntimeWorld(['task-parameters.xml', 'engine-gaps.xml'], {}, database);
      spy = spied(w.repository);
      open = async (batchSize = 100) => {
        const e = await openEngine({ repository: spy.repository, clock: w.now, workerId: `spy-${batchSize}`, batchSize });
        engines.push(e);
        return e;
      };
    });
    after(async () => {
      for (const e of engines) await e.close();
      await w.close();
    });

    it('commits a synchronous launch of a four-activity automatic process exactly once', async () => {
      const engine = await open();
      spy.reset();
      const r = await engine.launch({ definition: 'Four Steps', launcher: 'bob' });
      assert.equal(r.instance.state, 'finished');
      assert.equal(r.instance.steps, 4);
      assert.deepEqual(r.instance.result?.outputs, { trail: 'ab' });
      assert.deepEqual(spy.calls.commits, [1], 'one commit holding one instance write');
    });

    it('commits a process with a work item once at the launch (its wait) and once at the decision (its end)', async () => {
      const engine = await open();
      spy.reset();
      const r = await engine.launch({ definition: 'Approval', launcher: 'bob', variables: { approver: 'alice' } });
      assert.equal(r.instance.waiting, true);
      assert.deepEqual(spy.calls.commits, [1], 'the launch commits at the wait');
      const d = await engine.decide({ workItemId: r.workItems[0]!.id, decision: 'approve', actor: 'alice' });
      assert.equal(d.instance.state, 'finished');
      assert.deepEqual(spy.calls.commits, [1, 1], 'the decision commits at the end');
    });

    it('claims 50 ready instances in one claim and commits them in one transaction', async () => {
      const engine = await open(100);
      for (let n = 0; n < 50; n++) await engine.launch({ definition: 'Auto Default', launcher: 'bob', variables: { who: `w${n}` } });
      spy.reset();
      const round = await engine.runWorkerOnce();
      assert.equal(round.advanced, 50);
      assert.deepEqual(spy.calls.claims, [{ limit: 100, got: 50 }]);
      assert.deepEqual(spy.calls.commits, [50], 'ceil(50 / 100) = 1 commit of 50 instance writes');
      assert.equal((await engine.listTasks({ definition: 'Auto Default', state: 'ready' })).length, 0);
    });

    it('with a batch of 20, commits 50 ready instances in ceil(50 / 20) = 3 claims and 3 commits', async () => {
      const engine = await open(20);
      for (let n = 0; n < 50; n++) await engine.launch({ definition: 'Auto Default', launcher: 'bob', variables: { who: `v${n}` } });
      spy.reset();
      let advanced = 0;
      for (let round = 0; round < 3; round++) advanced += (await engine.runWorkerOnce()).advanced;
      assert.equal(advanced, 50);
      assert.deepEqual(spy.calls.claims.map((c) => c.got), [20, 20, 10]);
      assert.deepEqual(spy.calls.commits, [20, 20, 10]);
    });
  });
});
}
