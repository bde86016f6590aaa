/**
 * Worker leases (docs/decisions/worker-leases.md): leases in database time, renewed while a batch runs; attempt
 * counts on claims; a batch that cannot commit handed back and retried, never failed; backoff with jitter.
 * Two engines on one repository stand for two workers; the test's fake clock is also the database's.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { openEngine, type RuntimeEngine } from '../../src/engine/engine.js';
import type { ServiceCall, ServiceOperation, ServiceResult } from '../../src/engine/interpreter/interpreter-types.js';
import type { WorkerActivity } from '../../src/engine/worker-activity.js';
import type { Repository } from '../../src/repository/repository.js';
import type { RuntimeStore } from '../../src/repository/runtime-store.js';
import { storageError } from '../../src/repository/storage-error.js';
import { openRuntimeWorld, type RuntimeWorld } from './runtime-harness.js';

/** Calls of the `ledger` operation, by worker; `gate` (when set) holds the next call until it resolves. */
interface Ledger {
  calls: { worker: string; key: string }[];
  gate: { entered: () => void; open: Promise<void> } | undefined;
}

function ledgerFor(worker: string, ledger: Ledger): ServiceOperation {
  return async (call: ServiceCall): Promise<ServiceResult> => {
    ledger.calls.push({ worker, key: call.idempotencyKey });
    const gate = ledger.gate;
    if (gate) {
      ledger.gate = undefined;
      gate.entered();
      await gate.open;
    }
    call.emit({ kind: 'side-effect', key: call.idempotencyKey, operation: 'ledger', data: {} });
    return {};
  };
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

/** Waits (a bounded number of short real pauses) until `condition` holds; fails when it never does. */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await tick();
  }
  assert.fail(`never happened: ${what}`);
}

describe('worker leases', () => {
  let w: RuntimeWorld;
  let ledger: Ledger;
  const engines: RuntimeEngine[] = [];
  const worker = async (id: string, options: { leaseMs?: number; repository?: Repository; commitTries?: number } = {}): Promise<RuntimeEngine> => {
    const e = await openEngine({
      repository: options.repository ?? w.repository,
      clock: w.now,
      workerId: id,
      leaseMs: options.leaseMs ?? 30,
      idleMs: 5,
      operations: { ledger: ledgerFor(id, ledger) },
      onRoundError: () => undefined,
      ...(options.commitTries !== undefined && { storageRetry: { attempts: options.commitTries } }),
    });
    engines.push(e);
    return e;
  };
  const launch = async (): Promise<string> => (await w.engine.launch({ definition: 'Durable Chain', launcher: 'loader', variables: { n: 1 } })).instance.id;

  before(async () => {
    w = await openRuntimeWorld(['durability.xml']);
  });
  beforeEach(() => {
    ledger = { calls: [], gate: undefined };
  });
  after(async () => {
    for (const e of engines) await e.close();
    await w.close();
  });

  it('claims an instance with one more attempt, forgives it at the commit and takes it back when the lease is handed back', async () => {
    const id = await launch();
    const store = w.repository.runtime;
    const [first] = await store.claim('w1', w.now(), 1000, 10);
    assert.equal(first?.attempts, 1);
    assert.equal(first?.leaseUntil, w.now() + 1000, 'the lease runs from database time');
    assert.equal(await store.releaseLeases('w1', [id]), 1);
    assert.equal((await store.getInstance(id))?.attempts, 0, 'a lease handed back costs no attempt');
    await store.claim('w2', w.now(), 1000, 10);
    w.advance(1001);
    const [again] = await store.claim('w3', w.now(), 1000, 10);
    assert.equal(again?.attempts, 2, 'a lease that expired (its worker died) counts');
    const runner = await worker('w4');
    w.advance(1001);
    assert.equal((await runner.runWorkerOnce()).advanced, 1);
    const done = await store.getInstance(id);
    assert.equal(done?.state, 'finished');
    assert.equal(done?.attempts, 0, 'the commit resets the count');
  });

  it('renews only the leases a worker still holds and reports the ones it lost', async () => {
    const a = await launch();
    const b = await launch();
    const store = w.repository.runtime;
    await store.claim('holder', w.now(), 100, 10);
    w.advance(101);
    await store.claim('thief', w.now(), 100, 1);
    const stolen = (await store.getInstance(a))?.leaseOwner === 'thief' ? a : b;
    const kept = stolen === a ? b : a;
    assert.deepEqual(await store.renewLeases('holder', [a, b], 500), [kept], 'an expired lease nobody took is renewed; a taken one is lost');
    assert.equal((await store.getInstance(kept))?.leaseUntil, w.now() + 500);
    await store.releaseLeases('holder');
    await store.releaseLeases('thief');
    w.advance(1);
    await (await worker('cleanup')).runWorkerOnce();
  });

  it('keeps the lease of a long step alive, so a second worker never runs it meanwhile', async () => {
    const id = await launch();
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    let open!: () => void;
    ledger.gate = { entered, open: new Promise<void>((r) => (open = r)) };
    const slow = await worker('slow');
    const other = await worker('other');
    const round = slow.runWorkerOnce();
    await inside;
    // Ten leases' worth of database time pass while the step runs; the slow worker renews as it goes.
    for (let k = 0; k < 10; k++) {
      w.advance(15);
      const now = w.now();
      await until(async () => ((await w.repository.runtime.getInstance(id))?.leaseUntil ?? 0) > now, 'the lease was renewed');
      assert.equal((await other.runWorkerOnce()).advanced, 0, 'the other worker finds nothing to claim');
    }
    open();
    assert.equal((await round).advanced, 1);
    assert.equal((await w.engine.getTask(id)).state, 'finished');
    assert.deepEqual(
      ledger.calls.map((c) => c.worker),
      ['slow', 'slow'],
      'both steps ran once, on the slow worker only',
    );
  });

  it('ends an instance that workers claimed more than maxAttempts times without a commit as failed, with its code', async () => {
    const id = await launch();
    const store = w.repository.runtime;
    for (let k = 0; k < 5; k++) {
      await store.claim(`dead-${k}`, w.now(), 100, 10);
      w.advance(101);
    }
    const survivor = await worker('survivor');
    assert.equal((await survivor.runWorkerOnce()).advanced, 1);
    const task = await w.engine.getTask(id);
    assert.equal(task.result?.outcome, 'failed');
    assert.match(task.result?.errors.join(' ') ?? '', /claimed 6 times without a commit/);
    const failed = (await store.listAudit({ instanceId: id })).find((e) => e.event === 'failed');
    assert.equal(failed?.data?.['code'], 'WORKER_ATTEMPTS_EXHAUSTED');
    assert.deepEqual(ledger.calls, [], 'the poisoned instance did not run again');
  });

  it('hands back a batch the database cannot commit and finishes it in a later round instead of failing it', async () => {
    const id = await launch();
    // The real store, whose commits fail the first two times as a restarting database's would.
    let failures = 2;
    const real = w.repository.runtime;
    const flaky = new Proxy(real, {
      get(target, prop) {
        if (prop === 'commit') {
          return (writes: Parameters<RuntimeStore['commit']>[0]) => {
            if (failures > 0) {
              failures--;
              return Promise.reject(storageError('REPO_CONNECTION_LOST', 'test', new Error('the database system is starting up')));
            }
            return target.commit(writes);
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const repository: Repository = { ...w.repository, runtime: flaky, close: () => Promise.resolve() };
    // A lease far longer than the test: only a hand-back lets the instance run again soon. One try per commit, so
    // that each failure fails its round (by default a commit rides out a short outage by itself).
    const e = await worker('flaky', { repository, leaseMs: 3_600_000, commitTries: 1 });
    const stop = new AbortController();
    const reports: WorkerActivity[] = [];
    const running = e.runWorker(stop.signal, { onReport: (r) => reports.push(r), reportEveryMs: 3_600_000 });
    await until(async () => (await real.getInstance(id))?.state === 'finished', 'the instance finished');
    stop.abort();
    await running;
    const task = await w.engine.getTask(id);
    assert.equal(task.result?.outcome, 'completed');
    const total = reports.reduce((sum, r) => ({ retried: sum.retried + r.retried, failed: sum.failed + r.failed, finished: sum.finished + r.finished }), {
      retried: 0,
      failed: 0,
      finished: 0,
    });
    assert.deepEqual(total, { retried: 2, failed: 0, finished: 1 }, 'two rounds retried, nothing failed');
    assert.equal((await real.getInstance(id))?.leaseOwner, null);
  });

  it('hands back its leases when stopped, without charging an attempt', async () => {
    const id = await launch();
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    let open!: () => void;
    ledger.gate = { entered, open: new Promise<void>((r) => (open = r)) };
    const e = await worker('stopping', { leaseMs: 3_600_000 });
    const stop = new AbortController();
    const running = e.runWorker(stop.signal, { concurrency: 2 });
    await inside;
    stop.abort();
    open();
    await running;
    const after = await w.repository.runtime.getInstance(id);
    assert.equal(after?.state, 'finished', 'the batch in flight finished before the worker stopped');
    assert.equal(after?.leaseOwner, null);
    assert.equal(after?.attempts, 0);
  });
});
