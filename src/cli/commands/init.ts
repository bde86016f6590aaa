import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { MigrationResult } from '../../repository/migrator.js';
import type { DefaultHrSource } from '../../connectors/hr/default-hr-sources.js';
import { action } from '../action.js';
import { dbChoice, loadRepositoryModule, openRequiredCliRepository, removeRepositoryFile } from '../cli-repository.js';
import { ADMIN_PASSWORD_ENV, ensureFirstAdministrator, type FirstAdministrator } from '../../access/first-administrator.js';
import {
  countDiagnostics,
  importResultJson,
  importWithCliRepository,
  loadForRepository,
  printDiagnostics,
  printImportOutcome,
  type CliImport,
} from '../definitions.js';
import { expandFiles } from '../expand-files.js';
import { ExitStatus, printJson, println } from '../output.js';
import { UsageError } from '../usage-error.js';

interface InitOptions {
  readonly force?: boolean;
  readonly defaults?: string;
  readonly json?: boolean;
}

/** The configuration a new repository starts with, shipped with idflow. */
export const DEFAULT_CONFIG_DIR = fileURLToPath(new URL('../../../config/default/', import.meta.url));

export function registerInit(program: Command): void {
  program
    .command('init')
    .summary('create the repository and load the default workflows')
    .description(
      'Creates the repository (an SQLite file: --db, else $IDFLOW_DB, else ./idflow.db), brings its schema up to ' +
        'date and imports the default workflows from config/default/ (and stores its HR source mappings, hr-source*.yaml, that the repository does not have yet). On an existing repository it applies pending ' +
        'schema migrations and imports the defaults again: unchanged objects stay unchanged, changed ones get a new ' +
        'version. Nothing is imported when a default file has an error. A repository without an administrator account ' +
        'gets one: named $IDFLOW_ADMIN (default admin), with the password in $IDFLOW_ADMIN_PASSWORD, or a generated ' +
        'password printed this once.',
    )
    .option('--force', 'delete an existing repository file first and start empty (destroys its data)')
    .option('--defaults <dir>', 'import the .xml files of this directory instead of config/default/')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  idflow init
  idflow init --db /var/lib/idflow/idflow.db
  IDFLOW_DB=test.db idflow init --force`,
    )
    .action(
      action(async (options: InitOptions, command: Command) => {
        // Read the defaults first: a wrong --defaults must not delete (--force) or create a repository.
        const files = (await expandFiles([options.defaults ?? DEFAULT_CONFIG_DIR])).map(displayPath);
        const { repositoryPath } = await loadRepositoryModule();
        const path = repositoryPath(dbChoice(command));
        if (path === undefined && options.force) {
          // A database URL: idflow does not drop a server's database (its owner may keep other things in it).
          throw new UsageError(
            'CLI_NOT_A_REPOSITORY',
            'init --force deletes a repository file, but the repository is a PostgreSQL database; nothing was deleted (to start afresh, drop and create the database)',
          );
        }
        const existed = path !== undefined && path !== ':memory:' && existsSync(path);
        if (existed && options.force) {
          assertRepositoryFile(path);
          // Defaults with errors must not cost the old repository: check them before deleting anything.
          const load = await loadForRepository(files, undefined);
          if (!load.ok) return reportInit(options, { outcome: { load }, created: false }, [], path, files.length);
          removeRepositoryFile(path);
        }
        // The default HR source mappings are checked before anything is written, like the XML defaults.
        const defaultsDir = options.defaults ?? DEFAULT_CONFIG_DIR;
        // Loaded on demand: the YAML reader stays out of the CLI's start-up (docs/decisions/cli-start-up.md).
        const { readDefaultHrSources } = await import('../../connectors/hr/default-hr-sources.js');
        await readDefaultHrSources(defaultsDir);
        let migrations: readonly MigrationResult[] = [];
        const imported = await importWithCliRepository(command, files, (r) => (migrations = r));
        const ready = imported.repository !== undefined && imported.outcome.load.ok;
        const admin = ready ? await firstAdministrator(command) : undefined;
        const hrSources = ready ? await defaultHrSources(command, defaultsDir) : [];
        return reportInit(options, imported, migrations, path, files.length, admin, hrSources);
      }),
    );
}

/** What `init` prints (text or `--json`); returns the exit status. */
function reportInit(
  options: InitOptions,
  imported: CliImport,
  migrations: readonly MigrationResult[],
  path: string | undefined,
  fileCount: number,
  admin?: FirstAdministrator,
  hrSources: readonly DefaultHrSource[] = [],
): number {
  const { outcome, repository } = imported;
  const { load, results } = outcome;
  const applied = migrations.filter((m) => m.status === 'applied');
  // A server database existed before anyway: "created" means idflow's schema was not there yet.
  const created = imported.created || (path === undefined && migrations.some((m) => m.version === 1 && m.status === 'applied'));
  if (options.json) {
    printJson({
      ok: load.ok,
      repository: repository?.location ?? path ?? null,
      created,
      migrations,
      results: (results ?? []).map(importResultJson),
      diagnostics: load.diagnostics,
      ...(admin && { administrator: admin }),
      hrSources,
    });
    return load.ok ? ExitStatus.ok : ExitStatus.failed;
  }
  if (!repository) {
    printDiagnostics(load.diagnostics);
    const where = path !== undefined && existsSync(path) ? `the repository ${path} is left as it was` : `no repository created at ${path ?? '?'}`;
    println(`default configuration not imported, ${where}: ${countDiagnostics(load.diagnostics)}`);
    return ExitStatus.failed;
  }
  println(`${created ? 'created' : 'opened existing'} repository ${repository.location} (${repository.kind})`);
  for (const m of applied) println(`schema: applied migration ${String(m.version).padStart(4, '0')} ${m.name}`);
  if (applied.length === 0) println(`schema: up to date (version ${migrations.at(-1)?.version ?? 0})`);
  const status = printImportOutcome(outcome, fileCount, 'default configuration not imported');
  for (const s of hrSources) println(s.status === 'stored' ? `HR source ${s.name} stored from ${displayPath(s.file)}` : `HR source ${s.name} kept as it was`);
  if (admin?.status === 'created') {
    println(
      admin.password.from === 'environment'
        ? `administrator account ${admin.name} created with the password in $${ADMIN_PASSWORD_ENV}`
        : `administrator account ${admin.name} created; its password, shown this once: ${admin.password.value}`,
    );
    println('start the API with `idflow serve` and sign in as that account (reference: http://127.0.0.1:8080/api/docs)');
  }
  return status;
}

/** Opens the repository init just filled and makes sure it has an administrator account. */
async function firstAdministrator(command: Command): Promise<FirstAdministrator> {
  const repo = await openRequiredCliRepository(command);
  try {
    return await ensureFirstAdministrator(repo, process.env, 'idflow init');
  } finally {
    await repo.close();
  }
}

/** Stores the HR source mappings of the defaults directory that the repository does not have yet. */
async function defaultHrSources(command: Command, dir: string): Promise<DefaultHrSource[]> {
  const { storeDefaultHrSources } = await import('../../connectors/hr/default-hr-sources.js');
  const repo = await openRequiredCliRepository(command);
  try {
    return await storeDefaultHrSources(repo, dir, Date.now());
  } finally {
    await repo.close();
  }
}

/** A path relative to the working directory when it lies inside it, so messages stay short; else absolute. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

const SQLITE_HEADER = 'SQLite format 3\u0000';

/**
 * `--force` deletes the file `--db` names: refuse unless it is an SQLite database (or empty), so a mistyped
 * `--db notes.txt` or a directory is never destroyed.
 */
function assertRepositoryFile(path: string): void {
  const info = statSync(path);
  let header = '';
  if (info.isFile() && info.size > 0) {
    const fd = openSync(path, 'r');
    try {
      const bytes = Buffer.alloc(SQLITE_HEADER.length);
      header = bytes.subarray(0, readSync(fd, bytes, 0, bytes.length, 0)).toString('latin1');
    } finally {
      closeSync(fd);
    }
  }
  if (!info.isFile() || (info.size > 0 && header !== SQLITE_HEADER)) {
    throw new UsageError(
      'CLI_NOT_A_REPOSITORY',
      `init --force deletes the repository file, but ${path} is ${info.isFile() ? 'not an SQLite database' : 'not a file'}; nothing was deleted (check --db and $IDFLOW_DB)`,
      { path },
    );
  }
}
