import { ValidationCodes, describeObject } from '../validation-codes.js';
import type { ValidationRule } from '../validation-rule.js';

/**
 * Every activity can be reached from the start by following transitions (conditions are not evaluated: a
 * transition counts as a path). An unreachable activity is dead configuration, usually a forgotten or
 * misspelled transition, so it is an error.
 *
 * Exempt: Netwrix template states with outcome `purged`, which the Purge operation reaches, not a transition.
 */
export const reachabilityRule: ValidationRule = {
  id: 'reachability',
  codes: [ValidationCodes.UNREACHABLE],
  check(ctx) {
    for (const { object, process } of ctx.processes) {
      const byName = new Map(process.activities.map((a) => [a.name, a] as const));
      const start = byName.get(process.start);
      if (!start) continue; // DEF_NO_START says it already
      const reached = new Set<string>([start.name]);
      const pending = [start];
      while (pending.length > 0) {
        const a = pending.pop()!;
        for (const t of a.transitions) {
          const next = byName.get(t.to);
          if (next && !reached.has(next.name)) {
            reached.add(next.name);
            pending.push(next);
          }
        }
      }
      const reported = new Set<string>();
      for (const a of process.activities) {
        if (reached.has(a.name) || reported.has(a.name) || a.template?.outcome === 'purged') continue;
        reported.add(a.name);
        ctx.diags.error(
          ValidationCodes.UNREACHABLE,
          `activity '${a.name}' of ${describeObject(object)} cannot be reached from the start activity '${start.name}'; add a transition to it or remove it`,
          a.location,
        );
      }
    }
  },
};
