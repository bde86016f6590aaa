/**
 * A launch advanced before it is written (docs/decisions/launched-and-advanced.md): what `launchMany` does with the
 * launches its caller advances at once (`advance: true`, the HR feed). The launch runs in memory to its first wait,
 * its first decision is fired there, and the instance is inserted already advanced, with everything the advance
 * produced, in the batch's one commit: one instance write instead of a `ready` insert, a claim and an update.
 *
 * Whatever this path cannot finish alone falls back to the launch as it was written before (`ready`, leased to this
 * process, then advanced by the worker's batch code): an advance that fails, a write the store refuses (a subject
 * another instance holds, an identity that moved, a value the database rejects). That path then answers as it always
 * did: the launch's own refusal (SUBJECT_BUSY, REPO_QUERY_FAILED) or an instance that ends failed, on record.
 */
import type { InstanceRecord, InstanceWrite } from '../repository/runtime-store.js';
import { isDatabaseFault } from '../repository/storage-error.js';
import { advanceWithCheckpoints, type AdvancePosition, type AdvanceResult } from './checkpoint.js';
import type { LoadedDefinition } from './definition-cache.js';
import type { EngineContext } from './engine-context.js';
import { outcomeWrite } from './outcome-write.js';
import { failedWrite, launchDecisionWrites } from './worker.js';

/** What became of one launch advanced before its first write. */
export type LaunchAdvance =
  /** Commit these writes (the instance's own first; its insert unless a checkpoint inserted it already). */
  | {
      readonly kind: 'write';
      readonly writes: InstanceWrite[];
      /** The instance as these writes leave it. */
      readonly instance: InstanceRecord;
      /** The row they go over: after a checkpoint, the one it committed. */
      readonly before: InstanceRecord;
      readonly checkpoints: number;
      readonly now: number;
    }
  /** Write the launch `ready` instead, for the worker's code to advance (the launch as it was before). */
  | { readonly kind: 'ready' }
  /** A checkpoint committed the instance, then a later commit of it was refused: it is launched and changed since. */
  | { readonly kind: 'launched'; readonly instance: InstanceRecord };

/**
 * Runs a launch, not yet written, to its first wait (or its end) and builds the one write that inserts it there:
 * `record` is the `ready` record and `audit`/`extra` what its launch commit writes (launch audit, resultOption
 * replacements). A run of automatic steps longer than the definition's progressInterval commits checkpoints as any
 * run does; the first of them inserts the instance with its launch audit, and a launch decision is then skipped, on
 * record, as it is for a worker that meets a checkpoint.
 */
export async function advanceLaunch(
  ctx: EngineContext,
  definition: LoadedDefinition,
  record: InstanceRecord,
  audit: AdvancePosition['audit'],
  extra: AdvancePosition['extra'],
  /** The `absences` change counter as the launch's subject lookup read it (AdvancePosition.absencesMark). */
  absencesMark?: number,
): Promise<LaunchAdvance> {
  const at: AdvancePosition = { before: record, insert: true, audit, extra, now: ctx.clock(), checkpoints: 0, absencesMark };
  let advanced: AdvanceResult;
  try {
    advanced = await advanceWithCheckpoints(ctx, definition, at, (runCtx) => ctx.interpreter.start(definition.object, record.variables, runCtx));
    if (advanced.kind === 'refused') return at.checkpoints > 0 ? { kind: 'launched', instance: at.before } : { kind: 'ready' };
    const writes = record.launchDecision
      ? (await launchDecisionWrites(ctx, definition, at, advanced.outcome, true)).writes
      : outcomeWrite(ctx, { before: at.before, definition, outcome: advanced.outcome, now: at.now, insert: at.insert, audit: at.audit, ...(at.extra && { extra: at.extra }) }).writes;
    return { kind: 'write', writes: checkingSubject(writes, record.subjectKey), instance: writes[0]!.instance, before: at.before, checkpoints: at.checkpoints, now: at.now };
  } catch (e) {
    // Nothing written yet: the launch goes the worker's way, which fails it on record (or retries what the database
    // refused for the moment), as it did before.
    if (at.checkpoints === 0) return { kind: 'ready' };
    if (isDatabaseFault(e)) return { kind: 'launched', instance: at.before };
    const failed = failedWrite(at.before, e, at.now);
    return { kind: 'write', writes: [failed], instance: failed.instance, before: at.before, checkpoints: at.checkpoints, now: at.now };
  }
}

/**
 * One update workflow per identity: a launch that holds its subject takes the lock with its insert, unless the
 * insert ends it already (no lock is left to take): then the insert is refused all the same while another instance
 * holds the subject, as the `ready` insert was.
 */
export function checkingSubject(writes: InstanceWrite[], subjectKey: string | null): InstanceWrite[] {
  const [own, ...rest] = writes;
  if (!own || subjectKey === null || own.expectedRevision !== null || own.acquireSubject !== undefined) return writes;
  return [{ ...own, checkSubject: subjectKey }, ...rest];
}
