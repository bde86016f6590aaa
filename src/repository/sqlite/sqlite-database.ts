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

/**
 * Opens (creating when missing) an SQLite database file with the settings idflow relies on: 2 KB pages in a new
 * file ({@link PAGE_SIZE}); WAL so readers never block the writer; `synchronous=NORMAL`, which in WAL mode loses
 * at most the last commits on power loss but never corrupts (a process crash loses nothing); foreign keys
 * enforced; and a 5 s busy timeout so a CLI command and a worker sharing the file wait for each other instead of
 * failing.
 * `:memory:` gives a private in-memory database (tests).
 */
export function openSqliteDatabase(path: string): SqliteDatabase {
  const db = new Database(path);
  try {
    // Only a new, empty file takes it (before WAL mode writes the header); an existing file keeps its page size.
    db.pragma(`page_size = ${PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}
