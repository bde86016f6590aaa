import { retryTransient } from '../repository/retry-transient.js';
import type { AuditRecord, CommitStatus, InstanceRecord, InstanceWrite } from '../repository/runtime-store.js';
import type { LoadedDefinition } from './definition-cache.js';
import type { EngineContext } from './engine-context.js';
import type { AdvanceOutcome, RunContext } from './interpreter/interpreter-types.js';
import { parametersOf } from './new-instance.js';
import { outcomeWrite } from './outcome-write.js';
import { makeRunContext } from './run-context.js';
import { dueIfOrdersSettled } from './provisioning-waits.js';
import { routeAbsentOwners } from './out-of-office.js';
import { IdentityOverlay } from '../identity/identity-overlay.js';

/**
 * Where an advance stands: the row its next commit goes over, and what that commit must still write. The caller
 * passes it in; {@link advanceWithCheckpoints} moves it on with every checkpoint it commits.
 */
export interface AdvancePosition {
  /** The row as last committed (for a synchronous launch: the fresh record, until a checkpoint inserted it). */
  before: InstanceRecord;
  /** The next commit inserts the row. */
  insert: boolean;
  /** Rows the next commit writes first (launch or decision audit); a checkpoint writes them. */
  audit: readonly AuditRecord[];
  /** Extra write fields for the next commit (resultOption replacements); a checkpoint writes them. */
  extra: Partial<InstanceWrite> | undefined;
  /** The `now` of the current advance. */
  now: number;
  /** Checkpoints committed so far. */
  checkpoints: number;
  /**
   * The `absences` change counter as the launch's own subject lookup read it (launch-subject.ts), for the first
   * advance's out-of-office lookup when no Persist of it read the counter later; dropped at a checkpoint.
   */
  absencesMark?: number | undefined;
}

export type AdvanceResult =
  /** The run rests (waits or ended): commit `outcome` over `position.before`. */
  | { readonly kind: 'rest'; readonly outcome: AdvanceOutcome }
  /** A checkpoint commit was refused (the instance changed meanwhile, a name or subject clash): stop. */
  | { readonly kind: 'refused'; readonly status: CommitStatus };

/** The default `adjust`: made once, not per advance (see run-context.ts). */
const unchanged = (outcome: AdvanceOutcome): AdvanceOutcome => outcome;

/**
 * progressInterval: runs an instance's automatic steps and, whenever a run of them has lasted longer than the
 * definition's progressInterval (wall clock, `ctx.wallClock`), commits a checkpoint before the next activity and
 * goes on from it. A checkpoint is an ordinary commit of the state so far (progress, position, steps, work items,
 * effects, audit): the instance stays `executing`, not waiting, due now and leased to this process, so a worker
 * continues it once the lease expires if this process dies. `progressInterval` 0 means no checkpoints: the
 * instance is committed only at its waits and its end (DESIGN decision 3).
 *
 * `first` runs the first advance with the run context it is given; `adjust` may change that first outcome before
 * it is written (a decision makes sure its item is closed).
 */
export async function advanceWithCheckpoints(
  ctx: EngineContext,
  definition: LoadedDefinition,
  position: AdvancePosition,
  first: (runCtx: RunContext) => AdvanceOutcome | Promise<AdvanceOutcome>,
  adjust: (outcome: AdvanceOutcome) => AdvanceOutcome = unchanged,
): Promise<AdvanceResult> {
  const interval = parametersOf(definition)?.progressInterval ?? 0;
  let startedAt = ctx.wallClock();
  const due = interval > 0 ? () => ctx.wallClock() - startedAt >= interval : undefined;
  // New items of people who are out of office go to their delegates before anything is written (out-of-office.ts).
  // The absences counter a Persist of the same advance read with its identity lets that lookup answer from a copy.
  // (Called in place rather than through a closure: one fewer function made per advance, see run-context.ts.)
  const firstCtx = makeRunContext(ctx, position.before, position.now, due);
  let outcome = await routeAbsentOwners(ctx, position.before, adjust(await first(firstCtx)), position.now, absencesMarkOf(firstCtx, position));
  // A yield (the advance spent its work budget) is not continued here: the caller commits it as runnable and a
  // later claim goes on with it, so one busy instance does not hold back the others of its batch.
  while (outcome.checkpoint && !outcome.yielded) {
    const built = outcomeWrite(ctx, {
      before: position.before,
      definition,
      outcome,
      now: position.now,
      insert: position.insert,
      audit: position.audit,
      ...(position.extra && { extra: position.extra }),
    });
    const [own, ...children] = built.writes;
    const instance: InstanceRecord = {
      ...built.instance,
      waiting: false,
      runnable: true,
      leaseOwner: ctx.workerId,
      leaseUntil: position.now + ctx.leaseMs,
      attempts: 0,
    };
    // The lease runs in database time from the commit, not in this process's clock.
    const [status] = await retryTransient(() => ctx.store.commit([{ ...own!, instance, holdLeaseMs: ctx.leaseMs }, ...children]), ctx.storageRetry);
    if (status !== 'committed') return { kind: 'refused', status: status ?? 'conflict' };
    position.before = instance;
    position.insert = false;
    position.audit = [];
    position.extra = undefined;
    position.checkpoints++;
    position.absencesMark = undefined;
    position.now = ctx.clock();
    startedAt = ctx.wallClock();
    const runCtx = makeRunContext(ctx, instance, position.now, due);
    const next = await ctx.interpreter.resume(definition.object, outcome.state, { kind: 'continue' }, runCtx);
    outcome = await routeAbsentOwners(ctx, position.before, next, position.now, absencesMarkOf(runCtx, position));
  }
  return { kind: 'rest', outcome: await dueIfOrdersSettled(ctx, outcome, position.now) };
}

/** The absences counter this advance last read: a Persist's (through its overlay), else the launch's subject lookup's. */
function absencesMarkOf(runCtx: RunContext, position: AdvancePosition): number | undefined {
  return (runCtx.identities instanceof IdentityOverlay ? runCtx.identities.absencesMark : undefined) ?? position.absencesMark;
}
