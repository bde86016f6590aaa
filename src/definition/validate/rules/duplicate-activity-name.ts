import { ValidationCodes, describeObject } from '../validation-codes.js';
import type { ValidationRule } from '../validation-rule.js';
import type { ActivityModel } from '../../model/activity.js';

/** Activity names are unique within a process: transitions find their target by name. */
export const duplicateActivityNameRule: ValidationRule = {
  id: 'duplicate-activity-name',
  codes: [ValidationCodes.DUPLICATE_NAME],
  check(ctx) {
    for (const { object, process } of ctx.processes) {
      const first = new Map<string, ActivityModel>();
      for (const activity of process.activities) {
        const earlier = first.get(activity.name);
        if (!earlier) {
          first.set(activity.name, activity);
          continue;
        }
        ctx.diags.error(
          ValidationCodes.DUPLICATE_NAME,
          `${describeObject(object)} has two activities named '${activity.name}' (the first at line ${earlier.location.line}); activity names must be unique in a process`,
          activity.location,
        );
      }
    }
  },
};
