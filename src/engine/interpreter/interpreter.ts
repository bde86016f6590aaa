/**
 * The interpreter: process model + state + event → new state + work items + effects (docs/engine.md).
 *
 * Pure with respect to storage: it never touches the repository. Each call clones the state once, advances every
 * runnable token in memory until all of them wait (work items, subprocesses) or the instance ends, and returns
 * everything the runtime must commit together. Deterministic: the same state, event and `ctx.now` give the same
 * outcome (ids come from counters in the state; time only from ctx.now).
 *
 * Thrown errors (IdflowError) refuse the advance; the caller's state is untouched. Failures of the instance
 * itself (maxSteps, no transition, a failing transition condition) return status `failed` instead.
 */
import type { ProcessObject } from '../../definition/model/objects.js';
import type { XValue } from '../../expression/env.js';
import { initStoredBuiltins } from './builtins.js';
import { initFrameVariables, resolveMaxSteps } from './frames.js';
import { InstanceEndedError, InstanceFailure, NotAProcessError } from './interpreter-errors.js';
import type { AdvanceOutcome, InstanceState, ResumeEvent, RunContext, TaskResult } from './interpreter-types.js';
import { asInstanceState, cloneState, newState, ROOT_FRAME, rootVariables, type StateV1 } from './instance-state.js';
import { drain, endInstance, requeueRunnable } from './run-activity.js';
import { Run } from './run.js';
import { applyProvisioned } from './run-action.js';
import { storedBytes } from './stored-bytes.js';
import { DEFAULT_ADVANCE_LIMITS } from './work-budget.js';
import { applyDecision, applyTimers, earliestDue } from './work-items.js';

/** Launches: a new state for `process` with `input` as its variables, advanced to the first wait or the end. */
export async function start(process: ProcessObject, input: Readonly<Record<string, XValue>>, ctx: RunContext): Promise<AdvanceOutcome> {
  const model = process.process;
  if (!model) throw new NotAProcessError(process.name);
  const state = newState(ctx.instanceId, process.name, resolveMaxSteps(model.maxSteps, ctx));
  const run = new Run(process, model, state, ctx);
  await guarded(run, async () => {
    const root = run.frame(ROOT_FRAME);
    initStoredBuiltins(root.vars);
    initFrameVariables(run, root, model, input);
    run.queue.push(run.newToken(ROOT_FRAME, model.start, []));
    await drain(run);
  });
  return withinSize(run, () => {
    // Too large: the instance ends failed with the variables it was launched with (already stored), nothing else.
    const fresh = new Run(process, model, newState(ctx.instanceId, process.name, resolveMaxSteps(model.maxSteps, ctx)), ctx);
    initStoredBuiltins(fresh.frame(ROOT_FRAME).vars);
    for (const [k, v] of Object.entries(input)) fresh.frame(ROOT_FRAME).vars[k] = v;
    return fresh;
  });
}

/**
 * Continues an instance after a decision on one of its work items, when its timers are due, or after a checkpoint
 * (`continue`). Steps a checkpoint left to run go first, whatever the event.
 */
export async function resume(process: ProcessObject, state: InstanceState, event: ResumeEvent, ctx: RunContext): Promise<AdvanceOutcome> {
  const model = process.process;
  if (!model) throw new NotAProcessError(process.name);
  const s = cloneState(state, ctx.instanceId);
  if (s.status === 'finished' || s.status === 'failed') throw new InstanceEndedError(s.instanceId, s.status);
  const run = new Run(process, model, s, ctx);
  // Refusals (unknown item, decision not offered) are thrown before anything moved.
  await guarded(run, async () => {
    requeueRunnable(run);
    if (event.kind === 'decision') applyDecision(run, event);
    else if (event.kind === 'timer') await applyTimers(run);
    else if (event.kind === 'provisioned') {
      applyProvisioned(run, event);
      await applyTimers(run);
    }
    await drain(run);
  });
  // Too large: the instance ends failed as it was before this advance; nothing this advance built is kept.
  return withinSize(run, () => new Run(process, model, cloneState(state, ctx.instanceId), ctx));
}

/**
 * The outcome of `run`, unless what it would store passes `limits.maxStateBytes`: then the advance is dropped and
 * the instance, as `before()` gives it, ends failed with ENGINE_STATE_TOO_LARGE, so the oversized values are never
 * written. Measured here, before the runtime serialises anything.
 */
function withinSize(run: Run, before: () => Run): AdvanceOutcome {
  const max = (run.ctx.limits ?? DEFAULT_ADVANCE_LIMITS).maxStateBytes;
  const size = storedBytes(run, max);
  if (size <= max) return outcome(run);
  const failed = before();
  failed.state.errors.push(`ENGINE_STATE_TOO_LARGE: the instance would store more than ${max} bytes (its state, and the work items and effects of this advance); the limit is maxStateBytes`);
  endInstance(failed, 'failed', 'failed');
  return outcome(failed);
}

async function guarded(run: Run, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    if (!(e instanceof InstanceFailure)) throw e;
    run.state.errors.push(`${e.code}: ${e.message}`);
    endInstance(run, 'failed', 'failed');
  }
}

function outcome(run: Run): AdvanceOutcome {
  const s = run.state;
  if (s.status === 'running' || s.status === 'waiting') s.status = 'waiting';
  const status = s.status === 'waiting' ? 'waiting' : s.status;
  const ended = status !== 'waiting';
  const checkpoint = !ended && run.paused;
  const yielded = checkpoint ? run.yielded : undefined;
  return {
    state: asInstanceState(s),
    status,
    createWorkItems: run.createWorkItems,
    closeWorkItems: run.closeWorkItems,
    // A checkpoint is due again at once: should the runtime stop after committing it, a worker takes it over.
    wakeAt: ended ? null : checkpoint ? run.ctx.now : earliestDue(run),
    effects: run.effects,
    steps: run.steps,
    ...(ended ? { result: taskResult(run, s) } : {}),
    ...(checkpoint ? { checkpoint: true as const } : {}),
    ...(yielded !== undefined && { yielded }),
    position: s.tokens.filter((t) => t.phase !== 'call').map((t) => (t.frame === ROOT_FRAME ? t.activity : `${s.frames[t.frame]?.process ?? t.frame}/${t.activity}`)),
  };
}

function taskResult(run: Run, s: StateV1): TaskResult {
  const vars = s.frames[ROOT_FRAME]?.vars ?? {};
  const outputs: Record<string, XValue> = {};
  for (const v of run.rootModel.variables) if (v.output) outputs[v.name] = vars[v.name] ?? null;
  return { outputs, errors: [...s.errors], messages: [...s.messages], outcome: s.outcome ?? (s.status === 'failed' ? 'failed' : 'completed') };
}

/** Variables of the root process, for views (`TaskInstanceView.variables`). */
export function instanceVariables(state: InstanceState): Readonly<Record<string, XValue>> {
  return rootVariables(state);
}
