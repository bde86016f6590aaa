import { ValidationCodes, describeObject } from '../validation-codes.js';
import type { ValidationRule } from '../validation-rule.js';

/** The engine's default `limits.maxStepsCeiling`; the import check and the engine use the same number. */
export const DEFAULT_MAX_STEPS_CEILING = 100_000;

/**
 * A process's `maxSteps` may lower the engine's ceiling, never raise it: a larger one is refused at import, with
 * the WFProcess's line, instead of being cut down silently when it runs (the engine clamps it all the same).
 */
export const maxStepsCeilingRule: ValidationRule = {
  id: 'max-steps-ceiling',
  codes: [ValidationCodes.MAX_STEPS_CEILING],
  check(ctx) {
    for (const { object, process } of ctx.processes) {
      if (process.maxSteps > ctx.maxStepsCeiling) {
        ctx.diags.error(
          ValidationCodes.MAX_STEPS_CEILING,
          `${describeObject(object)} sets maxSteps='${process.maxSteps}', above the ceiling of ${ctx.maxStepsCeiling} steps per process; use at most ${ctx.maxStepsCeiling} (or 0 for the default)`,
          process.location,
        );
      }
    }
  },
};
