import { accessSync, constants, statSync } from 'node:fs';
import Database from 'better-sqlite3';

/** The better-sqlite3 connection type, re-exported so other files need not import the driver. */
export type SqliteDatabase = Database.Database;
export type SqliteStatement = Database.Statement;

/**
 * Bytes per database page. Every B-tree a commit touches adds one page to the WAL (and later to the checkpoint);
 * the runtime rows are under 1 KB once ended, so 2 KB pages write half the bytes of the 4 KB default per touched
 * page without sending rows to overflow pages (docs/benchmarks.md, "Schema").
 */
export const PAGE_SIZE = 2048;

/** How long a connection waits for another's write lock before failing with SQLITE_BUSY (`REPO_BUSY`). */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export interface SqliteOpenOptions {
  /** Open with SQLite's read-only flag: reads work, every write fails with SQLITE_READONLY. */
  readonly readOnly?: boolean;
  /** @default {@link DEFAULT_BUSY_TIMEOUT_MS} */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens (creating when missing) an SQLite database file with the settings idflow relies on: 2 KB pages in a new
 * file ({@link PAGE_SIZE}); WAL so readers never block the writer; `synchronous=NORMAL`, which in WAL mode loses
 * at most the last commits on power loss but never corrupts (a process crash loses nothing); foreign keys
 * enforced; and a busy timeout (5 s by default) so a CLI command and a worker sharing the file wait for each other
 * instead of failing.
 * `:memory:` gives a private in-memory database (tests). With `readOnly` the file must exist and the settings that
 * write (page size, WAL) are left as the file has them.
 */
export function openSqliteDatabase(path: string, options: SqliteOpenOptions = {}): SqliteDatabase {
  const db = options.readOnly ? new Database(path, { readonly: true, fileMustExist: true }) : new Database(path);
  try {
    if (!options.readOnly) {
      // Only a new, empty file takes it (before WAL mode writes the header); an existing file keeps its page size.
      db.pragma(`page_size = ${PAGE_SIZE}`);
      db.pragma('journal_mode = WAL');
    }
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Statement journals and savepoints (one per instance in a batch commit) in memory, not in a temp file each:
    // on a file they cost a file created, written page by page and deleted, dozens of system calls per instance.
    db.pragma('temp_store = MEMORY');
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/**
 * False when an existing database file is to be opened read-only: this process may not write it (no permission,
 * read-only file system), or its permission bits grant nobody write access (`chmod a-w`). The second rule is for
 * root, whom permissions never stop: a file marked read-only by its owner is not written even then
 * (docs/decisions/read-only-repository.md).
 */
export function isWritableFile(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
  } catch {
    return false;
  }
  return (statSync(path).mode & 0o222) !== 0;
}
