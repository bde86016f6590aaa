/**
 * Starts the workflows HR runs planned, once they are due (at once for most; a future joiner on its start date),
 * and fires each one's configured first transition. Launches are written with the run's snapshot (an outbox), so a
 * process that dies between the two loses none: the next `idflow hr import` or `idflow hr launch` starts them. Each
 * row is marked launched in the commit that inserts its instance, so none is ever started twice (a launcher that
 * dies before that commit leaves its rows claimed; they are taken again once the claim runs out).
 */
import { randomUUID } from 'node:crypto';
import type { Engine, LaunchDecision, LaunchRequest } from '../../engine/engine-api.js';
import { hasErrorCode } from '../../errors.js';
import type { HrLaunchOutcome, HrLaunchRecord } from '../../repository/hr-store.js';
import type { AuditRecord } from '../../repository/runtime-store.js';
import { compileRetryPolicy, retryTransient } from '../../repository/retry-transient.js';
import { isDatabaseFault } from '../../repository/storage-error.js';
import type { Repository } from '../../repository/repository.js';

export interface HrLaunchReport {
  readonly launched: number;
  readonly failed: number;
  /** Launches whose subject had an update workflow running: pending again, due {@link HR_BUSY_RETRY_MS} later. */
  readonly deferred: number;
  readonly results: readonly { readonly id: string; readonly key: string; readonly definition: string; readonly instanceId?: string; readonly error?: string; readonly retryAt?: number }[];
}

/**
 * How long a launch refused with SUBJECT_BUSY waits before it is tried again: the person's other update workflow
 * (an onboarding in review, a move waiting for its reviewer) usually takes hours, so trying every round would only
 * fill the audit. docs/decisions/hr-busy-retry.md.
 */
export const HR_BUSY_RETRY_MS = 15 * 60_000;

export interface HrLaunchDeps {
  readonly repository: Repository;
  readonly engine: Engine;
  readonly clock: () => number;
}

/** Claims and finishes are retried when the database is busy for a moment (another process writing). */
const RETRY = compileRetryPolicy();

/** Launches taken and started together: one claim and one launch commit per batch (and a finish for refusals). */
const BATCH = 500;

/**
 * Launches every pending launch due now (all sources, or one), in batches (docs/decisions/batched-launches.md):
 * the oldest due rows nobody holds are claimed in one statement and launched with {@link Engine.launchMany}, each
 * row marked launched, with its `hr.launched` audit row, in the commit that inserts its instance (a launch refused
 * for its own reason, `SUBJECT_BUSY` say, is reported alone and the rest start); the refused ones are then marked
 * failed or put off, with their audit rows, in one transaction. A row's first transition is the launch's first
 * decision, fired by whoever advances the instance: this process at once (the default), or the workers. A launch
 * refused with `SUBJECT_BUSY` is deferred, not failed (docs/decisions/hr-busy-retry.md).
 */
export async function launchDueHr(
  deps: HrLaunchDeps,
  options: {
    readonly source?: string;
    readonly launcher?: (source: string) => Promise<string>;
    readonly onProgress?: (done: number) => void;
    /**
     * Advance the launched instances here before answering (their Request executed, each at its next wait), in
     * batches as a worker round does; false leaves them to the workers. @default true
     */
    readonly advance?: boolean;
    /** Launches per batch. @default 500 */
    readonly batch?: number;
    /** @default {@link HR_BUSY_RETRY_MS} */
    readonly busyRetryMs?: number;
  } = {},
): Promise<HrLaunchReport> {
  const results: { id: string; key: string; definition: string; instanceId?: string; error?: string; retryAt?: number }[] = [];
  let launched = 0;
  let failed = 0;
  let deferred = 0;
  const busyRetryMs = options.busyRetryMs ?? HR_BUSY_RETRY_MS;
  const launchers = new Map<string, string>();
  const size = options.batch ?? BATCH;
  for (let round = 0; ; round++) {
    // Let the event loop turn between batches: on SQLite every await of a batch resolves at once, so a run of
    // thousands of rows would otherwise hold the process (a server answering requests, its progress page included)
    // until its last launch.
    if (round > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    // Another launcher holds what this one did not take: not ours to start or report.
    const token = `claim:${randomUUID()}`;
    const mine = await retryTransient(() => deps.repository.hr.claimDue(deps.clock(), size, token, CLAIM_MS, options.source), RETRY);
    if (mine.length === 0) break;
    for (const l of mine) {
      if (!launchers.has(l.source)) launchers.set(l.source, options.launcher ? await options.launcher(l.source) : `hr:${l.source}`);
    }
    // Each started launch marks its row launched, with its `hr.launched` audit row, in its own commit.
    const started = await deps.engine.launchMany(
      mine.map((l) => launchRequest(l, launchers.get(l.source)!, token, deps.clock())),
      { advance: options.advance ?? true },
    );
    const at = deps.clock();
    const outcomes: HrLaunchOutcome[] = [];
    const audit: AuditRecord[] = [];
    const busy: { id: string; error: string }[] = [];
    mine.forEach((l, k) => {
      const r = started[k]!;
      const launcher = launchers.get(l.source)!;
      const instanceId = r.ok ? r.instance.id : undefined;
      const error = r.ok ? undefined : `${r.error.code}: ${r.error.message}`;
      const row = { id: l.id, key: l.rowKey, definition: l.definition, ...(instanceId !== undefined && { instanceId }), ...(error !== undefined && { error }) };
      if (r.ok) {
        results.push(row);
        launched++;
        return;
      }
      // The claim lapsed while this batch ran and another launcher took the row: it starts and reports it.
      if (hasErrorCode(r.error, 'HR_LAUNCH_TAKEN')) return;
      if (isDatabaseFault(r.error)) {
        // The database failed before this launch was written (launchMany answers what committed before the fault):
        // nothing of it exists. The row stays claimed and is started once the claim lapses, as when a whole
        // batch fails; marking it failed would drop a joiner for a moment's fault.
        results.push({ ...row, retryAt: at + CLAIM_MS });
        deferred++;
        return;
      }
      if (hasErrorCode(r.error, 'SUBJECT_BUSY')) {
        // The person has another update workflow running (one per identity): not a failure, the row waits its turn.
        const retryAt = at + busyRetryMs;
        busy.push({ id: l.id, error: error! });
        audit.push(deferredAudit(l, launcher, at, error!, retryAt));
        results.push({ ...row, retryAt });
        deferred++;
        return;
      }
      outcomes.push({ id: l.id, state: 'failed', error: error! });
      audit.push(launchAudit(l, launcher, at, undefined, error));
      results.push(row);
      failed++;
    });
    if (outcomes.length > 0 || audit.length > 0) await retryTransient(() => deps.repository.hr.finishLaunches(outcomes, audit, at), RETRY);
    for (const b of busy) await retryTransient(() => deps.repository.hr.deferLaunch(b.id, at + busyRetryMs, b.error, at), RETRY);
    options.onProgress?.(launched + failed + deferred);
    // Everything left is held by other launchers (or there was no more): they will report it.
    if (mine.length < size) break;
  }
  return { launched, failed, deferred, results };
}

/** How long a claimed launch stays with its launcher before another may take it (the launcher died). */
const CLAIM_MS = 10 * 60_000;

/**
 * The engine's launch of an HR row: its first transition becomes the launch's first decision, and the row is marked
 * launched (with its `hr.launched` audit row) in the launch's own commit.
 */
function launchRequest(l: HrLaunchRecord, launcher: string, claim: string, at: number): LaunchRequest {
  return {
    definition: l.definition,
    variables: l.variables,
    launcher,
    ...(l.subject !== null && { subject: l.subject }),
    ...(l.firstTransition !== null && { firstDecision: firstDecisionOf(l.firstTransition, `HR feed ${l.source}, row ${l.rowKey}`) }),
    hrLaunch: { id: l.id, claim, audit: launchAudit(l, launcher, at, undefined, undefined) },
  };
}

/** `ActionWithRefine-ActionPending-Execute` → decide `Execute` on the item waiting in `ActionWithRefine-ActionPending`. */
export function firstDecisionOf(transition: string, comment: string): LaunchDecision {
  const [template, state, verb] = transition.split('-');
  return { decision: verb ?? transition, activity: `${template}-${state}`, comment };
}

function deferredAudit(l: HrLaunchRecord, launcher: string, at: number, error: string, retryAt: number): AuditRecord {
  return {
    at,
    definitionName: l.definition,
    event: 'hr.launch-deferred',
    actor: launcher,
    data: { source: l.source, key: l.rowKey, change: l.change, ...(l.subject !== null && { subject: l.subject }), error, retryAt: new Date(retryAt).toISOString() },
  };
}

function launchAudit(l: HrLaunchRecord, launcher: string, at: number, instanceId: string | undefined, error: string | undefined): AuditRecord {
  return {
    at,
    ...(instanceId !== undefined && { instanceId }),
    definitionName: l.definition,
    event: error === undefined ? 'hr.launched' : 'hr.launch-failed',
    actor: launcher,
    data: {
      source: l.source,
      key: l.rowKey,
      change: l.change,
      ...(l.subject !== null && { subject: l.subject }),
      ...(l.firstTransition !== null && { firstTransition: l.firstTransition }),
      ...(error !== undefined && { error }),
    },
  };
}
