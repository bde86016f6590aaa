import { IdflowError, InvalidInputError, NotFoundError } from '../../errors.js';
import { migrations } from '../migrations/index.js';
import { runMigrations, type MigrationResult } from '../migrator.js';
import { PgDatabase } from './postgres-database.js';
import { PostgresMigrationDriver } from './postgres-migration-driver.js';
import { PostgresRepository } from './postgres-repository.js';
import { redactUrl } from '../redact-url.js';

export interface OpenPostgresOptions {
  /** Fail with `REPO_NOT_FOUND` when the database holds no idflow repository yet, instead of creating one. */
  readonly mustExist?: boolean;
  readonly onMigrated?: (results: readonly MigrationResult[]) => void;
  /** Database time for leases instead of the server's clock (tests). */
  readonly databaseClock?: () => number;
}

/**
 * Connects to the PostgreSQL database the URL names and brings its schema up to date (under the migration lock, so
 * a fleet of processes starting at once is safe). Every failure is a coded error whose message names the server by
 * the URL without its password: `REPO_URL_INVALID` for a URL that cannot be read, `REPO_CONNECTION_FAILED` for a
 * server that cannot be reached or refuses the login or the database.
 */
export async function openPostgresRepository(url: string, options: OpenPostgresOptions = {}): Promise<PostgresRepository> {
  const location = redactUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidInputError('REPO_URL_INVALID', `the database URL ${location} is not a valid URL: write postgres://user:password@host:port/database`, {
      url: location,
    });
  }
  if (parsed.pathname.length <= 1 && !parsed.searchParams.has('dbname')) {
    // libpq would then pick the user name as the database: say so rather than guess.
    throw new InvalidInputError('REPO_URL_INVALID', `the database URL ${location} names no database: write postgres://user:password@host:port/database`, {
      url: location,
    });
  }
  const db = new PgDatabase(url, location);
  try {
    const driver = new PostgresMigrationDriver(db);
    if (options.mustExist && (await driver.applied()).length === 0) {
      throw new NotFoundError('REPO_NOT_FOUND', `no idflow repository in the PostgreSQL database ${location}; create one with \`idflow init\``, { url: location });
    }
    const report = await runMigrations(driver, migrations);
    if (report.error) throw report.error;
    options.onMigrated?.(report.results);
  } catch (e) {
    await db.close().catch(() => undefined);
    throw connectionError(e, location);
  }
  return new PostgresRepository(db, location, options.databaseClock ? { databaseClock: options.databaseClock } : {});
}

/** Failures to reach or log in to the server, as one code with the reason; other errors as they are. */
function connectionError(e: unknown, location: string): unknown {
  if (!(e instanceof IdflowError)) return e;
  const state = typeof e.details['sqlState'] === 'string' ? e.details['sqlState'] : undefined;
  // 28: invalid authorisation (login refused); 3D000: no such database; 3F000: no such schema (search_path).
  const refused = state !== undefined && (state.startsWith('28') || state === '3D000' || state === '3F000');
  if (e.code !== 'REPO_CONNECTION_LOST' && !refused) return e;
  const reason = e.cause instanceof Error ? e.cause.message : e.message;
  return new IdflowError(
    'REPO_CONNECTION_FAILED',
    `cannot connect to the PostgreSQL database ${location}: ${reason}. Check DATABASE_URL (or --db): host, port, user, password and database name`,
    { url: location, ...(state !== undefined && { sqlState: state }) },
    { cause: e },
  );
}

