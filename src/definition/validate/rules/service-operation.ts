import { suggestion } from '../suggest.js';
import { ValidationCodes, describeObject, isDynamicName } from '../validation-codes.js';
import type { ValidationRule } from '../validation-rule.js';

/**
 * Warns when a service action's literal `op` is no operation idflow knows (`ValidateOptions.operations`, the
 * engine's operation registry): the workflow imports, and the administrator sees before running which action will
 * fail (WF_ACTION_ERROR at run time) and what the known operations are. Without a list of operations (a library
 * caller that gives none) nothing is checked; ops computed at run time (`$(var)`) cannot be.
 */
export const serviceOperationRule: ValidationRule = {
  id: 'service-operation',
  codes: [ValidationCodes.OPERATION_UNKNOWN],
  check(ctx) {
    const known = ctx.operations;
    if (known === undefined) return;
    const set = new Set(known);
    for (const { object, process } of ctx.processes) {
      for (const activity of process.activities) {
        for (const action of activity.actions) {
          if (action.kind !== 'service' || action.op === undefined || isDynamicName(action.op) || set.has(action.op)) continue;
          const where = action.className ?? action.application;
          ctx.diags.warning(
            ValidationCodes.OPERATION_UNKNOWN,
            `activity '${activity.name}' of ${describeObject(object)} calls the operation '${action.op}'${where ? ` of ${where}` : ''}, which idflow does not know; the action will fail when it runs${suggestion(action.op, known, 'operations idflow knows', 40)}`,
            action.location,
          );
        }
      }
    }
  },
};
