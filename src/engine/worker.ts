import { setTimeout as sleep } from 'node:timers/promises';
import { retryDelay, retryTransient } from '../repository/retry-transient.js';
import type { CommitStatus, InstanceRecord, InstanceWrite } from '../repository/runtime-store.js';
import { StorageError, isDatabaseFault } from '../repository/storage-error.js';
import { advanceWithCheckpoints, type AdvancePosition, type AdvanceResult } from './checkpoint.js';
import type { LoadedDefinition } from './definition-cache.js';
import type { AdvanceOutcome } from './interpreter/interpreter-types.js';
import { fireLaunchDecision, foldDecidedItems, placeDecisionAudit } from './launch-decision.js';
import type { EngineContext } from './engine-context.js';
import { DefinitionVersionMissingError, WorkerAttemptsExhaustedError } from './engine-errors.js';
import { ROUND_RETRY } from './outbox-rounds.js';
import { auditBase, endedRecord, outcomeWrite } from './outcome-write.js';
import { workerResumeEvent } from './provisioning-waits.js';
import { runSchedules } from './schedules.js';
import { sweep } from './sweep.js';
import { newWorkerCounters, takeWorkerActivity, type WorkerActivity, type WorkerCounters } from './worker-activity.js';

export interface WorkerRound {
  readonly advanced: number;
  readonly scheduled: number;
  readonly swept: number;
}

/** How `runWorker` runs (engine-api.ts WorkerRunOptions, compiled). */
export interface WorkerLoopOptions {
  /** Batches in flight at once in this process, each in its own round loop. */
  readonly concurrency: number;
  /** Told what the worker did since the last report, every `reportEveryMs` and once at the end. */
  readonly onReport?: (activity: WorkerActivity) => void;
  readonly reportEveryMs: number;
}

/**
 * One worker round: sweep (resultLimit, execLimit), run due schedules, then claim a batch of due instances (async
 * launches and due timers) under a lease, advance each in memory to its next wait state or end, and commit the
 * whole batch in one transaction.
 *
 * Crash safety: nothing of an advance is written before the batch commit. A worker killed mid-round leaves its
 * claimed instances leased; when the lease expires another worker claims them and replays the advance from the
 * last committed state (the interpreter is deterministic), so every step is committed exactly once.
 */
export async function runWorkerOnce(
  ctx: EngineContext,
  counters: WorkerCounters = newWorkerCounters(),
  housekeeping = true,
  refresh = true,
): Promise<WorkerRound & { claimed: number }> {
  if (refresh) await ctx.definitions.refresh();
  const now = ctx.clock();
  const swept = housekeeping ? await sweep(ctx, now) : 0;
  const scheduled = housekeeping ? await runSchedules(ctx, now) : 0;
  const claimed = await ctx.store.claim(ctx.workerId, now, ctx.leaseMs, ctx.batchSize);
  noteClaims(counters, claimed, now);
  const advanced = await advanceClaimed(ctx, claimed, counters);
  return { advanced, scheduled, swept, claimed: claimed.length };
}

/** Claims these instances (if due and free) and advances them now: asyncImmediate launches. */
export async function advanceNow(ctx: EngineContext, ids: readonly string[]): Promise<number> {
  const now = ctx.clock();
  const claimed = await ctx.store.claimIds(ids, ctx.workerId, now, ctx.leaseMs);
  return advanceClaimed(ctx, claimed, newWorkerCounters());
}

/**
 * Advances instances this process holds the lease of already (written leased by `launchMany`) as one claimed batch,
 * with one commit and no claim. When the batch fails its leases are handed back: claim them again (`advanceNow`).
 */
export async function advanceLeased(ctx: EngineContext, rows: readonly InstanceRecord[]): Promise<number> {
  return advanceClaimed(ctx, rows.filter((r) => r.leaseOwner === ctx.workerId), newWorkerCounters());
}

/**
 * While a lane's rounds claim full batches back to back, the checks that do not scale with the batch (has any
 * definition changed; the sweep's expired and overdue reads; due schedules) run at most this often (wall clock),
 * not before every batch: under load they were three or four of a round's ten statements. After a round that
 * claimed less than a full batch they run before the next round, as before; a batch's own definition versions are
 * read by id whatever the cache holds. docs/workers.md "Rounds".
 */
export const CHECK_EVERY_MS = 1000;

/** Instances advanced between two turns of the event loop within a batch (see advanceClaimed). */
const YIELD_EVERY = 8;

/**
 * Runs rounds until `signal` aborts: `concurrency` round loops at once, the first of which also sweeps and runs
 * schedules. A loop pauses when a round claimed less than a full batch. A round that fails (the database busy,
 * restarting or gone for a moment, the disk full) hands back what it held, is reported and retried after a backoff
 * with jitter that grows with consecutive failures: nothing is lost, and no instance ends as failed for it. A fatal
 * storage error (`REPO_CORRUPT`, `REPO_READ_ONLY`) cannot get better by retrying: every loop stops and it is thrown.
 *
 * On abort every loop finishes the round it is in (its batch commits or is handed back), then the worker hands back
 * any lease it still holds, reports a last time and returns.
 */
export async function runWorkerLoop(ctx: EngineContext, signal: AbortSignal, options: WorkerLoopOptions = { concurrency: 1, reportEveryMs: 5000 }): Promise<void> {
  const counters = newWorkerCounters();
  const report = options.onReport;
  const timer = report ? setInterval(() => report(takeWorkerActivity(counters, ctx.wallClock())), options.reportEveryMs) : undefined;
  timer?.unref();
  const stopLanes = new AbortController();
  const onAbort = (): void => stopLanes.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) stopLanes.abort();
  let fatal: StorageError | undefined;
  const lane = async (housekeeping: boolean): Promise<void> => {
    try {
      await runLane(ctx, stopLanes.signal, counters, housekeeping);
    } catch (e) {
      fatal ??= e as StorageError;
      stopLanes.abort();
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, (_, k) => lane(k === 0)));
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (timer) clearInterval(timer);
    try {
      await ctx.store.releaseLeases(ctx.workerId);
    } catch (e) {
      // The database is gone at shutdown: the leases expire on their own and other workers take the instances over.
      // After a fatal error the release fails too: the first error is the one to report.
      if (!fatal) ctx.onRoundError(e);
    }
    report?.(takeWorkerActivity(counters, ctx.wallClock()));
  }
  if (fatal) throw fatal;
}

/** One round loop; throws only a fatal storage error. */
async function runLane(ctx: EngineContext, signal: AbortSignal, counters: WorkerCounters, housekeeping: boolean): Promise<void> {
  let failures = 0;
  // Wall-clock time of the last round that ran the checks, and whether the last round claimed a full batch.
  let checkedAt = -Infinity;
  let full = false;
  while (!signal.aborted) {
    let pause = 0;
    try {
      const check = !full || ctx.wallClock() - checkedAt >= CHECK_EVERY_MS;
      if (check) checkedAt = ctx.wallClock();
      const round = await runWorkerOnce(ctx, counters, housekeeping && check, check);
      failures = 0;
      full = round.claimed >= ctx.batchSize;
      if (!full) pause = ctx.idleMs;
    } catch (e) {
      if (e instanceof StorageError && e.fatal) throw e;
      full = false;
      failures++;
      counters.retried++;
      ctx.onRoundError(e);
      pause = retryDelay(ROUND_RETRY, failures);
    }
    if (pause > 0) await sleep(pause, undefined, { signal }).catch(() => undefined);
  }
}

function noteClaims(counters: WorkerCounters, claimed: readonly InstanceRecord[], now: number): void {
  counters.claimed += claimed.length;
  for (const c of claimed) {
    if (c.wakeAt !== null && now - c.wakeAt > counters.lagMs) counters.lagMs = now - c.wakeAt;
  }
}

/**
 * The leases of one batch, kept alive while it runs: renewed every third of the lease, and once more before the
 * commit when the last renewal is older than half a lease, so a batch never outlives its lease unnoticed. An
 * instance whose lease was lost (this process stalled past it and another worker claimed it) is dropped from the
 * commit; whichever worker commits first wins by revision either way.
 */
class LeaseKeeper {
  readonly held: Set<string>;
  /** Set once the commit starts: a renewal answering after it sees the commit's released rows, not lost leases. */
  #settled = false;
  #renewedAt: number;
  #timer: NodeJS.Timeout | undefined;
  #renewing: Promise<void> | undefined;

  constructor(
    private readonly ctx: EngineContext,
    private readonly counters: WorkerCounters,
    ids: readonly string[],
  ) {
    this.held = new Set(ids);
    this.#renewedAt = ctx.wallClock();
    this.#timer = setInterval(() => void this.renew(), Math.max(1, Math.floor(ctx.leaseMs / 3)));
    this.#timer.unref();
  }

  renew(): Promise<void> {
    this.#renewing ??= this.#renewOnce().finally(() => (this.#renewing = undefined));
    return this.#renewing;
  }

  async #renewOnce(): Promise<void> {
    if (this.held.size === 0) return;
    const asked = this.ctx.wallClock();
    let kept: string[];
    try {
      kept = await this.ctx.store.renewLeases(this.ctx.workerId, [...this.held], this.ctx.leaseMs);
    } catch {
      // The next renewal (or the check before the commit) tries again; the lease still runs meanwhile.
      return;
    }
    if (this.#settled) return;
    const still = new Set(kept);
    for (const id of this.held) {
      if (!still.has(id)) {
        this.held.delete(id);
        this.counters.lost++;
      }
    }
    this.#renewedAt = asked;
  }

  /**
   * Before the commit: renews when the lease may be running short, so `held` is what this worker still holds; from
   * then on `held` is settled (renewals go on extending the leases while the commit runs).
   */
  async check(): Promise<void> {
    if (this.ctx.wallClock() - this.#renewedAt > this.ctx.leaseMs / 2) await this.renew();
    this.#settled = true;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/** Advances of one batch in flight at once (below a PostgreSQL pool's default 10 connections). */
const ADVANCE_LANES = 8;

/**
 * `fn` over `items`, {@link ADVANCE_LANES} at once, answers in order: each advance waits on its own reads (the
 * identity store, settled orders), which a database server answers in parallel; on SQLite they run one after the
 * other. On SQLite every read of an advance answers at once, so a batch would otherwise run to its commit without
 * letting the event loop breathe: whatever shares the process (the provisioning worker's LDAP answers, HTTP
 * requests) would wait for the whole batch. A turn of the loop every few items costs microseconds.
 */
export async function inLanes<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let started = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      if (++started % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
      if (next >= items.length) return;
      const k = next++;
      out[k] = await fn(items[k]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(ADVANCE_LANES, items.length) }, lane));
  return out;
}

async function advanceClaimed(ctx: EngineContext, claimed: readonly InstanceRecord[], counters: WorkerCounters): Promise<number> {
  if (claimed.length === 0) return 0;
  const leases = new LeaseKeeper(ctx, counters, claimed.map((c) => c.id));
  try {
    // A few advances at once: each waits on its own reads (the identity store, settled orders), which a database
    // server answers in parallel; on SQLite they run one after the other as before. Each reads committed state only,
    // as one after the other did, so the batch commits the same writes.
    const advancedAll = await inLanes(claimed, (instance) =>
      instance.attempts > ctx.maxAttempts
        ? Promise.resolve({ before: instance, writes: [failedWrite(instance, new WorkerAttemptsExhaustedError(instance.id, instance.attempts, ctx.maxAttempts), ctx.clock())] })
        : advanceOne(ctx, instance, ctx.clock()),
    );
    // Nothing to write when a checkpoint of this instance was refused (it changed meanwhile): it is left alone.
    const groups = advancedAll.filter((a) => a.writes.length > 0);
    await leases.check();
    const mine = groups.filter((g) => leases.held.has(g.before.id));
    if (mine.length === 0) return 0;
    let statuses: readonly CommitStatus[];
    try {
      statuses = await retryTransient(() => ctx.store.commit(mine.flatMap((g) => g.writes)), ctx.storageRetry);
    } catch (e) {
      // The database itself (busy past every retry, restarting, full, damaged): the round fails and its batch is
      // handed back; no instance is to blame, so none ends. Anything else is a refusal of some instance's data.
      if (isDatabaseFault(e)) throw e;
      return await commitOneByOne(ctx, mine, counters);
    }
    let index = 0;
    let committed = 0;
    for (const g of mine) {
      if (statuses[index] === 'committed') {
        committed++;
        noteCommitted(counters, g);
      }
      index += g.writes.length;
    }
    return committed;
  } catch (e) {
    // The batch could not commit (the database busy or gone): hand its instances back at once instead of letting
    // them wait out the lease. If the database is gone this fails too, and the leases expire on their own.
    await ctx.store.releaseLeases(ctx.workerId, [...leases.held]).catch(() => undefined);
    throw e;
  } finally {
    leases.stop();
  }
}

function noteCommitted(counters: WorkerCounters, g: Advanced): void {
  counters.committed++;
  const after = g.writes[0]?.instance;
  if (after && (after.state === 'finished' || after.state === 'terminated')) {
    counters.finished++;
    if (after.result?.outcome === 'failed') counters.failed++;
  }
}

/**
 * A batch commit was refused for its data, not for the database's state. Those refused writes must not hold back
 * the rest of the batch at every lease expiry: each instance commits on its own, and one whose writes the database
 * refuses (a value or constraint it rejects, which no retry changes) ends as failed, on record with the database's
 * message. A storage error on the way (busy past its retries, disk full) stops this round instead: the claims
 * expire and a later round replays the instances, none of which is ended for it.
 */
async function commitOneByOne(ctx: EngineContext, groups: readonly Advanced[], counters: WorkerCounters): Promise<number> {
  let committed = 0;
  const refused: { group: Advanced; error: unknown }[] = [];
  for (const group of groups) {
    try {
      const [status] = await retryTransient(() => ctx.store.commit(group.writes), ctx.storageRetry);
      if (status === 'committed') {
        committed++;
        noteCommitted(counters, group);
      }
    } catch (error) {
      if (isDatabaseFault(error)) throw error;
      refused.push({ group, error });
    }
  }
  for (const { group, error } of refused) {
    const write = failedWrite(group.before, error, ctx.clock());
    const [status] = await retryTransient(() => ctx.store.commit([write]), ctx.storageRetry);
    if (status === 'committed') noteCommitted(counters, { before: group.before, writes: [write] });
  }
  return committed;
}

/** One claimed instance advanced: its writes, and its row as they expect it (after any checkpoint). */
export interface Advanced {
  readonly before: InstanceRecord;
  readonly writes: InstanceWrite[];
}

async function advanceOne(ctx: EngineContext, instance: InstanceRecord, now: number): Promise<Advanced> {
  const definition = await ctx.definitions.byId(instance.definitionId);
  if (!definition) {
    return { before: instance, writes: [failedWrite(instance, new DefinitionVersionMissingError(instance.definitionId, instance.definitionName), now)] };
  }
  // A long run of automatic steps commits checkpoints on its own; the rest joins the batch commit.
  const at: AdvancePosition = { before: instance, insert: false, audit: [], extra: undefined, now, checkpoints: 0 };
  let advanced: AdvanceResult;
  try {
    const state = instance.interpreterState;
    // `timer` also continues the steps a checkpoint left to run (an instance whose runner died).
    // Settled provisioning orders it waits on resume it with them; otherwise its timers.
    const event = state === null ? undefined : await workerResumeEvent(ctx, state);
    advanced = await advanceWithCheckpoints(ctx, definition, at, (runCtx) =>
      state === null || event === undefined
        ? ctx.interpreter.start(definition.object, instance.variables, runCtx)
        : ctx.interpreter.resume(definition.object, state, event, runCtx),
    );
  } catch (e) {
    // The database failing a checkpoint or a lookup is not the instance's fault: the round fails and it is replayed.
    if (isDatabaseFault(e)) throw e;
    // A refused advance (corrupt state, missing definition version) ends the instance as failed, on record,
    // instead of being retried forever by every worker.
    return { before: at.before, writes: [failedWrite(at.before, e, at.now)] };
  }
  if (advanced.kind === 'refused') return { before: at.before, writes: [] };
  if (instance.launchDecision) return launchDecisionWrites(ctx, definition, at, advanced.outcome, instance.interpreterState === null);
  return { before: at.before, writes: outcomeWrite(ctx, { before: at.before, definition, outcome: advanced.outcome, now: at.now, insert: false }).writes };
}

/**
 * The first advance of a launch that carries a decision (docs/decisions/batched-launches.md): the decision is fired
 * in the same advance and the commit clears it. Fired only on the instance's first advance, before any checkpoint:
 * otherwise the run has moved on without it, which the audit records. `at` may be a launch not written yet (`insert`,
 * with its launch audit): then a refused decision throws, and the launch is written `ready` instead (launch-advance.ts).
 */
export async function launchDecisionWrites(ctx: EngineContext, definition: LoadedDefinition, at: AdvancePosition, first: AdvanceOutcome, starting: boolean): Promise<Advanced> {
  const before = { ...at.before, launchDecision: null };
  try {
    const fired =
      starting && at.checkpoints === 0
        ? await fireLaunchDecision(ctx, definition, at.before, first, at.now)
        : {
            outcome: first,
            audit: { ...auditBase(before), at: at.now, event: 'launch-decision-skipped', actor: before.launcher, data: { decision: at.before.launchDecision!.decision, reason: 'the launch had run on (a checkpoint) before its decision could be fired' } },
          };
    const [own, ...children] = outcomeWrite(ctx, { before, definition, outcome: fired.outcome, now: at.now, insert: at.insert, audit: at.audit, ...(at.extra && { extra: at.extra }), foldsDecided: starting }).writes;
    const write = { ...own!, audit: placeDecisionAudit(own!.audit ?? [], fired) };
    return { before: at.before, writes: [starting ? foldDecidedItems(write) : write, ...children] };
  } catch (e) {
    if (isDatabaseFault(e) || at.insert) throw e;
    return { before: at.before, writes: [failedWrite(before, e, at.now)] };
  }
}

export function failedWrite(instance: InstanceRecord, e: unknown, now: number): InstanceWrite {
  const message = e instanceof Error ? e.message : String(e);
  const code = e !== null && typeof e === 'object' ? (e as { code?: unknown }).code : undefined;
  return {
    // Kept whatever its resultLimit, for investigation (docs/task-parameters.md, resultLimit).
    instance: endedRecord(instance, {
      state: 'finished',
      result: { outputs: {}, errors: [message], messages: [], outcome: 'failed' },
      now,
      expiresAt: null,
    }),
    expectedRevision: instance.revision,
    closeOpenWorkItems: { state: 'cancelled', at: now },
    releaseSubject: true,
    audit: [{ ...auditBase(instance), at: now, event: 'failed', data: { error: message, ...(typeof code === 'string' && { code }) } }],
  };
}
