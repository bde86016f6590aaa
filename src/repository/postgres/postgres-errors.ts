/**
 * PostgreSQL failures mapped onto idflow's storage errors by SQLSTATE (the server's five-character code), never by
 * message text: messages are translated by the server's locale and change between versions, codes do not.
 *
 * Errors raised before any server answered (connection refused, reset, timed out) carry no SQLSTATE; the driver
 * gives Node's socket code (ECONNREFUSED, …) or, for a connection the server closed, no code at all.
 */
import pg from 'pg';
import { ConflictError, IdflowError } from '../../errors.js';
import { StorageError, type StorageErrorCode } from '../storage-error.js';

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

/** What a failed statement means for the caller; `unique` violations are left to the caller, which knows why. */
export function classifyPostgresError(e: unknown, what: string): IdflowError {
  if (e instanceof IdflowError) return e;
  const state = sqlState(e);
  const reason = e instanceof Error ? e.message : String(e);
  const make = (code: StorageErrorCode, message: string): StorageError =>
    new StorageError(code, `${what}: ${message}`, state !== undefined ? { sqlState: state } : {}, { cause: e });
  if (state === undefined) {
    if (isConnectionFailure(e)) return make('REPO_CONNECTION_LOST', `the connection to PostgreSQL failed (${reason}); try again when the server is back`);
    return make('REPO_QUERY_FAILED', reason);
  }
  switch (state) {
    case SqlState.SERIALIZATION_FAILURE:
    case SqlState.DEADLOCK_DETECTED:
    case SqlState.LOCK_NOT_AVAILABLE:
    case SqlState.QUERY_CANCELED:
    case SqlState.TOO_MANY_CONNECTIONS:
    case SqlState.OUT_OF_MEMORY:
      return make('REPO_BUSY', `PostgreSQL is busy (${reason}); try again`);
    case SqlState.READ_ONLY_TRANSACTION:
      return make('REPO_READ_ONLY', `the PostgreSQL database is read-only (${reason}): connect to the primary server`);
    case SqlState.DISK_FULL:
      return make('REPO_DISK_FULL', `the PostgreSQL server's disk is full (${reason})`);
    case SqlState.DATA_CORRUPTED:
    case SqlState.INDEX_CORRUPTED:
      return make('REPO_CORRUPT', `the PostgreSQL database is damaged (${reason}); restore it from a backup`);
    case SqlState.UNIQUE_VIOLATION:
      return new ConflictError('REPO_CONSTRAINT', `${what}: ${reason}`, { sqlState: state, constraint: (e as pg.DatabaseError).constraint ?? null }, { cause: e });
  }
  // Class 08 (connection exception) and the shutdown codes of class 57.
  if (state.startsWith('08') || state === SqlState.ADMIN_SHUTDOWN || state === SqlState.CRASH_SHUTDOWN || state === SqlState.CANNOT_CONNECT_NOW) {
    return make('REPO_CONNECTION_LOST', `the connection to PostgreSQL failed (${reason}); try again when the server is back`);
  }
  return make('REPO_QUERY_FAILED', reason);
}
