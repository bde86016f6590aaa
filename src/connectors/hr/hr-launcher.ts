/**
 * Starts the workflows HR runs planned, once they are due (at once for most; a future joiner on its start date),
 * and fires each one's configured first transition. Launches are written with the run's snapshot (an outbox), so a
 * process that dies between the two loses none: the next `idflow hr import` or `idflow hr launch` starts them.
 */
import { randomUUID } from 'node:crypto';
import type { Engine, WorkItemView } from '../../engine/engine-api.js';
import { hasErrorCode, IdflowError } from '../../errors.js';
import type { HrLaunchRecord } from '../../repository/hr-store.js';
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

/** Launches every pending launch due now (all sources, or one), `batch` at a time; reports each. */
export async function launchDueHr(
  deps: HrLaunchDeps,
  options: {
    readonly source?: string;
    readonly launcher?: (source: string) => Promise<string>;
    readonly onProgress?: (done: number) => void;
    /** Launches in flight at once. @default 8 */
    readonly concurrency?: number;
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
  for (;;) {
    const due = (await deps.repository.hr.dueLaunches(deps.clock(), 500)).filter((l) => options.source === undefined || l.source === options.source);
    if (due.length === 0) break;
    const before = results.length;
    for (const l of due) {
      if (!launchers.has(l.source)) launchers.set(l.source, options.launcher ? await options.launcher(l.source) : `hr:${l.source}`);
    }
    // A few launches in flight at once: each waits on its own commits, which PostgreSQL serves in parallel. Two
    // launches on one subject still meet at the subject lock, as they would one after the other.
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < due.length) {
        const l = due[next++]!;
        const r = await launchOne(deps, l, launchers.get(l.source)!, busyRetryMs);
        // Another launcher holds it: not ours to report.
        if (r.skipped) continue;
        const { skipped: _, ...reported } = r;
        results.push({ id: l.id, key: l.rowKey, definition: l.definition, ...reported });
        if (r.retryAt !== undefined) deferred++;
        else if (r.error === undefined) launched++;
        else failed++;
        options.onProgress?.(launched + failed + deferred);
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, due.length) }, lane));
    // Everything left is held by other launchers (or this source had no more): they will report it.
    if (results.length === before || due.length < 500) break;
  }
  return { launched, failed, deferred, results };
}

/** How long a claimed launch stays with its launcher before another may take it (the launcher died). */
const CLAIM_MS = 10 * 60_000;

async function launchOne(
  deps: HrLaunchDeps,
  l: HrLaunchRecord,
  launcher: string,
  busyRetryMs: number,
): Promise<{ instanceId?: string; error?: string; retryAt?: number; skipped?: true }> {
  if (!(await deps.repository.hr.claimLaunch(l.id, `claim:${randomUUID()}`, deps.clock(), CLAIM_MS))) return { skipped: true };
  let instanceId: string | undefined;
  let error: string | undefined;
  let busy = false;
  try {
    const result = await deps.engine.launch({
      definition: l.definition,
      variables: l.variables,
      launcher,
      ...(l.subject !== null && { subject: l.subject }),
      // To fire the first transition the launch must reach its first wait in this call.
      ...(l.firstTransition !== null && { mode: 'sync' as const }),
    });
    instanceId = result.instance.id;
    if (l.firstTransition !== null && result.instance.state === 'executing') {
      const item = firstItem(result.workItems, l.firstTransition);
      if (!item) throw new Error(`the workflow does not wait in ${l.firstTransition.split('-').slice(0, 2).join('-')} after its launch: nothing to fire`);
      await deps.engine.decide({ workItemId: item.id, decision: verbOf(l.firstTransition), actor: launcher, comment: `HR feed ${l.source}, row ${l.rowKey}` });
    }
  } catch (e) {
    error = e instanceof IdflowError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    // The person has another update workflow running (one per identity): not a failure, the row waits its turn.
    busy = instanceId === undefined && hasErrorCode(e, 'SUBJECT_BUSY');
  }
  if (busy) {
    const at = deps.clock();
    const retryAt = at + busyRetryMs;
    await deps.repository.hr.deferLaunch(l.id, retryAt, error!, at);
    await deps.repository.runtime.appendAudit([
      {
        at,
        definitionName: l.definition,
        event: 'hr.launch-deferred',
        actor: launcher,
        data: { source: l.source, key: l.rowKey, change: l.change, ...(l.subject !== null && { subject: l.subject }), error: error!, retryAt: new Date(retryAt).toISOString() },
      },
    ]);
    return { error: error!, retryAt };
  }
  const outcome = error === undefined ? { state: 'launched' as const, instanceId: instanceId! } : { state: 'failed' as const, error, ...(instanceId !== undefined && { instanceId }) };
  const at = deps.clock();
  await deps.repository.hr.finishLaunch(l.id, outcome, at);
  await deps.repository.runtime.appendAudit([
    {
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
    },
  ]);
  return { ...(instanceId !== undefined && { instanceId }), ...(error !== undefined && { error }) };
}

/** `ActionWithRefine-ActionPending-Execute` → the item waiting in `…/ActionWithRefine-ActionPending` that offers Execute. */
function firstItem(items: readonly WorkItemView[], transition: string): WorkItemView | undefined {
  const [template, state] = transition.split('-');
  const verb = verbOf(transition);
  const stateName = `${template}-${state}`;
  return items.find((i) => (i.activity === stateName || i.activity.endsWith(`/${stateName}`)) && i.decisions.includes(verb)) ?? items.find((i) => i.decisions.includes(verb));
}

function verbOf(transition: string): string {
  return transition.split('-')[2] ?? transition;
}
