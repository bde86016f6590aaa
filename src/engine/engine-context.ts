import type { OperationRegistry } from '../services/operation-registry.js';
import type { Repository } from '../repository/repository.js';
import type { RetryPolicy } from '../repository/retry-transient.js';
import type { RuntimeStore } from '../repository/runtime-store.js';
import type { DefinitionCache } from './definition-cache.js';
import type { AccessPolicy } from '../access/authorize.js';
import type { PermissionResolver } from './engine-api.js';
import type { InterpreterPort } from './interpreter-port.js';
import type { AdvanceLimits } from './interpreter/work-budget.js';

/** What every engine module shares: resolved options and the stores. Internal to src/engine/. */
export interface EngineContext {
  readonly repository: Repository;
  readonly store: RuntimeStore;
  readonly clock: () => number;
  readonly workerId: string;
  readonly batchSize: number;
  /** How long a claim holds an instance; a killed worker's instances come back after it. */
  readonly leaseMs: number;
  /** Claims of one instance without a commit (workers that died running it) after which it ends as failed. */
  readonly maxAttempts: number;
  /** Pause between idle worker rounds. */
  readonly idleMs: number;
  readonly definitions: DefinitionCache;
  readonly interpreter: InterpreterPort;
  readonly operations: OperationRegistry;
  readonly permissions: PermissionResolver | undefined;
  /** The one authorisation module (src/access/authorize.ts), over `permissions`. */
  readonly access: AccessPolicy;
  /** asyncImmediate advances started by launch and not finished yet; `close()` waits for them. */
  readonly background: Set<Promise<unknown>>;
  /** Advances these instances now, in the background of this process (asyncImmediate). */
  readonly kick: (ids: readonly string[]) => void;
  /** How commits on the worker's path retry a busy or briefly unreachable database. */
  readonly storageRetry: RetryPolicy;
  /** Told when a worker round fails; the loop goes on. */
  readonly onRoundError: (error: unknown) => void;
  /** Monotonic milliseconds: how long a run of automatic steps has lasted (progressInterval checkpoints, `limits.advanceMs`). */
  readonly wallClock: () => number;
  /** The work budget of every advance and the size limits (engine option `limits`, resolved). */
  readonly limits: AdvanceLimits;
  /** Where an instance's XPRESS `<print>` and `<trace>` lines go. */
  readonly onPrint: (instanceId: string, line: string) => void;
}
