/**
 * Where `<Action application=… op=…>` finds its operation. Lookup order: the extra operations given by the
 * engine's options (they may replace a built-in), then the `idflow.netwrix` operations (only for that
 * application), then the built-ins ({@link BUILTIN_OPERATIONS}), whatever the application/class names
 * (Waveset's session and provision WorkflowServices share one op namespace here).
 */
import type { ServiceOperation } from '../engine/interpreter/interpreter-types.js';
import { BUILTIN_OPERATIONS } from './builtin-operations.js';
import { NETWRIX_APPLICATION, NETWRIX_OPERATIONS } from './netwrix-operations.js';

export interface OperationRegistry {
  resolveOperation(op: string, application?: string): ServiceOperation | undefined;
  /** Every op name known, for diagnostics. */
  names(): string[];
}

export function createOperationRegistry(extra: Readonly<Record<string, ServiceOperation>> = {}): OperationRegistry {
  const own = (m: Readonly<Record<string, ServiceOperation>>, k: string): ServiceOperation | undefined => (Object.hasOwn(m, k) ? m[k] : undefined);
  return {
    resolveOperation(op, application) {
      return (
        own(extra, op) ??
        (application === NETWRIX_APPLICATION ? own(NETWRIX_OPERATIONS, op) : undefined) ??
        own(BUILTIN_OPERATIONS, op)
      );
    },
    names() {
      return [...new Set([...Object.keys(extra), ...Object.keys(NETWRIX_OPERATIONS), ...Object.keys(BUILTIN_OPERATIONS)])].sort();
    },
  };
}
