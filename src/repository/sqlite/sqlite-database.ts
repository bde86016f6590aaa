import Database from 'better-sqlite3';

/** The better-sqlite3 connection type, re-exported so other files need not import the driver. */
export type SqliteDatabase = Database.Database;
export type SqliteStatement = Database.Statement;

/**
 * Opens (creating when missing) an SQLite database file with the settings idflow relies on:
 * WAL so readers never block the writer; `synchronous=NORMAL`, which in WAL mode loses at most the last commits
 * on power loss but never corrupts (a process crash loses nothing); foreign keys enforced; and a 5 s busy
 * timeout so a CLI command and a worker sharing the file wait for each other instead of failing.
 * `:memory:` gives a private in-memory database (tests).
 */
export function openSqliteDatabase(path: string): SqliteDatabase {
  const db = new Database(path);
  try {
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
