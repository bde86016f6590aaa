import { StorageError, type StorageErrorKind } from '../storage-error.js';

/**
 * better-sqlite3's result codes (`SqliteError.code`, the extended code such as `SQLITE_BUSY_SNAPSHOT` or
 * `SQLITE_IOERR_SHORT_READ`) that are about the database rather than the data, by prefix; the first match wins, so
 * the specific ones come first. Codes not listed (SQLITE_CONSTRAINT*, SQLITE_TOOBIG, SQLITE_MISMATCH, SQLITE_ERROR,
 * …) refuse the statement's data or are bugs: they stay the driver's error.
 */
const KIND_BY_PREFIX: readonly (readonly [string, StorageErrorKind])[] = [
  // Another connection holds a lock (BUSY: the busy timeout ran out; LOCKED: a conflict within shared cache;
  // PROTOCOL: a WAL lock race that SQLite gave up retrying).
  ['SQLITE_BUSY', 'busy'],
  ['SQLITE_LOCKED', 'busy'],
  ['SQLITE_PROTOCOL', 'busy'],
  ['SQLITE_READONLY', 'read-only'],
  ['SQLITE_PERM', 'read-only'],
  ['SQLITE_FULL', 'disk-full'],
  ['SQLITE_IOERR_CORRUPTFS', 'corrupt'],
  ['SQLITE_CORRUPT', 'corrupt'],
  ['SQLITE_NOTADB', 'corrupt'],
  ['SQLITE_IOERR', 'io'],
  ['SQLITE_CANTOPEN', 'io'],
  ['SQLITE_NOLFS', 'io'],
];

/** The {@link StorageError} a better-sqlite3 error stands for; undefined for errors about the data or the code. */
export function sqliteStorageError(error: unknown, location: string): StorageError | undefined {
  const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  if (typeof code !== 'string') return undefined;
  const kind = KIND_BY_PREFIX.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`))?.[1];
  return kind === undefined ? undefined : new StorageError(kind, location, error);
}
