import { closeSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * What a path holds, as far as an SQLite repository is concerned, found without changing it (opening a file
 * read-write and setting WAL mode would turn an empty file into a database):
 * - `missing`: nothing there;
 * - `not-a-file`: a directory, a device, …;
 * - `empty`: a file of 0 bytes (what `touch` leaves, and what SQLite would happily start a database in);
 * - `not-sqlite`: a file that does not start with the SQLite header (notes.txt, a JSON file, a truncated copy);
 * - `foreign`: an SQLite database without idflow's migration ledger (another program's database);
 * - `repository`: an SQLite database with idflow's migration ledger.
 */
export type SqliteFileKind = 'missing' | 'not-a-file' | 'empty' | 'not-sqlite' | 'foreign' | 'repository';

const SQLITE_HEADER = 'SQLite format 3\u0000';

export function inspectSqliteFile(path: string): SqliteFileKind {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 'missing';
  if (!info.isFile()) return 'not-a-file';
  if (info.size === 0) return 'empty';
  if (readHeader(path) !== SQLITE_HEADER) return 'not-sqlite';
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const ledger = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get();
    return ledger ? 'repository' : 'foreign';
  } catch {
    // Locked, unreadable or damaged: let the ordinary open report it with its own cause.
    return 'repository';
  } finally {
    db?.close();
  }
}

function readHeader(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const bytes = Buffer.alloc(SQLITE_HEADER.length);
    return bytes.subarray(0, readSync(fd, bytes, 0, bytes.length, 0)).toString('latin1');
  } finally {
    closeSync(fd);
  }
}
