/**
 * The provisioning worker (docs/provisioning.md): claims due orders in batches under leases, calls each order's
 * connector with its idempotency key, a timeout and an abort signal, OUTSIDE any transaction, then settles the
 * batch in one short transaction. The same claiming as instances (src/engine/worker.ts): leases in database time,
 * renewed while a batch runs; a worker that dies leaves its orders `transmitted` until the lease expires, then
 * another worker replays them under the same idempotency key (connectors look before they create).
 *
 * On stop (SIGTERM in `idflow worker`) the calls in flight are aborted and their orders handed back at once, the
 * finished ones settled: nothing is lost and nothing waits out a lease.
 */
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorError } from '../connectors/connector.js';
import { ROUND_RETRY } from '../engine/outbox-rounds.js';
import { InvalidInputError, IdflowError } from '../errors.js';
import type { OrderSettlement } from '../repository/provisioning-store.js';
import type { Repository } from '../repository/repository.js';
import { compileRetryPolicy, retryDelay, retryTransient, type RetryPolicy } from '../repository/retry-transient.js';
import { StorageError } from '../repository/storage-error.js';
import { CallTimeouts } from './call-timeouts.js';
import type { ConnectorSource } from './connector-source.js';
import { backoffDelay, compileBackoff, type ProvisioningBackoff, type ProvisioningBackoffOptions } from './provisioning-backoff.js';
import { orderOperation, type ClaimedOrder } from './provisioning-order.js';

export interface ProvisioningWorkerOptions {
  readonly repository: Repository;
  /** The connectors orders name (connectorSource over the registry and the connector objects, or fixedConnectors). */
  readonly connectors: ConnectorSource;
  /** Identifies this worker in leases and in the audit (`actor` of settled orders). @default `<hostname>:<pid>:provisioning` */
  readonly workerId?: string;
  /** Engine time (`not_before`, settlement times). @default Date.now */
  readonly clock?: () => number;
  /** Orders claimed per round. @default 100 */
  readonly batchSize?: number;
  /** Calls in flight at once within a batch. @default 16 */
  readonly parallel?: number;
  /** How long a claim holds an order, in ms of database time; renewed every third of it while the batch runs. @default 60_000 */
  readonly leaseMs?: number;
  /** How long one call to a target may take before it is aborted (a transient `CONNECTOR_TIMEOUT`). @default 30_000 */
  readonly timeoutMs?: number;
  /** Pause after a round that claimed less than a full batch, in ms. @default 250 */
  readonly idleMs?: number;
  readonly backoff?: ProvisioningBackoffOptions;
  /** How settlements retry a busy or briefly unreachable database. */
  readonly storageRetry?: Parameters<typeof compileRetryPolicy>[0];
  /** Told when a round fails (the database busy or gone); the loop goes on after a backoff. */
  readonly onRoundError?: (error: unknown) => void;
}

/** What one round did. */
export interface ProvisioningRound {
  readonly claimed: number;
  /** Orders the target applied. */
  readonly executed: number;
  /** Orders that failed transiently and are due again later. */
  readonly retried: number;
  /** Orders that failed for good (state `error`). */
  readonly failed: number;
  /** Orders handed back unsettled (the worker stopped while their call ran). */
  readonly released: number;
}

interface Compiled {
  readonly repository: Repository;
  readonly connectors: ConnectorSource;
  readonly workerId: string;
  readonly clock: () => number;
  readonly batchSize: number;
  readonly parallel: number;
  readonly leaseMs: number;
  readonly timeoutMs: number;
  readonly idleMs: number;
  readonly backoff: ProvisioningBackoff;
  readonly storageRetry: RetryPolicy;
  readonly onRoundError: (error: unknown) => void;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) {
    throw new InvalidInputError('PROVISIONING_OPTION_INVALID', `provisioning worker option ${name} must be a whole number ≥ 1, not ${String(v)}`, { [name]: v });
  }
  return v;
}

export class ProvisioningWorker {
  readonly #o: Compiled;

  constructor(options: ProvisioningWorkerOptions) {
    this.#o = {
      repository: options.repository,
      connectors: options.connectors,
      workerId: options.workerId ?? `${hostname()}:${process.pid}:provisioning`,
      clock: options.clock ?? Date.now,
      batchSize: positive('batchSize', options.batchSize, 100),
      parallel: positive('parallel', options.parallel, 16),
      leaseMs: positive('leaseMs', options.leaseMs, 60_000),
      timeoutMs: positive('timeoutMs', options.timeoutMs, 30_000),
      idleMs: positive('idleMs', options.idleMs, 250),
      backoff: compileBackoff(options.backoff),
      storageRetry: compileRetryPolicy(options.storageRetry),
      onRoundError: options.onRoundError ?? (() => undefined),
    };
  }

  get workerId(): string {
    return this.#o.workerId;
  }

  /**
   * One round: claim a batch, call the targets (at most `parallel` at once), settle what answered in one
   * transaction, hand back what the stop signal cut short.
   */
  async runOnce(signal: AbortSignal = new AbortController().signal): Promise<ProvisioningRound> {
    const o = this.#o;
    const claimed = await o.repository.provisioning.claim(o.workerId, o.clock(), o.leaseMs, o.batchSize);
    if (claimed.length === 0) return { claimed: 0, executed: 0, retried: 0, failed: 0, released: 0 };
    // No connector of the source is in use between rounds: the ones whose object changed are rebuilt now.
    await o.connectors.refresh?.().catch(() => undefined);
    return this.#work(claimed, signal, new Lanes(o.parallel)).settled;
  }

  /**
   * Rounds until `signal` aborts, pipelined: the next batch is claimed as soon as every order of the current one
   * has its call under way, so the calls in flight (at most `parallel`, over all batches) do not drain at each
   * batch's end while the last calls finish, the batch settles and the next is claimed. Each batch still settles
   * in one transaction once its own calls have answered. After a claim that found nothing the next waits `idleMs`;
   * after a partial batch, `idleMs` or until half the lanes are free, whichever comes first. A failed round (the database busy or gone) is reported and the next claim
   * waits a growing backoff (the same policy as every outbox loop, outbox-rounds.ts); a fatal storage error stops
   * the loop and is thrown once the batches under way are settled or handed back. At the end every order still
   * held is handed back.
   */
  async run(signal: AbortSignal, onRound?: (round: ProvisioningRound) => void): Promise<void> {
    const o = this.#o;
    const lanes = new Lanes(o.parallel);
    const open = new Set<Promise<unknown>>();
    let failures = 0;
    let fatal: unknown;
    const failed = (e: unknown): void => {
      if (e instanceof StorageError && e.fatal) {
        fatal ??= e;
        return;
      }
      failures++;
      o.onRoundError(e);
    };
    try {
      while (!signal.aborted && fatal === undefined) {
        let pause = 0;
        try {
          const claimed = await o.repository.provisioning.claim(o.workerId, o.clock(), o.leaseMs, o.batchSize);
          failures = 0;
          if (claimed.length > 0) {
            // A connector whose object changed is rebuilt between calls, never under one: the calls of earlier
            // batches finish first. Asking costs one query; the wait happens only when something changed.
            if (o.connectors.refresh && (await o.connectors.changed?.().catch(() => true)) !== false) {
              await lanes.idle();
              await o.connectors.refresh().catch(() => undefined);
            }
            const round = this.#work(claimed, signal, lanes);
            const settled = round.settled.then((r) => onRound?.(r), failed);
            open.add(settled);
            void settled.finally(() => open.delete(settled));
            await round.dispatched;
          }
          if (claimed.length === 0) pause = o.idleMs;
          else if (claimed.length < o.batchSize) {
            // Orders trickle in: claim again after idleMs, or sooner once half the lanes are free, so that a small
            // batch finishing early does not leave the lanes empty for the rest of the pause.
            const quiet = new AbortController();
            await Promise.race([sleep(o.idleMs, undefined, { signal: AbortSignal.any([signal, quiet.signal]) }).catch(() => undefined), lanes.slack()]);
            quiet.abort();
          }
        } catch (e) {
          failed(e);
        }
        if (failures > 0) pause = Math.max(pause, retryDelay(ROUND_RETRY, failures));
        if (pause > 0 && !signal.aborted && fatal === undefined) await sleep(pause, undefined, { signal }).catch(() => undefined);
      }
      await Promise.all(open);
    } finally {
      await o.repository.provisioning.release(o.workerId).catch(() => undefined);
    }
    if (fatal !== undefined) throw fatal;
  }

  /**
   * Calls the targets of one claimed batch through `lanes` (shared by the batches under way) and settles it.
   * `dispatched` resolves once every order of the batch has its call under way (or the stop came first);
   * `settled` once its results are committed and what the stop cut short is handed back.
   */
  #work(claimed: readonly ClaimedOrder[], signal: AbortSignal, lanes: Lanes): { dispatched: Promise<void>; settled: Promise<ProvisioningRound> } {
    const o = this.#o;
    const store = o.repository.provisioning;
    const held = new Set(claimed.map((c) => c.id));
    const renewal = setInterval(() => {
      store.renew(o.workerId, [...held], o.leaseMs).then(
        (kept) => {
          const still = new Set(kept);
          for (const id of held) if (!still.has(id)) held.delete(id);
        },
        () => undefined, // the next renewal tries again; the lease still runs meanwhile
      );
    }, Math.max(1, Math.floor(o.leaseMs / 3)));
    renewal.unref();
    const settlements: OrderSettlement[] = [];
    const cut: string[] = [];
    // One listener on the caller's signal per round, not one per call: every call of the batch listens to this one.
    const round = new AbortController();
    setMaxListeners(0, round.signal);
    const onStop = (): void => round.abort(signal.reason);
    signal.addEventListener('abort', onStop, { once: true });
    if (signal.aborted) round.abort(signal.reason);
    const timeouts = new CallTimeouts(o.timeoutMs, round.signal);
    const calls: Promise<void>[] = [];
    const dispatched = (async () => {
      for (const order of claimed) {
        if (round.signal.aborted) {
          cut.push(order.id);
          continue;
        }
        if (!(await lanes.take(round.signal))) {
          cut.push(order.id);
          continue;
        }
        calls.push(
          this.#call(order, round.signal, timeouts)
            .then((s) => {
              if (s === undefined) cut.push(order.id);
              else settlements.push(s);
            })
            .finally(() => lanes.give()),
        );
      }
    })();
    const settled = (async (): Promise<ProvisioningRound> => {
      try {
        await dispatched;
        await Promise.all(calls);
      } finally {
        clearInterval(renewal);
        signal.removeEventListener('abort', onStop);
      }
      const mine = settlements.filter((s) => held.has(s.id));
      try {
        if (mine.length > 0) await retryTransient(() => store.settle(o.workerId, mine, o.clock()), o.storageRetry);
      } catch (e) {
        // The calls were made but their results cannot be written: hand the orders back; replaying them is safe.
        await store.release(o.workerId, claimed.map((c) => c.id)).catch(() => undefined);
        throw e;
      }
      if (cut.length > 0) await store.release(o.workerId, cut).catch(() => undefined);
      return {
        claimed: claimed.length,
        executed: mine.filter((s) => s.kind === 'executed').length,
        retried: mine.filter((s) => s.kind === 'retry').length,
        failed: mine.filter((s) => s.kind === 'error').length,
        released: cut.length,
      };
    })();
    return { dispatched, settled };
  }

  /** Calls the target for one order; undefined when the stop signal cut the call short (the order is handed back). */
  async #call(order: ClaimedOrder, stop: AbortSignal, timeouts: CallTimeouts): Promise<OrderSettlement | undefined> {
    const o = this.#o;
    if (stop.aborted) return undefined;
    if (order.attempts > o.backoff.maxAttempts) {
      // Claimed again and again without a settlement: workers die calling it. It is not called once more.
      return exhausted(order, order.errorCode ?? 'PROVISIONING_ATTEMPTS_EXHAUSTED', order.lastError ?? 'workers stopped while calling the target', o.backoff.maxAttempts);
    }
    const operation = orderOperation(order);
    if ('missing' in operation) return { id: order.id, kind: 'error', errorCode: 'PROVISIONING_ACCOUNT_KEY_MISSING', message: operation.missing };
    const call = timeouts.start();
    try {
      const connector = await o.connectors.connector(order.connector);
      const result = await connector.apply({ idempotencyKey: order.idempotencyKey, operation, signal: call.signal });
      return { id: order.id, kind: 'executed', result: { key: result.key, outcome: result.outcome } };
    } catch (e) {
      if (stop.aborted) return undefined;
      const error = call.signal.aborted && !(e instanceof ConnectorError) ? (call.signal.reason as unknown) : e;
      return this.#failure(order, error);
    } finally {
      call.done();
    }
  }

  #failure(order: ClaimedOrder, e: unknown): OrderSettlement {
    const o = this.#o;
    if (e instanceof ConnectorError) {
      if (!e.transient) return { id: order.id, kind: 'error', errorCode: e.code, message: e.message };
      if (order.attempts >= o.backoff.maxAttempts) return exhausted(order, e.code, e.message, o.backoff.maxAttempts);
      return {
        id: order.id,
        kind: 'retry',
        errorCode: e.code,
        message: e.message,
        notBefore: o.clock() + backoffDelay(o.backoff, order.attempts, e.retryAfterMs),
      };
    }
    if (e instanceof IdflowError) return { id: order.id, kind: 'error', errorCode: e.code, message: e.message };
    const message = e instanceof Error ? e.message : String(e);
    return { id: order.id, kind: 'error', errorCode: 'PROVISIONING_CONNECTOR_FAILED', message: `the connector ${order.connector} failed: ${message}` };
  }
}

/** At most `size` calls in flight, over every batch under way. */
class Lanes {
  #free: number;
  readonly #waiting: ((granted: boolean) => void)[] = [];

  constructor(size: number) {
    this.size = size;
    this.#free = size;
  }

  /** Calls in flight now. */
  get busy(): number {
    return this.size - this.#free;
  }

  readonly size: number;

  /** True once a lane is taken (at once when one is free); false when `signal` aborts first. */
  take(signal: AbortSignal): Promise<boolean> | boolean {
    if (signal.aborted) return false;
    if (this.#free > 0) {
      this.#free--;
      return true;
    }
    return new Promise<boolean>((resolve) => {
      const grant = (granted: boolean): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(granted);
      };
      const onAbort = (): void => {
        const at = this.#waiting.indexOf(grant);
        if (at >= 0) this.#waiting.splice(at, 1);
        resolve(false);
      };
      this.#waiting.push(grant);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  give(): void {
    const next = this.#waiting.shift();
    if (next) return next(true);
    this.#free++;
    if (this.busy <= this.size / 2) for (const done of this.#slack.splice(0)) done();
    if (this.#free === this.size) for (const done of this.#idle.splice(0)) done();
  }

  readonly #idle: (() => void)[] = [];
  readonly #slack: (() => void)[] = [];

  /** Resolves once at most half the lanes are busy. */
  slack(): Promise<void> | void {
    if (this.busy <= this.size / 2) return;
    return new Promise<void>((resolve) => this.#slack.push(resolve));
  }

  /** Resolves once no call is in flight. */
  idle(): Promise<void> | void {
    if (this.busy === 0) return;
    return new Promise<void>((resolve) => this.#idle.push(resolve));
  }
}

function exhausted(order: ClaimedOrder, code: string, message: string, max: number): OrderSettlement {
  return {
    id: order.id,
    kind: 'error',
    errorCode: 'PROVISIONING_ATTEMPTS_EXHAUSTED',
    message: `gave up after ${Math.min(order.attempts, max)} attempts; the last failure: ${code}: ${message}`,
  };
}
