import { suggestion } from '../suggest.js';
import { ValidationCodes, describeObject } from '../validation-codes.js';
import type { ValidationRule } from '../validation-rule.js';

/** Every transition names an activity of its own process. */
export const transitionTargetRule: ValidationRule = {
  id: 'transition-target',
  codes: [ValidationCodes.TRANSITION_TARGET],
  check(ctx) {
    for (const { object, process } of ctx.processes) {
      const names = process.activities.map((a) => a.name);
      const known = new Set(names);
      for (const activity of process.activities) {
        for (const t of activity.transitions) {
          if (known.has(t.to)) continue;
          ctx.diags.error(
            ValidationCodes.TRANSITION_TARGET,
            `activity '${activity.name}' of ${describeObject(object)} has a transition to '${t.to}', which is not an activity of this process${suggestion(t.to, names, 'its activities are')}`,
            t.location,
          );
        }
      }
    }
  },
};
