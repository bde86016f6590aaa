import { existsSync, rmSync } from 'node:fs';
import type { Command } from 'commander';
import type { MigrationResult } from '../repository/migrator.js';
import type { Repository } from '../repository/repository.js';
import { UsageError } from './usage-error.js';

/**
 * The repository module, loaded when a command first needs it: a command that never opens the repository
 * (`--help`, `--version`, `completion`) never pays for the database drivers and the migrations.
 */
export const loadRepositoryModule = () => import('../repository/open-repository.js');

/**
 * The `--db` option, written before the command name (`idflow --db x list`) or after it (`idflow list --db x`);
 * the one nearest the command wins. `--db ""` is refused (`CLI_EMPTY_DB`) rather than read as "the default file":
 * an empty value is a variable that was not set (`--db "$REPO"`), and the default is somebody else's repository.
 */
export function dbOption(command: Command): string | undefined {
  for (let c: Command | null = command; c; c = c.parent) {
    const db = (c.opts() as { db?: string }).db;
    if (db === undefined) continue;
    if (db.trim() === '') {
      throw new UsageError('CLI_EMPTY_DB', '--db needs a file name, not an empty value; leave --db out to use $IDFLOW_DB or ./idflow.db', { db });
    }
    return db;
  }
  return undefined;
}

/** `openRepository` options naming the database the command line chose (none: the environment decides). */
export function dbChoice(command: Command): { db?: string } {
  const db = dbOption(command);
  return db !== undefined ? { db } : {};
}

/** Opens (creating when missing) the repository the command line names. Callers close it. */
export async function openCliRepository(command: Command, onMigrated?: (results: readonly MigrationResult[]) => void): Promise<Repository> {
  const { openRepository } = await loadRepositoryModule();
  return openRepository({ ...dbChoice(command), ...(onMigrated ? { onMigrated } : {}) });
}

/** The repository, which must exist already (`REPO_NOT_FOUND` otherwise): for commands that only read. */
export async function openRequiredCliRepository(command: Command): Promise<Repository> {
  const { openRepository } = await loadRepositoryModule();
  return openRepository({ ...dbChoice(command), mustExist: true });
}

/** The repository when one exists already; undefined rather than creating one (`idflow check`). */
export async function openExistingCliRepository(command: Command): Promise<Repository | undefined> {
  // A database URL names a server: let openRepository decide.
  if ((await newRepositoryPath(command)) !== undefined) return undefined;
  return openRequiredCliRepository(command);
}

/**
 * The SQLite file the command line names when it does not exist yet (so this command would create it); undefined
 * when it exists, or for `:memory:` and database URLs.
 */
export async function newRepositoryPath(command: Command): Promise<string | undefined> {
  const { repositoryPath } = await loadRepositoryModule();
  const path = repositoryPath(dbChoice(command));
  return path !== undefined && path !== ':memory:' && !existsSync(path) ? path : undefined;
}

/** Deletes a repository file this command created (with its -wal and -shm), after the command failed. */
export function removeRepositoryFile(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

/** Runs `fn` with a repository and closes it afterwards, whatever happens. */
export async function withRepository<T>(repo: Repository, fn: (repo: Repository) => Promise<T>): Promise<T> {
  try {
    return await fn(repo);
  } finally {
    await repo.close();
  }
}
