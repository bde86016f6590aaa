/**
 * Where `<Action application=… op=…>` finds its operation. Lookup order: the extra operations given by the
 * engine's options (they may replace a built-in), then the `idflow.netwrix` operations (only for that
 * application), then the Waveset user services ({@link WAVESET_OPERATIONS}), then the lifecycle operations
 * ({@link LIFECYCLE_OPERATIONS}), then the built-ins
 * ({@link BUILTIN_OPERATIONS}), whatever the application/class names (Waveset's session and provision
 * WorkflowServices share one op namespace here).
 */
import type { ServiceOperation } from '../engine/interpreter/interpreter-types.js';
import { BUILTIN_OPERATIONS } from './builtin-operations.js';
import { LIFECYCLE_OPERATIONS } from './lifecycle-operations.js';
import { NETWRIX_APPLICATION, NETWRIX_OPERATIONS } from './netwrix-operations.js';
import { WAVESET_OPERATIONS } from './waveset-operations.js';

export interface OperationRegistry {
  resolveOperation(op: string, application?: string): ServiceOperation | undefined;
  /** Every op name known, for diagnostics. */
  names(): string[];
  /** The op names an action of this application/class resolves (what `resolveOperation` finds), sorted. */
  namesFor(application: string | undefined): string[];
}

export function createOperationRegistry(extra: Readonly<Record<string, ServiceOperation>> = {}): OperationRegistry {
  const own = (m: Readonly<Record<string, ServiceOperation>>, k: string): ServiceOperation | undefined => (Object.hasOwn(m, k) ? m[k] : undefined);
  const shared = [...Object.keys(extra), ...Object.keys(WAVESET_OPERATIONS), ...Object.keys(LIFECYCLE_OPERATIONS), ...Object.keys(BUILTIN_OPERATIONS)];
  const sorted = (names: readonly string[]): string[] => [...new Set(names)].sort();
  return {
    resolveOperation(op, application) {
      return (
        own(extra, op) ??
        (application === NETWRIX_APPLICATION ? own(NETWRIX_OPERATIONS, op) : undefined) ??
        own(WAVESET_OPERATIONS, op) ??
        own(LIFECYCLE_OPERATIONS, op) ??
        own(BUILTIN_OPERATIONS, op)
      );
    },
    names() {
      return sorted([...shared, ...Object.keys(NETWRIX_OPERATIONS)]);
    },
    namesFor(application) {
      return sorted(application === NETWRIX_APPLICATION ? [...shared, ...Object.keys(NETWRIX_OPERATIONS)] : shared);
    },
  };
}
