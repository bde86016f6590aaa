/**
 * The checks of a worker round that do not grow with the batch (a changed definition, the sweep, due schedules)
 * while the worker claims full batches back to back: at most once a second of wall-clock time, not before every
 * batch; after a round that found less than a full batch, before the next round as always. The real store is
 * watched through a proxy that notes each call; the wall clock is the test's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openEngine } from '../../src/engine/engine.js';
import { CHECK_EVERY_MS } from '../../src/engine/worker.js';
import type { Repository } from '../../src/repository/repository.js';
import { openRuntimeWorld, type RuntimeWorld } from './runtime-harness.js';

/** Wraps `target` so that calling one of `watched` first notes it in `events`. */
function watch<T extends object>(target: T, watched: Record<string, (result: unknown) => string>, events: string[]): T {
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t) as unknown;
      if (typeof value !== 'function') return value;
      const fn = (value as (...a: unknown[]) => unknown).bind(t);
      const note = watched[String(prop)];
      if (!note) return fn;
      return async (...args: unknown[]) => {
        const result = await fn(...args);
        events.push(note(result));
        return result;
      };
    },
  });
}

describe('worker rounds under load', () => {
  let w: RuntimeWorld;
  before(async () => {
    w = await openRuntimeWorld();
  });
  after(() => w.close());

  it('checks definitions and sweeps once a second while batches come full, and before the round after a partial one', async () => {
    for (let i = 0; i < 450; i++) await w.engine.launch({ definition: 'Auto Default', launcher: 'bob' });
    const events: string[] = [];
    let wall = 0;
    let claims = 0;
    const runtime = watch(
      w.repository.runtime,
      {
        expiredInstances: () => 'sweep',
        claim: (r) => {
          // A second of wall-clock time passes during the second full batch.
          if (++claims === 2) wall += CHECK_EVERY_MS;
          return `claim ${(r as unknown[]).length}`;
        },
      },
      events,
    );
    const objects = watch(w.repository.objects, { changeMark: () => 'check' }, events);
    const repository: Repository = { ...w.repository, runtime, objects, close: () => Promise.resolve() };
    const engine = await openEngine({ repository, clock: w.now, wallClock: () => wall, workerId: 'busy', batchSize: 100, idleMs: 5, onRoundError: () => undefined });
    const stop = new AbortController();
    const running = engine.runWorker(stop.signal);
    for (let i = 0; i < 2000 && !events.includes('claim 0'); i++) await new Promise((r) => setTimeout(r, 5));
    stop.abort();
    await running;
    await engine.close();
    const upTo = events.indexOf('claim 0') + 1;
    assert.deepEqual(events.slice(0, upTo), [
      'check', 'sweep', 'claim 100',
      'claim 100',
      'check', 'sweep', 'claim 100',
      'claim 100',
      'claim 50',
      'check', 'sweep', 'claim 0',
    ]);
    assert.equal((await w.engine.listTasks({ state: 'finished' })).length, 450);
  });

  it('lets the rest of the process run while it advances a batch, before the batch commits', async () => {
    for (let i = 0; i < 40; i++) await w.engine.launch({ definition: 'Auto Default', launcher: 'bob' });
    const finishedBefore = (await w.engine.listTasks({ state: 'finished' })).length;
    // Another piece of work of the same process (a provisioning worker's LDAP answer, an HTTP request) that comes
    // due now: it runs in the middle of the batch, while the batch has committed nothing yet.
    let seenMidBatch: number | undefined;
    setImmediate(() => {
      void w.engine.listTasks({ state: 'finished' }).then((l) => (seenMidBatch = l.length));
    });
    const round = await w.engine.runWorkerOnce();
    assert.equal(round.advanced, 40);
    assert.equal(seenMidBatch, finishedBefore, 'it ran before the batch committed');
    assert.equal((await w.engine.listTasks({ state: 'finished' })).length, finishedBefore + 40);
  });
});
