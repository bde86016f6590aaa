import { IdflowError } from '../errors.js';
import type { Migration } from './migration.js';

/** A migration the database already had (as recorded in `schema_migrations`). */
export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
}

/**
 * What the migrator needs from a database. Each database implements it (SQLite now, PostgreSQL later) so that
 * both follow the same rules.
 */
export interface MigrationDriver {
  /** Migrations recorded in the database, any order; empty for a new database. */
  applied(): Promise<readonly AppliedMigration[]>;
  /**
   * Runs the migration's SQL and records it in `schema_migrations`, all in one transaction. Returns false when
   * another process recorded it first (its ledger row was there): that is success, nothing to do.
   */
  apply(migration: Migration, appliedAt: string): Promise<boolean>;
  /**
   * Runs `fn` while holding the database's migration lock, so that processes starting at once migrate one after
   * the other (PostgreSQL: an advisory lock). Absent where a single writer already serialises them (SQLite).
   */
  withLock?<T>(fn: () => Promise<T>): Promise<T>;
}

export interface MigrationResult {
  readonly version: number;
  readonly name: string;
  readonly status: 'applied' | 'skipped';
}

export interface MigrationReport {
  /** One entry per migration looked at, in order; stops at the first failure. */
  readonly results: readonly MigrationResult[];
  /** Set when the migrations could not all be applied; the database keeps the ones reported as applied. */
  readonly error?: IdflowError;
}

/**
 * Brings a database up to the code's schema: applies every migration it does not have yet, in version order,
 * each in its own transaction. Refuses (`REPO_SCHEMA_TOO_NEW`) a database written by a newer idflow, because
 * older code could corrupt tables it does not know; and refuses (`REPO_MIGRATION_MISMATCH`) one whose recorded
 * migration has another name than the code's migration of that number.
 */
export async function runMigrations(driver: MigrationDriver, migrations: readonly Migration[]): Promise<MigrationReport> {
  checkOrder(migrations);
  return driver.withLock ? driver.withLock(() => migrate(driver, migrations)) : migrate(driver, migrations);
}

async function migrate(driver: MigrationDriver, migrations: readonly Migration[]): Promise<MigrationReport> {
  const applied = new Map((await driver.applied()).map((m) => [m.version, m]));
  const known = migrations.at(-1)?.version ?? 0;
  const newest = Math.max(0, ...applied.keys());
  if (newest > known) {
    return {
      results: [],
      error: new IdflowError(
        'REPO_SCHEMA_TOO_NEW',
        `the database has schema version ${newest}, but this idflow knows only up to version ${known}: use an idflow that knows schema version ${newest} (upgrade idflow)`,
        { databaseVersion: newest, codeVersion: known },
      ),
    };
  }
  const results: MigrationResult[] = [];
  for (const m of migrations) {
    const recorded = applied.get(m.version);
    if (recorded) {
      if (recorded.name !== m.name) {
        return {
          results,
          error: new IdflowError(
            'REPO_MIGRATION_MISMATCH',
            `the database recorded migration ${m.version} as "${recorded.name}", but this idflow's migration ${m.version} is "${m.name}"`,
            { version: m.version, recorded: recorded.name, expected: m.name },
          ),
        };
      }
      results.push({ version: m.version, name: m.name, status: 'skipped' });
      continue;
    }
    let ran: boolean;
    try {
      ran = await driver.apply(m, new Date().toISOString());
    } catch (e) {
      return {
        results,
        error: new IdflowError(
          'REPO_MIGRATION_FAILED',
          `migration ${m.version} (${m.name}) failed: ${e instanceof Error ? e.message : String(e)}`,
          { version: m.version, name: m.name },
          { cause: e },
        ),
      };
    }
    results.push({ version: m.version, name: m.name, status: ran ? 'applied' : 'skipped' });
  }
  return { results };
}

/** A programming error, not a user's: the migration list must count up without gaps or repeats. */
function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new IdflowError('REPO_MIGRATION_ORDER', `migration list out of order: position ${i + 1} holds version ${m.version} (${m.name})`, {
        position: i + 1,
        version: m.version,
      });
    }
  });
}
