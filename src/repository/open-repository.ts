import { resolve } from 'node:path';
import { IdflowError, InvalidInputError, NotFoundError, UnsupportedError } from '../errors.js';
import { migrations } from './migrations/index.js';
import { runMigrations, type MigrationResult } from './migrator.js';
import type { Repository } from './repository.js';
import { openSqliteDatabase } from './sqlite/sqlite-database.js';
import { inspectSqliteFile } from './sqlite/sqlite-file.js';
import { SqliteMigrationDriver } from './sqlite/sqlite-migration-driver.js';
import { SqliteRepository } from './sqlite/sqlite-repository.js';

export interface OpenRepositoryOptions {
  /** SQLite file (`:memory:` for a private in-memory database). Wins over the environment. */
  readonly db?: string;
  /** Database URL; `postgres://…` selects PostgreSQL (not available yet). Wins over `db` and the environment. */
  readonly url?: string;
  /** Fail with `REPO_NOT_FOUND` instead of creating a new database file. */
  readonly mustExist?: boolean;
  /** Told which migrations ran (the CLI's `init` prints them). */
  readonly onMigrated?: (results: readonly MigrationResult[]) => void;
  /** Where `DATABASE_URL` and `IDFLOW_DB` are read; `process.env` by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The default database file, relative to the working directory. */
export const DEFAULT_DATABASE_FILE = 'idflow.db';

/**
 * Opens the repository and brings its schema up to date. Which database: `url` or `db` when given, else
 * `DATABASE_URL`, else `IDFLOW_DB`, else `./idflow.db`. PostgreSQL URLs fail with `REPO_POSTGRES_NOT_YET`
 * until the PostgreSQL repository lands (roadmap milestone 3).
 */
export async function openRepository(options: OpenRepositoryOptions = {}): Promise<Repository> {
  const chosen = chooseDatabase(options);
  if ('url' in chosen) refuseUrl(chosen.url);
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
  const url = options.url ?? (options.db === undefined ? nonEmpty(env['DATABASE_URL']) : undefined);
  if (url !== undefined) return { url };
  return { path: options.db ?? nonEmpty(env['IDFLOW_DB']) ?? DEFAULT_DATABASE_FILE };
}

async function openSqliteRepository(path: string, options: OpenRepositoryOptions): Promise<SqliteRepository> {
  const inMemory = path === ':memory:';
  const location = inMemory ? path : resolve(path);
  if (!inMemory && options.mustExist) refuseNonRepository(location);
  let db;
  try {
    db = openSqliteDatabase(location);
  } catch (e) {
    throw new IdflowError('REPO_OPEN_FAILED', `cannot open the database ${location}: ${e instanceof Error ? e.message : String(e)}`, { path: location }, { cause: e });
  }
  const report = await runMigrations(new SqliteMigrationDriver(db), migrations).catch((e: unknown) => {
    db.close();
    throw new IdflowError('REPO_OPEN_FAILED', `cannot read the database ${location}: ${e instanceof Error ? e.message : String(e)}`, { path: location }, { cause: e });
  });
  if (report.error) {
    db.close();
    throw report.error;
  }
  options.onMigrated?.(report.results);
  return new SqliteRepository(db, location);
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

function refuseUrl(url: string): never {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') {
    throw new UnsupportedError(
      'REPO_POSTGRES_NOT_YET',
      'PostgreSQL is not supported yet (roadmap milestone 3); unset DATABASE_URL to use the embedded SQLite file',
      { url: redactPassword(url) },
    );
  }
  throw new InvalidInputError('REPO_URL_UNSUPPORTED', `unsupported database URL ${redactPassword(url)}: only postgres:// URLs are recognised`, {
    url: redactPassword(url),
  });
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`, for messages. */
export function redactPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}
