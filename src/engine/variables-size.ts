import type { XValue } from '../expression/env.js';
import { storedSize } from '../expression/value-size.js';
import { StateTooLargeError } from './engine-errors.js';
import type { AdvanceLimits } from './interpreter/work-budget.js';

/**
 * Refuses variables a caller hands in (launch inputs, a decision's edits) when one of them is larger than
 * `maxValueBytes` or all together larger than `maxStateBytes`, measured as stored, before anything is written.
 */
export function checkVariablesSize(what: string, variables: Readonly<Record<string, XValue>>, limits: AdvanceLimits): void {
  const seen = new Map<object, number>();
  let total = 2;
  for (const [name, value] of Object.entries(variables)) {
    const n = storedSize(value, seen);
    if (n > limits.maxValueBytes) throw new StateTooLargeError(`${what}: variable '${name}'`, n, limits.maxValueBytes, 'maxValueBytes');
    total += name.length + 4 + n;
  }
  if (total > limits.maxStateBytes) throw new StateTooLargeError(what, total, limits.maxStateBytes, 'maxStateBytes');
}
