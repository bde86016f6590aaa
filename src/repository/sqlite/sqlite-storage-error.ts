import { storageError, type StorageError, type StorageErrorCode } from '../storage-error.js';

/**
 * better-sqlite3's result codes (`SqliteError.code`, the extended code such as `SQLITE_BUSY_SNAPSHOT` or
 * `SQLITE_IOERR_SHORT_READ`) that are about the database rather than the data, by prefix; the first match wins, so
 * the specific ones come first. Codes not listed (SQLITE_CONSTRAINT*, SQLITE_TOOBIG, SQLITE_MISMATCH, SQLITE_ERROR,
 * …) refuse the statement's data or are bugs: they stay the driver's error.
 */
const CODE_BY_PREFIX: readonly (readonly [string, StorageErrorCode])[] = [
  // Another connection holds a lock (BUSY: the busy timeout ran out; LOCKED: a conflict within shared cache;
  // PROTOCOL: a WAL lock race that SQLite gave up retrying).
  ['SQLITE_BUSY', 'REPO_BUSY'],
  ['SQLITE_LOCKED', 'REPO_BUSY'],
  ['SQLITE_PROTOCOL', 'REPO_BUSY'],
  ['SQLITE_READONLY', 'REPO_READ_ONLY'],
  ['SQLITE_PERM', 'REPO_READ_ONLY'],
  ['SQLITE_FULL', 'REPO_DISK_FULL'],
  ['SQLITE_IOERR_CORRUPTFS', 'REPO_CORRUPT'],
  ['SQLITE_CORRUPT', 'REPO_CORRUPT'],
  ['SQLITE_NOTADB', 'REPO_CORRUPT'],
  ['SQLITE_IOERR', 'REPO_IO_ERROR'],
  ['SQLITE_CANTOPEN', 'REPO_IO_ERROR'],
  ['SQLITE_NOLFS', 'REPO_IO_ERROR'],
];

/** The {@link StorageError} a better-sqlite3 error stands for; undefined for errors about the data or the code. */
export function sqliteStorageError(error: unknown, location: string): StorageError | undefined {
  const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  if (typeof code !== 'string') return undefined;
  const mapped = CODE_BY_PREFIX.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`))?.[1];
  return mapped === undefined ? undefined : storageError(mapped, location, error);
}
