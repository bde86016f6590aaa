import type { XValue } from '../expression/env.js';
import { storedSizeUpTo } from '../expression/value-size.js';
import { StateTooLargeError } from './engine-errors.js';
import type { AdvanceLimits } from './interpreter/work-budget.js';

/**
 * Refuses variables a caller hands in (launch inputs, a decision's edits) when one of them is larger than
 * `maxValueBytes` or all together larger than `maxStateBytes`, measured as stored, before anything is written.
 */
export function checkVariablesSize(what: string, variables: Readonly<Record<string, XValue>>, limits: AdvanceLimits): void {
  let total = 2;
  for (const [name, value] of Object.entries(variables)) {
    const n = storedSizeUpTo(value, limits.maxValueBytes);
    if (n > limits.maxValueBytes) throw new StateTooLargeError(`${what}: variable '${name}'`, n, limits.maxValueBytes, 'maxValueBytes');
    total += name.length + 4 + n;
  }
  if (total > limits.maxStateBytes) throw new StateTooLargeError(what, total, limits.maxStateBytes, 'maxStateBytes');
}
