import { ValidationCodes, describeObject } from '../validation-codes.js';
import type { ValidationRule } from '../validation-rule.js';

/**
 * A manual action names who gets the work item: an `<Owner>` (name or expression) in the Waveset dialect, a
 * permission in the Netwrix dialect, or an approval's scheme. Without one the work item would sit in nobody's inbox for ever.
 */
export const manualOwnerRule: ValidationRule = {
  id: 'manual-owner',
  codes: [ValidationCodes.MANUAL_NO_OWNER],
  check(ctx) {
    for (const { object, process } of ctx.processes) {
      for (const activity of process.activities) {
        for (const action of activity.actions) {
          if (action.kind !== 'manual' || action.manual.owners.length > 0) continue;
          // An approval resolves its approvers when it runs (docs/approvals.md).
          if (action.manual.approval) continue;
          ctx.diags.error(
            ValidationCodes.MANUAL_NO_OWNER,
            `the manual action${action.manual.name ? ` '${action.manual.name}'` : ''} in activity '${activity.name}' of ${describeObject(object)} has no owner; add <Owner name='…'/> or <Owner><ref>…</ref></Owner>`,
            action.manual.location,
          );
        }
      }
    }
  },
};
