import { ValidationCodes, describeObject } from '../validation-codes.js';
import type { ValidationRule } from '../validation-rule.js';

/**
 * Waveset's start activity holds no actions (reference §2.1). idflow runs them anyway, so this is only a
 * warning. Activities compiled from a Netwrix template are exempt: their actions are generated, not written.
 */
export const startHasActionsRule: ValidationRule = {
  id: 'start-has-actions',
  codes: [ValidationCodes.START_HAS_ACTIONS],
  check(ctx) {
    for (const { object, process } of ctx.processes) {
      const start = process.activities.find((a) => a.name === process.start);
      if (!start || start.template || start.actions.length === 0) continue;
      ctx.diags.warning(
        ValidationCodes.START_HAS_ACTIONS,
        `the start activity '${start.name}' of ${describeObject(object)} holds ${start.actions.length} action(s); a start activity usually only transitions (the actions still run)`,
        start.actions[0]!.location,
      );
    }
  },
};
