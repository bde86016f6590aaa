import { ValidationCodes, describeObject } from '../validation-codes.js';
import type { ValidationRule } from '../validation-rule.js';

/** An AND-join waits for every incoming branch; with fewer than two it joins nothing, which is likely a mistake. */
export const andJoinInputsRule: ValidationRule = {
  id: 'and-join-inputs',
  codes: [ValidationCodes.AND_JOIN_SINGLE_INPUT],
  check(ctx) {
    for (const { object, process } of ctx.processes) {
      const incoming = new Map<string, number>();
      for (const a of process.activities) for (const t of a.transitions) incoming.set(t.to, (incoming.get(t.to) ?? 0) + 1);
      for (const a of process.activities) {
        if (a.join !== 'and') continue;
        const n = incoming.get(a.name) ?? 0;
        if (n >= 2) continue;
        ctx.diags.warning(
          ValidationCodes.AND_JOIN_SINGLE_INPUT,
          `activity '${a.name}' of ${describeObject(object)} is an AND-join with ${n} incoming transition${n === 1 ? '' : 's'}; it only makes sense where two or more branches meet`,
          a.location,
        );
      }
    }
  },
};
