/** Setting up a process frame's variables (root launch or subprocess call). */
import type { ProcessModel } from '../../definition/model/process.js';
import type { XValue } from '../../expression/env.js';
import { InstanceFailure } from './interpreter-errors.js';
import type { FrameState } from './instance-state.js';
import type { RunContext } from './interpreter-types.js';
import { errorMessage } from './messages.js';
import type { Run } from './run.js';
import { DEFAULT_ADVANCE_LIMITS } from './work-budget.js';
import { copyValue, declareVariables, Scope } from './variables.js';

export const DEFAULT_MAX_STEPS = 5000;

/**
 * `maxSteps` as written; 0 (or less) means the configured default, else 5000. Never more than the engine's ceiling
 * (`limits.maxStepsCeiling`): a definition may lower the limit, not raise it.
 */
export function resolveMaxSteps(declared: number, ctx: RunContext): number {
  const wanted = declared > 0 ? declared : ctx.defaultMaxSteps && ctx.defaultMaxSteps > 0 ? ctx.defaultMaxSteps : DEFAULT_MAX_STEPS;
  return Math.min(wanted, maxStepsCeiling(ctx));
}

export function maxStepsCeiling(ctx: RunContext): number {
  return (ctx.limits ?? DEFAULT_ADVANCE_LIMITS).maxStepsCeiling;
}

/**
 * Every value the caller passes becomes a process variable (Waveset passes all view attributes as task inputs);
 * declared variables the caller did not set get their initial values, in declaration order.
 */
export function initFrameVariables(run: Run, frame: FrameState, model: ProcessModel, input: Readonly<Record<string, XValue>>): void {
  for (const [k, v] of Object.entries(input)) frame.vars[k] = copyValue(v);
  try {
    declareVariables(model.variables, frame.vars, new Scope(run, frame, null), input);
  } catch (e) {
    throw new InstanceFailure('ENGINE_EXPRESSION_FAILED', `process '${model.name}': a variable's initial value failed: ${errorMessage(e)}`);
  }
}
