import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { IdflowError, InvalidInputError, NotFoundError } from '../errors.js';
import { migrations } from './migrations/index.js';
import { runMigrations, type MigrationResult } from './migrator.js';
import type { Repository } from './repository.js';
import { DEFAULT_BUSY_TIMEOUT_MS, isWritableFile, openSqliteDatabase } from './sqlite/sqlite-database.js';
import { inspectSqliteFile } from './sqlite/sqlite-file.js';
import { SqliteMigrationDriver } from './sqlite/sqlite-migration-driver.js';
import { SqliteRepository } from './sqlite/sqlite-repository.js';
import { redactUrl } from './redact-url.js';
import { sqliteStorageError } from './sqlite/sqlite-storage-error.js';
import { StorageError } from './storage-error.js';

export interface OpenRepositoryOptions {
  /**
   * SQLite file (`:memory:` for a private in-memory database), or a `postgres://` URL (the CLI's `--db` takes
   * either). Wins over the environment.
   */
  readonly db?: string;
  /** Database URL; `postgres://…` selects PostgreSQL. Wins over `db` and the environment. */
  readonly url?: string;
  /** Fail with `REPO_NOT_FOUND` instead of creating a new database file. */
  readonly mustExist?: boolean;
  /** Told which migrations ran (the CLI's `init` prints them). */
  readonly onMigrated?: (results: readonly MigrationResult[]) => void;
  /**
   * How long a write waits for another connection's write lock before failing with `REPO_BUSY` (SQLite's busy
   * timeout), in milliseconds. Wins over `IDFLOW_BUSY_TIMEOUT_MS`. @default 5000
   */
  readonly busyTimeoutMs?: number;
  /** Where `DATABASE_URL`, `IDFLOW_DB` and `IDFLOW_BUSY_TIMEOUT_MS` are read; `process.env` by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * The clock standing in for database time (worker leases). SQLite has no server clock: every process sharing the
   * file must use the same one, the machine's by default. PostgreSQL uses the server's clock unless this is given
   * (tests pass the fake clock they control, so that advancing it expires leases on both databases).
   * @default Date.now (SQLite), the server's clock (PostgreSQL)
   */
  readonly databaseClock?: () => number;
}

/** The default database file, relative to the working directory. */
export const DEFAULT_DATABASE_FILE = 'idflow.db';

/**
 * Opens the repository and brings its schema up to date. Which database: `url` or `db` when given, else
 * `DATABASE_URL`, else `IDFLOW_DB`, else `./idflow.db`. A `postgres://` (or `postgresql://`) URL opens the
 * PostgreSQL repository (docs/postgresql.md); any other URL scheme is refused with `REPO_URL_UNSUPPORTED`.
 *
 * An existing SQLite file that is not writable (see `isWritableFile`) is opened read-only: commands that read
 * work, writes fail with `REPO_READ_ONLY`. A damaged file fails with `REPO_CORRUPT`, a locked one with `REPO_BUSY`.
 */
export async function openRepository(options: OpenRepositoryOptions = {}): Promise<Repository> {
  const chosen = chooseDatabase(options);
  if ('url' in chosen) {
    checkScheme(chosen.url);
    // Loaded only for a database URL: the pg driver costs an SQLite command a tenth of its start-up.
    const { openPostgresRepository } = await import('./postgres/open-postgres-repository.js');
    return openPostgresRepository(chosen.url, {
      ...(options.mustExist !== undefined && { mustExist: options.mustExist }),
      ...(options.onMigrated && { onMigrated: options.onMigrated }),
      ...(options.databaseClock && { databaseClock: options.databaseClock }),
    });
  }
  return openSqliteRepository(chosen.path, options);
}

/** Returns the SQLite file `openRepository` would use, without opening it (undefined for a database URL). */
export function repositoryPath(options: Pick<OpenRepositoryOptions, 'db' | 'url' | 'env'> = {}): string | undefined {
  const chosen = chooseDatabase(options);
  if ('url' in chosen) return undefined;
  return chosen.path === ':memory:' ? chosen.path : resolve(chosen.path);
}

/** `url` or `db` when given, else `DATABASE_URL`, else `IDFLOW_DB`, else ./idflow.db. */
function chooseDatabase(options: Pick<OpenRepositoryOptions, 'db' | 'url' | 'env'>): { url: string } | { path: string } {
  const env = options.env ?? process.env;
  const url = options.url ?? (options.db !== undefined ? (isUrl(options.db) ? options.db : undefined) : nonEmpty(env['DATABASE_URL']));
  if (url !== undefined) return { url };
  return { path: options.db ?? nonEmpty(env['IDFLOW_DB']) ?? DEFAULT_DATABASE_FILE };
}

async function openSqliteRepository(path: string, options: OpenRepositoryOptions): Promise<SqliteRepository> {
  const inMemory = path === ':memory:';
  const location = inMemory ? path : resolve(path);
  const busyTimeoutMs = busyTimeout(options);
  if (!inMemory && options.mustExist) refuseNonRepository(location);
  const readOnly = !inMemory && existsSync(location) && !isWritableFile(location);
  let db;
  try {
    db = openSqliteDatabase(location, { readOnly, busyTimeoutMs });
  } catch (e) {
    throw openFailure(e, location) ??
      new IdflowError('REPO_OPEN_FAILED', `cannot open the database ${location}: ${e instanceof Error ? e.message : String(e)}`, { path: location }, { cause: e });
  }
  const report = await runMigrations(new SqliteMigrationDriver(db), migrations).catch((e: unknown) => {
    db.close();
    throw openFailure(e, location) ??
      new IdflowError('REPO_OPEN_FAILED', `cannot read the database ${location}: ${e instanceof Error ? e.message : String(e)}`, { path: location }, { cause: e });
  });
  if (report.error) {
    db.close();
    // A migration that failed because the database is read-only, locked or damaged says so, with its code.
    throw openFailure(report.error.cause, location) ?? report.error;
  }
  options.onMigrated?.(report.results);
  return new SqliteRepository(db, location, { readOnly, ...(options.databaseClock && { databaseClock: options.databaseClock }) });
}

/**
 * The storage error an open or a migration met, when it says more than REPO_OPEN_FAILED would: busy, read-only,
 * full, damaged. A file that cannot be opened at all (missing directory, a directory) or that is no database at all
 * (a wrong `--db`, most likely) stays REPO_OPEN_FAILED.
 */
function openFailure(e: unknown, location: string): StorageError | undefined {
  const storage = sqliteStorageError(e, location);
  if (!storage || storage.code === 'REPO_IO_ERROR' || storage.details['driverCode'] === 'SQLITE_NOTADB') return undefined;
  return storage;
}

/** `busyTimeoutMs`, else `IDFLOW_BUSY_TIMEOUT_MS`, else 5 s; refused unless a whole number of milliseconds ≥ 0. */
function busyTimeout(options: OpenRepositoryOptions): number {
  const env = nonEmpty((options.env ?? process.env)['IDFLOW_BUSY_TIMEOUT_MS']);
  const value = options.busyTimeoutMs ?? (env === undefined ? DEFAULT_BUSY_TIMEOUT_MS : /^\d{1,9}$/.test(env) ? Number(env) : Number.NaN);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidInputError(
      'REPO_BUSY_TIMEOUT_INVALID',
      `the busy timeout must be a whole number of milliseconds, 0 or more, not ${String(options.busyTimeoutMs ?? env)} (busyTimeoutMs or IDFLOW_BUSY_TIMEOUT_MS)`,
      { value: String(options.busyTimeoutMs ?? env) },
    );
  }
  return value;
}

/**
 * `mustExist`: the path must hold an idflow repository already. Opening anything else would make it one (SQLite
 * starts a database in an empty file, and migrations fill any database), which a command that only reads must
 * never do.
 */
function refuseNonRepository(location: string): void {
  const kind = inspectSqliteFile(location);
  if (kind === 'repository') return;
  if (kind === 'missing') {
    throw new NotFoundError('REPO_NOT_FOUND', `no idflow repository at ${location}; create one with \`idflow init\``, { path: location });
  }
  const what = {
    'not-a-file': 'is not a file',
    empty: 'is an empty file',
    'not-sqlite': 'is not an SQLite database',
    foreign: 'is an SQLite database without idflow tables',
  }[kind];
  throw new NotFoundError(
    'REPO_NOT_A_REPOSITORY',
    `${location} ${what}, not an idflow repository; nothing was changed (check --db and $IDFLOW_DB, or create a repository there with \`idflow init\`)`,
    { path: location, found: kind },
  );
}

/** `scheme://…`: a database URL rather than a file path (a Windows drive letter has no `//`). */
function isUrl(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(s);
}

function checkScheme(url: string): void {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return;
  const redacted = redactUrl(url);
  throw new InvalidInputError('REPO_URL_UNSUPPORTED', `unsupported database URL ${redacted}: only postgres:// URLs are recognised`, {
    url: redacted,
  });
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}
