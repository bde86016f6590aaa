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
import { IdflowError, type ErrorDetails } from '../errors.js';

/** Transient: the same operation can succeed in a moment (lock wait, serialization failure, connection dropped, I/O hiccup). */
export const TRANSIENT_STORAGE_CODES = ['REPO_BUSY', 'REPO_CONNECTION_LOST', 'REPO_IO_ERROR'] as const;
/** Permanent until a person acts (frees disk, makes the database writable, restores it, reads the message). */
export const PERMANENT_STORAGE_CODES = ['REPO_READ_ONLY', 'REPO_DISK_FULL', 'REPO_CORRUPT', 'REPO_QUERY_FAILED'] as const;
/** No retry in this process can succeed: a worker stops with these instead of looping. */
export const FATAL_STORAGE_CODES = ['REPO_READ_ONLY', 'REPO_CORRUPT'] as const;

export type StorageErrorCode = (typeof TRANSIENT_STORAGE_CODES)[number] | (typeof PERMANENT_STORAGE_CODES)[number];

/** What happened and what to do, per code; `{db}` is the database's location. */
const MESSAGES: Readonly<Record<StorageErrorCode, string>> = {
  REPO_BUSY:
    'the database {db} is busy: another connection held its write lock longer than idflow waits; nothing was written. ' +
    'Retry; if it persists, find what keeps the database locked (a long transaction, a backup, an open sqlite3 shell)',
  REPO_CONNECTION_LOST: 'the connection to the database {db} was lost; the transaction was not committed. Retry once the database server is reachable',
  REPO_IO_ERROR:
    'reading or writing the database {db} failed at the operating-system level; nothing was written. Check the disk and the file system, then retry',
  REPO_READ_ONLY:
    'the database {db} is read-only (the file or its file system is not writable, or it was opened read-only): commands that only read work, ' +
    'nothing can be changed. Make it writable (chmod u+w, or remount the file system read-write) to change it',
  REPO_DISK_FULL: 'the disk holding the database {db} is full (or the database reached its size limit); nothing was written. Free space, then retry',
  REPO_CORRUPT:
    'the database {db} is damaged or is not an idflow database. Stop every idflow process using it, keep a copy of the file, ' +
    'and restore the last backup (or recover what is readable with `sqlite3 FILE .recover`)',
  REPO_QUERY_FAILED: 'the database {db} refused a statement for a reason idflow does not classify; nothing was written. Report it with this message',
};

/**
 * The database refused or failed an operation. `cause` holds the driver's error. Build one with the code's
 * standard message through {@link storageError}, or with a message of the dialect's own.
 */
export class StorageError extends IdflowError {
  declare readonly code: StorageErrorCode;
  /** Retrying the same operation in a moment may succeed (busy, connection lost, I/O hiccup). */
  readonly transient: boolean;
  /** No retry in this process can succeed (damaged, read-only): a long-running worker stops with it. */
  readonly fatal: boolean;
  /**
   * The database's own condition, not the statement's data: no instance is to blame, so none is ended for it. False
   * only for `REPO_QUERY_FAILED` (an unclassified refusal, which may well be about the data written).
   */
  readonly databaseFault: boolean;

  constructor(code: StorageErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(code, message, details, options);
    this.transient = (TRANSIENT_STORAGE_CODES as readonly string[]).includes(code);
    this.fatal = (FATAL_STORAGE_CODES as readonly string[]).includes(code);
    this.databaseFault = code !== 'REPO_QUERY_FAILED';
  }
}

/**
 * A {@link StorageError} with idflow's message for `code` (what happened at `location`, what to do), the driver's
 * own message appended so that nothing is lost, and the driver's code in `details.driverCode`.
 */
export function storageError(code: StorageErrorCode, location: string, cause: unknown): StorageError {
  const driver = cause instanceof Error ? cause.message : String(cause);
  const driverCode = cause !== null && typeof cause === 'object' ? (cause as { code?: unknown }).code : undefined;
  return new StorageError(
    code,
    `${MESSAGES[code].replace('{db}', location)} (${driver})`,
    { location, ...(typeof driverCode === 'string' && { driverCode }) },
    { cause },
  );
}

/** True for a {@link StorageError} that a retry may get past. */
export function isTransientStorageError(e: unknown): e is StorageError {
  return e instanceof StorageError && e.transient;
}

/** True for a {@link StorageError} about the database itself (see {@link StorageError.databaseFault}). */
export function isDatabaseFault(e: unknown): e is StorageError {
  return e instanceof StorageError && e.databaseFault;
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
