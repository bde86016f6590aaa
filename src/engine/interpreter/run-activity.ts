/**
 * Moving tokens: entering an activity (join, step count, activity variables, Before aspects), running its
 * actions, leaving it (After aspects, transitions), ending branches, frames and the instance.
 */
import type { ActivityModel } from '../../definition/model/activity.js';
import type { XValue } from '../../expression/env.js';
import { runAspects } from './aspects.js';
import { setActionOutcome } from './builtins.js';
import { InstanceFailure } from './interpreter-errors.js';
import { ROOT_FRAME, type FrameState, type TokenState } from './instance-state.js';
import { maxStepsCeiling } from './frames.js';
import { errorMessage } from './messages.js';
import { runAction } from './run-action.js';
import type { Run } from './run.js';
import { endingOutcome, INVOKE, isSystemState } from './template-runtime.js';
import { arriveAtJoin, branchEnded, chooseTransitions, followTransitions } from './transitions.js';
import { assignPath, declareVariables, Scope } from './variables.js';

/** Runs every runnable token until all wait, or the instance ends. */
export async function drain(run: Run): Promise<void> {
  while (run.queue.length > 0 && !run.ended) {
    let token: TokenState | null = run.queue.shift()!;
    while (token && !run.ended) {
      switch (token.phase) {
        case 'enter':
          // Only after this advance entered an activity, so every advance makes progress.
          if (run.steps > 0) {
            const spent = run.budget.spent(run.steps);
            if (spent !== undefined || run.ctx.checkpointDue?.() === true) {
              pause(run, token);
              run.yielded = spent;
              return;
            }
          }
          token = enterActivity(run, token);
          break;
        case 'actions':
          if ((await runActions(run, token)) === 'blocked') token = null;
          else token.phase = 'transitions';
          break;
        case 'transitions':
          token = leaveActivity(run, token);
          break;
        default:
          token = null;
      }
    }
  }
}

/**
 * Stops the advance before `token` enters its next activity: it and the queued tokens are remembered, in order,
 * in the state, so the next advance (after the runtime committed this checkpoint) moves them first.
 */
function pause(run: Run, token: TokenState): void {
  run.state.runnable = [token.id, ...run.queue.map((t) => t.id)];
  run.queue.length = 0;
  run.paused = true;
}

/** Puts the tokens a checkpoint stopped back in the queue, before anything else moves. */
export function requeueRunnable(run: Run): void {
  const ids = run.state.runnable ?? [];
  delete run.state.runnable;
  for (const id of ids) {
    const token = run.token(id);
    if (token) run.queue.push(token);
  }
}

function enterActivity(run: Run, arriving: TokenState): TokenState | null {
  const frame = run.frame(arriving.frame);
  const activity = run.activity(frame, arriving.activity);
  const token = activity.join === 'and' ? arriveAtJoin(run, arriving) : arriving;
  if (!token) return null;

  // The ceiling applies to states written before it was configured lower, too.
  const maxSteps = Math.min(frame.maxSteps, maxStepsCeiling(run.ctx));
  if (frame.steps >= maxSteps) {
    throw new InstanceFailure(
      'ENGINE_MAX_STEPS',
      `process '${run.processOf(frame).model.name}' exceeded maxSteps ${maxSteps} at activity '${activity.name}'`,
    );
  }
  run.budget.beginActivity();
  frame.steps++;
  run.state.steps++;
  run.steps++;
  token.step = run.state.steps;
  token.action = 0;
  token.decision = undefined;
  token.record = undefined;
  const vars: Record<string, XValue> = {};
  token.vars = vars;
  if (activity.variables.length > 0) {
    try {
      declareVariables(activity.variables, vars, new Scope(run, frame, token));
    } catch (e) {
      throw new InstanceFailure('ENGINE_EXPRESSION_FAILED', `activity '${activity.name}': a variable's initial value failed: ${errorMessage(e)}`);
    }
  }
  if (activity.aspects && activity.aspects.before.length > 0) runAspects(run, token, activity, activity.aspects.before);
  const ending = endingOutcome(activity);
  if (ending) {
    endInstance(run, ending, 'finished');
    return null;
  }
  token.phase = 'actions';
  return token;
}

async function runActions(run: Run, token: TokenState): Promise<'done' | 'blocked'> {
  const frame = run.frame(token.frame);
  const activity = run.activity(frame, token.activity);
  const actions = activity.actions;
  for (; token.action < actions.length; token.action++) {
    if ((await runAction(run, token, frame, activity, actions[token.action]!)) === 'blocked') return 'blocked';
    if (run.ended) return 'blocked';
  }
  if (isSystemState(activity)) token.decision = INVOKE;
  return 'done';
}

function leaveActivity(run: Run, token: TokenState): TokenState | null {
  const frame = run.frame(token.frame);
  const activity = run.activity(frame, token.activity);
  if (activity.aspects && activity.aspects.after.length > 0) runAspects(run, token, activity, activity.aspects.after);
  completeActivity(run, token);
  if (activity.transitions.length === 0) {
    endToken(run, token);
    return null;
  }
  const chosen = chooseTransitions(run, token, activity);
  if (chosen.length === 0) {
    // A template state whose Abort/Decline has no modelled transition still ends the instance as the verb says.
    if (activity.template && token.decision === 'Abort') return endInstance(run, 'aborted', 'finished');
    if (activity.template && token.decision === 'Decline') return endInstance(run, 'declined', 'finished');
    throw new InstanceFailure(
      'ENGINE_NO_TRANSITION',
      `activity '${activity.name}': no transition can be taken${token.decision !== undefined ? ` for the decision '${token.decision}'` : ''}`,
    );
  }
  return followTransitions(run, token, activity, chosen);
}

/**
 * The activity is done: its variables are dropped, unless it held a manual action, in which case they are kept
 * with its record (reference waveset §1.3).
 */
function completeActivity(run: Run, token: TokenState): void {
  if (token.record !== undefined) {
    const rec = run.state.records[token.record];
    if (rec) {
      rec.completedAt = run.ctx.now;
      if (token.vars && Object.keys(token.vars).length > 0) rec.variables = token.vars;
    }
  }
  token.vars = null;
}

/** A token reached an activity without transitions: its branch ends; the frame ends when no token is left. */
function endToken(run: Run, token: TokenState): void {
  run.removeToken(token);
  if (token.lineage.length > 0) branchEnded(run, token.lineage);
  if (!run.state.tokens.some((t) => t.frame === token.frame)) completeFrame(run, run.frame(token.frame));
}

/** No token is left in the frame: the root ends the instance; a subprocess returns to its caller. */
function completeFrame(run: Run, frame: FrameState): void {
  if (frame.id === ROOT_FRAME) {
    endInstance(run, 'completed', 'finished');
    return;
  }
  const model = run.processOf(frame).model;
  const outputs: Record<string, XValue> = {};
  for (const v of model.variables) if (v.output) outputs[v.name] = frame.vars[v.name] ?? null;
  const caller = frame.caller !== undefined ? run.token(frame.caller) : undefined;
  delete run.state.frames[frame.id];
  if (!caller) return;
  const parent = run.frame(caller.frame);
  const activity = run.activity(parent, caller.activity);
  const action = activity.actions[caller.action];
  const scope = new Scope(run, parent, caller);
  if (action && action.returns.length > 0) {
    for (const r of action.returns) assignPath(scope, r.to, Object.hasOwn(frame.vars, r.from) ? frame.vars[r.from]! : null);
  } else {
    for (const [k, v] of Object.entries(outputs)) scope.assign(k, v);
  }
  setActionOutcome(parent.vars, { result: outputs });
  caller.phase = 'actions';
  caller.call = undefined;
  caller.action++;
  run.queue.push(caller);
}

/** Ends the instance: open work items are cancelled, no token remains. Returns null for the caller's loop. */
export function endInstance(run: Run, outcome: string, status: 'finished' | 'failed'): null {
  for (const id of Object.keys(run.state.waits)) run.closeWorkItems.push({ id, reason: 'cancelled' });
  run.state.waits = {};
  run.state.tokens = [];
  run.state.splits = {};
  for (const id of Object.keys(run.state.frames)) if (id !== ROOT_FRAME) delete run.state.frames[id];
  run.state.status = status;
  run.state.outcome = outcome;
  run.queue.length = 0;
  run.ended = true;
  return null;
}
