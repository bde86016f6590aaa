import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { commands } from './commands/index.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The `idflow` command with every subcommand registered. A new command is a file in commands/ plus a line in commands/index.ts. */
export function createProgram(): Command {
  const program = new Command('idflow')
    .description(
      'idflow: an identity-lifecycle workflow engine. It reads Waveset TaskDefinition/WFProcess XML and Netwrix ' +
        'template workflows unchanged, keeps them versioned in a repository, and runs them durably.',
    )
    .version(packageVersion(), '-V, --version', 'print the idflow version')
    .option(DB_FLAGS, DB_DESCRIPTION)
    // Program options only before the command name, so that a command's own options (show --version N) are
    // never taken for the program's; --db is added to every command below so it works in either place.
    .enablePositionalOptions()
    .helpOption('-h, --help', 'show help for a command')
    .showHelpAfterError(process.argv.includes('--json') ? false : '(run the command with --help for usage)')
    // Commander's own usage errors get the stable code CLI_USAGE like every other idflow error (JSON with --json).
    .configureOutput({ outputError: (text, write) => write(formatUsageError(text, process.argv.includes('--json'))) })
    // Commander must not exit by itself: main() decides the status (2 for usage errors).
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  idflow init                                  create ./idflow.db with the default workflows
  idflow check examples/waveset/               validate every .xml file of a directory
  idflow import examples/waveset/grant-role.xml   store the definitions (new versions when changed)
  idflow list TaskDefinition                   the latest version of every TaskDefinition
  idflow show Workflow User_Onboarding --xml   the stored XML of one object
  idflow run User_Onboarding --as alice        start a workflow; alice gets its Request work item
  idflow workitems --owner bob                 what bob may decide (his items and those offered to his profiles)
  idflow workitem decide ID --decision Approve --as bob
  idflow tasks --state executing               running TaskInstances; idflow task show ID for one
  idflow worker                                run asynchronous instances, timers, sweeps and schedules
  idflow serve --port 8080                     the HTTP API (/api/v1, reference at /api/docs) for accounts

Who is calling: whoever can open the repository can change it anyway, so the CLI acts as a local
administrator (it may see, suspend, resume, terminate and import everything) under the name --as gives
($IDFLOW_USER, else the login name). Deciding and purging still follow that person's rights: the owner or a
holder of the item's permission decides, and a review is never decided by the person who launched the
instance (four-eyes rule).`,
    );
  for (const register of commands) register(program);
  addDbOption(program.commands);
  return program;
}

/** `error: unknown command 'x'` → `idflow: error CLI_USAGE: unknown command 'x'`, or its JSON form. */
export function formatUsageError(text: string, json: boolean): string {
  const message = text.replace(/^error: /, '').trimEnd();
  if (json) return `${JSON.stringify({ error: { code: 'CLI_USAGE', message, details: {} } })}\n`;
  return `idflow: error CLI_USAGE: ${message}\n`;
}

const DB_FLAGS = '--db <path>';
const DB_DESCRIPTION = 'SQLite repository file (default: $IDFLOW_DB, else ./idflow.db)';

/** Gives every command (and nested subcommand) the --db option, unless it declares its own. */
function addDbOption(list: readonly Command[]): void {
  for (const command of list) {
    if (!command.options.some((o) => o.long === '--db')) command.option(DB_FLAGS, DB_DESCRIPTION);
    addDbOption(command.commands);
  }
}
