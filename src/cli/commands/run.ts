import type { Command } from 'commander';
import type { XValue } from '../../expression/env.js';
import { action } from '../action.js';
import { printJson } from '../output.js';
import { positiveInteger } from '../option-values.js';
import { UsageError } from '../usage-error.js';
import { readVarsFile } from '../vars-file.js';
import { cliCaller, collectVar, withEngine } from './run-support.js';
import { printOpenWorkItems, printTaskInstance } from './task-output.js';

interface RunOptions {
  readonly var?: Record<string, XValue>;
  readonly varsFile?: string;
  readonly version?: string;
  readonly sync?: boolean;
  readonly async?: boolean;
  readonly subject?: string;
  readonly as?: string;
  readonly name?: string;
  readonly json?: boolean;
  readonly type?: string;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .summary('launch a TaskDefinition or Workflow')
    .description(
      'Launches the latest version of NAME as a new TaskInstance and prints its id and state. The definition\'s ' +
        'execMode decides how it runs unless --sync or --async asks otherwise (refused when the definition sets ' +
        'syncControlAllowed to false). A synchronous run goes on to the first wait or the end before the command ' +
        'returns, and its result and open work items are printed; an asynchronous one is left `ready` for `idflow worker`.',
    )
    .argument('<name>', 'TaskDefinition or Workflow name')
    .option('--var <name=value>', 'an input variable; JSON when it parses as JSON, else a string (repeatable)', collectVar)
    .option('--vars-file <file>', 'input variables from a JSON or YAML file holding one object (--var wins for a name in both)')
    .option('--version <n>', 'launch version N of the definition instead of the latest')
    .option('--sync', 'run in this command, to the first wait or the end')
    .option('--async', 'leave the run to a worker')
    .option('--subject <user>', 'the user the workflow works on (one update workflow per user at a time)')
    .option('--as <user>', 'who launches it (default: $IDFLOW_USER, else the login name)')
    .option('--name <task-name>', 'name of the TaskInstance (resultOption applies when one of that name exists)')
    .option('--type <type>', 'TaskDefinition or Workflow: which to launch when both have NAME')
    .option('--json', 'print the result as JSON')
    // Extra words are checked in the action, which can tell `run Update User` to quote the name.
    .allowExcessArguments(true)
    .addHelpText(
      'after',
      `
Examples:
  idflow run "Update User With Approval" --var accountId=jdoe --var approver=carol --subject jdoe --sync
  idflow run "Update User With Approval" --vars-file change.yaml --version 1 --async --name jdoe-change
  idflow run User_Onboarding --as hana --json       # hana holds HR: the Request permission`,
    )
    .action(
      action(async (name: string, options: RunOptions, command: Command) => {
        const words = command.args;
        if (words.length > 1) {
          const quoted = `"${words.join(' ')}"`;
          throw new UsageError('CLI_UNQUOTED_NAME', `run takes one definition name but got ${words.length} words; for a name with spaces, quote it: idflow run ${quoted}`, {
            words: [...words],
          });
        }
        if (options.sync && options.async) throw new UsageError('CLI_CONFLICTING_OPTIONS', '--sync and --async exclude each other', {});
        const mode = options.sync ? 'sync' : options.async ? 'async' : undefined;
        const type = launchType(options.type);
        const version = options.version === undefined ? undefined : positiveInteger(options.version, '--version', 'CLI_BAD_VERSION');
        const launcher = cliCaller(options.as);
        const fromFile = options.varsFile !== undefined ? await readVarsFile(options.varsFile) : {};
        await withEngine(command, async (engine) => {
          const result = await engine.launch({
            definition: name,
            variables: { ...fromFile, ...(options.var ?? {}) },
            ...(version !== undefined && { version }),
            launcher,
            ...(mode !== undefined && { mode }),
            ...(options.subject !== undefined && { subject: options.subject }),
            ...(options.name !== undefined && { taskName: options.name }),
            ...(type !== undefined && { type }),
          });
          if (options.json) return printJson(result);
          printTaskInstance(result.instance);
          printOpenWorkItems(result.workItems);
        });
      }),
    );
}

/** `--type`, case-insensitive, as the engine's type name. */
function launchType(raw: string | undefined): 'TaskDefinition' | 'Workflow' | undefined {
  if (raw === undefined) return undefined;
  const t = raw.trim().toLowerCase();
  if (t === 'taskdefinition') return 'TaskDefinition';
  if (t === 'workflow') return 'Workflow';
  throw new UsageError('CLI_UNKNOWN_TYPE', `--type must be TaskDefinition or Workflow, not "${raw}"`, { option: '--type', value: raw });
}
