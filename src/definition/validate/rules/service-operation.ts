import { nearestNames } from '../suggest.js';
import { ValidationCodes, describeObject, isDynamicName } from '../validation-codes.js';
import type { KnownOperations, ValidationRule } from '../validation-rule.js';

/** At most this many known names are listed in one warning (the registry holds a few dozen). */
const MAX_LISTED = 60;

/**
 * Warns when a service action's literal `op` is no operation idflow knows for the action's application/class
 * (`ValidateOptions.operations`, the engine's operation registry): the workflow imports, and the administrator sees
 * before running which action will fail (WF_ACTION_ERROR at run time), the closest names, and every operation such an
 * action can call. Without a list of operations (a library caller that gives none) nothing is checked; ops computed
 * at run time (`$(var)`) cannot be.
 */
export const serviceOperationRule: ValidationRule = {
  id: 'service-operation',
  codes: [ValidationCodes.OPERATION_UNKNOWN],
  check(ctx) {
    const known = ctx.operations;
    if (known === undefined) return;
    const namesFor = knownNames(known);
    for (const { object, process } of ctx.processes) {
      for (const activity of process.activities) {
        for (const action of activity.actions) {
          if (action.kind !== 'service' || action.op === undefined || isDynamicName(action.op)) continue;
          const where = action.application ?? action.className;
          const names = namesFor(where);
          if (names.includes(action.op)) continue;
          ctx.diags.warning(
            ValidationCodes.OPERATION_UNKNOWN,
            `activity '${activity.name}' of ${describeObject(object)} calls the operation '${action.op}'${where ? ` of ${where}` : ''}, which idflow does not know; the action will fail when it runs${unknownOperationHint(action.op, names)}`,
            action.location,
          );
        }
      }
    }
  },
};

function knownNames(known: KnownOperations): (application: string | undefined) => readonly string[] {
  if (typeof known === 'function') {
    const cache = new Map<string | undefined, readonly string[]>();
    return (application) => {
      let names = cache.get(application);
      if (names === undefined) {
        names = [...known(application)].sort((a, b) => a.localeCompare(b));
        cache.set(application, names);
      }
      return names;
    };
  }
  const sorted = [...known].sort((a, b) => a.localeCompare(b));
  return () => sorted;
}

/** `; did you mean 'notify'?; operations idflow knows: 'audit', …`: the nearest names first, then every known one. */
export function unknownOperationHint(op: string, names: readonly string[]): string {
  const near = nearestNames(op, names);
  const mean = near.length > 0 ? `; did you mean ${near.map((n) => `'${n}'`).join(' or ')}?` : '';
  if (names.length === 0) return `${mean}; idflow knows no operations here`;
  const shown = names.slice(0, MAX_LISTED).map((n) => `'${n}'`).join(', ');
  return `${mean}; operations idflow knows: ${shown}${names.length > MAX_LISTED ? `, … (${names.length - MAX_LISTED} more)` : ''}`;
}
