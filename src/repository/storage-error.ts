/**
 * Storage errors: the database itself refused or failed an operation (busy, read-only, full, damaged, gone), as
 * opposed to a refusal of the data written (a constraint, a value too big), which stays the driver's own error.
 *
 * This module is dialect-free. Each store maps its driver's errors into these classes at its boundary, in a
 * mapper beside the store (`src/repository/sqlite/sqlite-storage-error.ts` maps better-sqlite3's result codes;
 * a PostgreSQL mapper maps SQLSTATEs the same way, e.g. 40001/40P01/55P03/53300 → busy, 57P01/08xxx →
 * connection-lost, 25006 → read-only, 53100 → disk-full, XX001/XX002 → corrupt). Nothing above
 * src/repository/ looks at driver codes: it looks at {@link StorageError.transient} and {@link StorageError.fatal}.
 *
 * How the engine treats them (docs/engine.md, "Storage errors"):
 * - transient: retried with backoff ({@link retryTransient} in retry-transient.ts); never ends an instance;
 * - fatal: no retry in this process can succeed; a worker stops with it;
 * - neither (disk full): the operation fails, nothing is written; a worker reports it and tries again later.
 */
import { IdflowError } from '../errors.js';

/** What went wrong with the database, whatever its dialect. */
export type StorageErrorKind = 'busy' | 'connection-lost' | 'io' | 'read-only' | 'disk-full' | 'corrupt';

interface KindFacts {
  readonly code: string;
  readonly transient: boolean;
  readonly fatal: boolean;
  /** What happened and what to do; `{db}` is the database's location. */
  readonly message: string;
}

/** One entry per kind: its stable code, how callers treat it, and the message that says what to do. */
const KINDS: Readonly<Record<StorageErrorKind, KindFacts>> = {
  busy: {
    code: 'REPO_BUSY',
    transient: true,
    fatal: false,
    message:
      'the database {db} is busy: another connection held its write lock longer than idflow waits; nothing was written. ' +
      'Retry; if it persists, find what keeps the database locked (a long transaction, a backup, an open sqlite3 shell)',
  },
  'connection-lost': {
    code: 'REPO_CONNECTION_LOST',
    transient: true,
    fatal: false,
    message: 'the connection to the database {db} was lost; the transaction was not committed. Retry once the database server is reachable',
  },
  io: {
    code: 'REPO_IO_ERROR',
    transient: true,
    fatal: false,
    message: 'reading or writing the database {db} failed at the operating-system level; nothing was written. Check the disk and the file system, then retry',
  },
  'read-only': {
    code: 'REPO_READ_ONLY',
    transient: false,
    fatal: true,
    message:
      'the database {db} is read-only (the file or its file system is not writable, or it was opened read-only): commands that only read work, ' +
      'nothing can be changed. Make it writable (chmod u+w, or remount the file system read-write) to change it',
  },
  'disk-full': {
    code: 'REPO_DISK_FULL',
    transient: false,
    fatal: false,
    message: 'the disk holding the database {db} is full (or the database reached its size limit); nothing was written. Free space, then retry',
  },
  corrupt: {
    code: 'REPO_CORRUPT',
    transient: false,
    fatal: true,
    message:
      'the database {db} is damaged or is not an idflow database. Stop every idflow process using it, keep a copy of the file, ' +
      'and restore the last backup (or recover what is readable with `sqlite3 FILE .recover`)',
  },
};

/**
 * The database refused or failed an operation for a reason of its own. `cause` holds the driver's error; its
 * message is appended to ours so that nothing is lost.
 */
export class StorageError extends IdflowError {
  readonly kind: StorageErrorKind;
  /** Retrying the same operation in a moment may succeed (busy, connection lost, I/O hiccup). */
  readonly transient: boolean;
  /** No retry in this process can succeed (damaged, read-only): a long-running worker stops with it. */
  readonly fatal: boolean;

  constructor(kind: StorageErrorKind, location: string, cause: unknown) {
    const facts = KINDS[kind];
    const driver = cause instanceof Error ? cause.message : String(cause);
    const driverCode = cause !== null && typeof cause === 'object' ? (cause as { code?: unknown }).code : undefined;
    super(facts.code, `${facts.message.replace('{db}', location)} (${driver})`, {
      location,
      ...(typeof driverCode === 'string' && { driverCode }),
    }, { cause });
    this.kind = kind;
    this.transient = facts.transient;
    this.fatal = facts.fatal;
  }
}

/** The stable code of each kind (docs/errors.md, "Repository"). */
export function storageErrorCode(kind: StorageErrorKind): string {
  return KINDS[kind].code;
}

/** True for a {@link StorageError} that a retry may get past. */
export function isTransientStorageError(e: unknown): e is StorageError {
  return e instanceof StorageError && e.transient;
}

/**
 * A dialect's mapper: the {@link StorageError} a driver error stands for, or undefined when the error is not about
 * the database (a refused value or constraint, a programming error), which then goes on unchanged.
 */
export type StorageErrorMapper = (error: unknown, location: string) => StorageError | undefined;

/**
 * Wraps every method of a store so that a driver error leaves it as a {@link StorageError} (when `map` knows it):
 * the store boundary. Methods are called on the store itself (its `#private` fields work); other properties read
 * through. Synchronous methods stay synchronous.
 */
export function mapStorageErrors<T extends object>(store: T, location: string, map: StorageErrorMapper): T {
  const translate = (e: unknown): unknown => (e instanceof StorageError ? e : (map(e, location) ?? e));
  // Keyed by the method itself, not its name: a method replaced on the store (a test's hook) is wrapped afresh.
  const wrapped = new WeakMap<object, unknown>();
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || property === 'constructor') return value;
      let fn = wrapped.get(value);
      if (!fn) {
        const method = value as (...args: unknown[]) => unknown;
        fn = (...args: unknown[]): unknown => {
          let result: unknown;
          try {
            result = method.apply(target, args);
          } catch (e) {
            throw translate(e);
          }
          return result instanceof Promise ? result.catch((e: unknown) => Promise.reject(translate(e))) : result;
        };
        wrapped.set(value, fn);
      }
      return fn;
    },
  });
}
