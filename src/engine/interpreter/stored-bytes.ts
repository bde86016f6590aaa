import type { XValue } from '../../expression/env.js';
import { storedSize } from '../../expression/value-size.js';
import type { Run } from './run.js';

/**
 * About how many bytes the commit of this advance stores for the instance: its state (every frame's and token's
 * variables, the records, open waits), the work items it creates (each holds a copy of its exposed variables)
 * and its effects (audit data, launched instances' variables). A value referenced from several places counts at
 * each, as the serialised rows hold it at each.
 */
export function storedBytes(run: Run): number {
  const seen = new Map<object, number>();
  return (
    storedSize(run.state as unknown as XValue, seen) +
    storedSize(run.createWorkItems as unknown as XValue, seen) +
    storedSize(run.effects as unknown as XValue, seen)
  );
}
