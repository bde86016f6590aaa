import { setTimeout as sleep } from 'node:timers/promises';
import { retryTransient } from '../repository/retry-transient.js';
import type { InstanceRecord, InstanceWrite } from '../repository/runtime-store.js';
import { StorageError } from '../repository/storage-error.js';
import { advanceWithCheckpoints, type AdvancePosition, type AdvanceResult } from './checkpoint.js';
import type { EngineContext } from './engine-context.js';
import { DefinitionVersionMissingError } from './engine-errors.js';
import { auditBase, endedRecord, outcomeWrite } from './outcome-write.js';
import { runSchedules } from './schedules.js';
import { sweep } from './sweep.js';

export interface WorkerRound {
  readonly advanced: number;
  readonly scheduled: number;
  readonly swept: number;
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
export async function runWorkerOnce(ctx: EngineContext): Promise<WorkerRound> {
  await ctx.definitions.refresh();
  const now = ctx.clock();
  const swept = await sweep(ctx, now);
  const scheduled = await runSchedules(ctx, now);
  const claimed = await ctx.store.claim(ctx.workerId, now, now + ctx.leaseMs, ctx.batchSize);
  const advanced = await advanceClaimed(ctx, claimed);
  return { advanced, scheduled, swept };
}

/** Claims these instances (if due and free) and advances them now: asyncImmediate launches. */
export async function advanceNow(ctx: EngineContext, ids: readonly string[]): Promise<number> {
  const now = ctx.clock();
  const claimed = await ctx.store.claimIds(ids, ctx.workerId, now, now + ctx.leaseMs);
  return advanceClaimed(ctx, claimed);
}

/**
 * Runs rounds until `signal` aborts, pausing when a round found little to do; releases its leases at the end.
 * A round that fails (the database busy or gone for a moment, the disk full) is reported and retried after a
 * pause: its claims simply expire, so nothing is lost. A fatal storage error (`REPO_CORRUPT`, `REPO_READ_ONLY`)
 * cannot get better by retrying: the loop stops and throws it.
 */
export async function runWorkerLoop(ctx: EngineContext, signal: AbortSignal): Promise<void> {
  let fatal: StorageError | undefined;
  try {
    while (!signal.aborted) {
      let pause = 0;
      try {
        const round = await runWorkerOnce(ctx);
        if (round.advanced < ctx.batchSize) pause = ctx.idleMs;
      } catch (e) {
        if (e instanceof StorageError && e.fatal) throw (fatal = e);
        ctx.onRoundError(e);
        pause = Math.max(ctx.idleMs, 1000);
      }
      if (pause > 0) await sleep(pause, undefined, { signal }).catch(() => undefined);
    }
  } finally {
    // After a fatal error the release fails too (and the leases expire anyway): the first error is the one to report.
    await ctx.store.releaseLeases(ctx.workerId).catch((e: unknown) => {
      if (!fatal) throw e;
      return 0;
    });
  }
}

async function advanceClaimed(ctx: EngineContext, claimed: readonly InstanceRecord[]): Promise<number> {
  if (claimed.length === 0) return 0;
  const groups: Advanced[] = [];
  for (const instance of claimed) {
    const advanced = await advanceOne(ctx, instance, ctx.clock());
    // Nothing to write when a checkpoint of this instance was refused (it changed meanwhile): it is left alone.
    if (advanced.writes.length > 0) groups.push(advanced);
  }
  if (groups.length === 0) return 0;
  let statuses: readonly string[];
  try {
    statuses = await retryTransient(() => ctx.store.commit(groups.flatMap((g) => g.writes)), ctx.storageRetry);
  } catch (e) {
    // The database itself (busy past every retry, full, damaged): the round fails and its claims expire; no instance
    // is to blame, so none ends. Anything else is a refusal of some instance's data: find which.
    if (e instanceof StorageError) throw e;
    return commitOneByOne(ctx, groups);
  }
  let index = 0;
  let committed = 0;
  for (const g of groups) {
    if (statuses[index] === 'committed') committed++;
    index += g.writes.length;
  }
  return committed;
}

/**
 * A batch commit was refused for its data, not for the database's state. Those refused writes must not hold back
 * the rest of the batch at every lease expiry: each instance commits on its own, and one whose writes the database
 * refuses (a value or constraint it rejects, which no retry changes) ends as failed, on record with the database's
 * message. A storage error on the way (busy past its retries, disk full) stops this round instead: the claims
 * expire and a later round replays the instances, none of which is ended for it.
 */
async function commitOneByOne(ctx: EngineContext, groups: readonly Advanced[]): Promise<number> {
  let committed = 0;
  const refused: { group: Advanced; error: unknown }[] = [];
  for (const group of groups) {
    try {
      const [status] = await retryTransient(() => ctx.store.commit(group.writes), ctx.storageRetry);
      if (status === 'committed') committed++;
    } catch (error) {
      if (error instanceof StorageError) throw error;
      refused.push({ group, error });
    }
  }
  for (const { group, error } of refused) {
    await retryTransient(() => ctx.store.commit([failedWrite(group.before, error, ctx.clock())]), ctx.storageRetry);
  }
  return committed;
}

/** One claimed instance advanced: its writes, and its row as they expect it (after any checkpoint). */
interface Advanced {
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
    advanced = await advanceWithCheckpoints(ctx, definition, at, (runCtx) =>
      state === null
        ? ctx.interpreter.start(definition.object, instance.variables, runCtx)
        : ctx.interpreter.resume(definition.object, state, { kind: 'timer' }, runCtx),
    );
  } catch (e) {
    // The database failing a checkpoint or a lookup is not the instance's fault: the round fails and it is replayed.
    if (e instanceof StorageError) throw e;
    // A refused advance (corrupt state, missing definition version) ends the instance as failed, on record,
    // instead of being retried forever by every worker.
    return { before: at.before, writes: [failedWrite(at.before, e, at.now)] };
  }
  if (advanced.kind === 'refused') return { before: at.before, writes: [] };
  return { before: at.before, writes: outcomeWrite(ctx, { before: at.before, definition, outcome: advanced.outcome, now: at.now, insert: false }).writes };
}

function failedWrite(instance: InstanceRecord, e: unknown, now: number): InstanceWrite {
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
