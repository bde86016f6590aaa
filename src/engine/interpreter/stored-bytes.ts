import type { XValue } from '../../expression/env.js';
import { storedSizeUpTo } from '../../expression/value-size.js';
import type { Run } from './run.js';

/**
 * About how many bytes the commit of this advance stores for the instance: its state (every frame's and token's
 * variables, the records, open waits), the work items it creates (each holds a copy of its exposed variables)
 * and its effects (audit data, launched instances' variables). A value referenced from several places counts at
 * each, as the serialised rows hold it at each. Stops counting once past `max`.
 */
export function storedBytes(run: Run, max: number): number {
  let n = storedSizeUpTo(run.state as unknown as XValue, max);
  if (n <= max && run.createWorkItems.length > 0) n = storedSizeUpTo(run.createWorkItems as unknown as XValue, max, n);
  if (n <= max && run.effects.length > 0) n = storedSizeUpTo(run.effects as unknown as XValue, max, n);
  return n;
}
