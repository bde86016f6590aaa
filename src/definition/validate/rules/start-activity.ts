import { suggestion } from '../suggest.js';
import { ValidationCodes, describeObject } from '../validation-codes.js';
import type { ValidationRule } from '../validation-rule.js';

/** A process has activities and its `start` names one of them: the engine needs somewhere to begin. */
export const startActivityRule: ValidationRule = {
  id: 'start-activity',
  codes: [ValidationCodes.NO_START],
  check(ctx) {
    for (const { object, process } of ctx.processes) {
      if (process.activities.length === 0) {
        ctx.diags.error(ValidationCodes.NO_START, `${describeObject(object)} has no activities; a process needs at least a start activity`, process.location);
        continue;
      }
      const names = process.activities.map((a) => a.name);
      if (!names.includes(process.start)) {
        ctx.diags.error(
          ValidationCodes.NO_START,
          process.start === ''
            ? `${describeObject(object)} names no start activity`
            : `the start activity '${process.start}' of ${describeObject(object)} is not one of its activities${suggestion(process.start, names, 'its activities are')}`,
          process.location,
        );
      }
    }
  },
};
