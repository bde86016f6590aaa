import { ValidationCodes, describeObject } from '../validation-codes.js';
import type { ValidationRule } from '../validation-rule.js';

/**
 * A process has at least one end: an activity with no transitions at all. An activity whose transitions are
 * all conditional may end an instance in practice (when none is true), but a process that relies on that has
 * no visible end, so idflow asks for an explicit one (docs/errors.md, DEF_NO_END).
 */
export const endActivityRule: ValidationRule = {
  id: 'end-activity',
  codes: [ValidationCodes.NO_END],
  check(ctx) {
    for (const { object, process } of ctx.processes) {
      if (process.activities.length === 0) continue; // DEF_NO_START says it already
      if (process.activities.some((a) => a.transitions.length === 0)) continue;
      ctx.diags.error(
        ValidationCodes.NO_END,
        `${describeObject(object)} has no end activity: every activity has transitions, so no instance can finish; add an activity without transitions (for example 'end') and a transition to it`,
        process.location,
      );
    }
  },
};
