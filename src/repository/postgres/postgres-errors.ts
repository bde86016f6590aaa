/**
 * PostgreSQL failures mapped onto idflow's storage errors by SQLSTATE (the server's five-character code), never by
 * message text: messages are translated by the server's locale and change between versions, codes do not.
 *
 * Errors raised before any server answered (connection refused, reset, timed out) carry no SQLSTATE; the driver
 * gives Node's socket code (ECONNREFUSED, …) or, for a connection the server closed, no code at all.
 */
import pg from 'pg';
import { ConflictError, IdflowError } from '../../errors.js';
import { StorageError, storageError, type StorageErrorCode } from '../storage-error.js';

/** SQLSTATEs by meaning (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
export const SqlState = {
  UNIQUE_VIOLATION: '23505',
  SERIALIZATION_FAILURE: '40001',
  DEADLOCK_DETECTED: '40P01',
  LOCK_NOT_AVAILABLE: '55P03',
  QUERY_CANCELED: '57014',
  TOO_MANY_CONNECTIONS: '53300',
  READ_ONLY_TRANSACTION: '25006',
  DISK_FULL: '53100',
  OUT_OF_MEMORY: '53200',
  INVALID_CATALOG_NAME: '3D000',
  INVALID_SCHEMA_NAME: '3F000',
  UNDEFINED_TABLE: '42P01',
  ADMIN_SHUTDOWN: '57P01',
  CRASH_SHUTDOWN: '57P02',
  CANNOT_CONNECT_NOW: '57P03',
  DATA_CORRUPTED: 'XX001',
  INDEX_CORRUPTED: 'XX002',
} as const;

/** The SQLSTATE of a server error, or undefined for anything else. */
export function sqlState(e: unknown): string | undefined {
  return e instanceof pg.DatabaseError && typeof e.code === 'string' ? e.code : undefined;
}

/** A socket-level failure: no server answered, or the connection went away. */
function isConnectionFailure(e: unknown): boolean {
  if (e instanceof pg.DatabaseError) return false;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return /^E[A-Z]+$/.test(code);
  // The driver's own errors for a connection that ended or never came up carry no code: they are Errors raised
  // by pg's Client itself, which is the only thing that can fail here without a code.
  return e instanceof Error && !(e instanceof IdflowError) && !(e instanceof TypeError) && !(e instanceof RangeError);
}

/** The storage-error code of each SQLSTATE that is about the database rather than the statement's data. */
function codeOf(state: string): StorageErrorCode | undefined {
  switch (state) {
    case SqlState.SERIALIZATION_FAILURE:
    case SqlState.DEADLOCK_DETECTED:
    case SqlState.LOCK_NOT_AVAILABLE:
    case SqlState.QUERY_CANCELED:
    case SqlState.TOO_MANY_CONNECTIONS:
    case SqlState.OUT_OF_MEMORY:
      return 'REPO_BUSY';
    case SqlState.READ_ONLY_TRANSACTION:
      return 'REPO_READ_ONLY';
    case SqlState.DISK_FULL:
      return 'REPO_DISK_FULL';
    case SqlState.DATA_CORRUPTED:
    case SqlState.INDEX_CORRUPTED:
      return 'REPO_CORRUPT';
    case SqlState.ADMIN_SHUTDOWN:
    case SqlState.CRASH_SHUTDOWN:
    case SqlState.CANNOT_CONNECT_NOW:
      return 'REPO_CONNECTION_LOST';
  }
  // Class 08: connection exception.
  return state.startsWith('08') ? 'REPO_CONNECTION_LOST' : undefined;
}

/**
 * The {@link StorageError} a pg error stands for (the mapper of src/repository/storage-error.ts), or undefined for
 * an error about the statement or its data.
 */
export function postgresStorageError(error: unknown, location: string): StorageError | undefined {
  if (error instanceof StorageError) return error;
  const state = sqlState(error);
  if (state === undefined) return isConnectionFailure(error) ? storageError('REPO_CONNECTION_LOST', location, error) : undefined;
  const code = codeOf(state);
  return code === undefined ? undefined : storageError(code, location, error);
}

/**
 * What a failed statement means, as an idflow error (never the driver's bare error, whose stack the CLI would
 * print): a {@link StorageError} when the database is at fault, `REPO_CONSTRAINT` for a unique violation (the
 * callers that expect one read what the statement returned instead), a `REPO_QUERY_FAILED` StorageError (not the
 * database's fault) for anything else.
 */
export function classifyPostgresError(e: unknown, location: string): IdflowError {
  if (e instanceof IdflowError) return e;
  const storage = postgresStorageError(e, location);
  if (storage) return storage;
  const state = sqlState(e);
  const reason = e instanceof Error ? e.message : String(e);
  const details = { location, ...(state !== undefined && { sqlState: state }) };
  if (state === SqlState.UNIQUE_VIOLATION) {
    return new ConflictError('REPO_CONSTRAINT', `the database ${location} refused a duplicate key: ${reason}`, { ...details, constraint: (e as pg.DatabaseError).constraint ?? null }, { cause: e });
  }
  // Unclassified: a StorageError that is not the database's fault (StorageError.databaseFault false), which may be
  // about the data written, so a worker ends the instance whose write it refused.
  return new StorageError('REPO_QUERY_FAILED', `the database ${location} refused a statement: ${reason}`, { ...details, ...(state !== undefined && { driverCode: state }) }, { cause: e });
}
