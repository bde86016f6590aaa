import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { TaskFilter, TaskState } from '../../engine/engine-api.js';
import { action } from '../action.js';
import { printJson, println, printTable } from '../output.js';
import { UsageError } from '../usage-error.js';
import { actingUser, shortTime, withEngine } from './run-support.js';
import { stateText } from './task-output.js';

interface TasksOptions {
  readonly state?: string;
  readonly definition?: string;
  readonly subject?: string;
  readonly limit?: string;
  readonly json?: boolean;
}

interface TerminateOptions extends TasksOptions {
  readonly yes?: boolean;
  readonly as?: string;
}

const STATES: readonly TaskState[] = ['ready', 'executing', 'suspended', 'finished', 'terminated'];

function filterOf(options: TasksOptions): TaskFilter {
  if (options.state !== undefined && !(STATES as readonly string[]).includes(options.state)) {
    throw new UsageError('CLI_BAD_STATE', `--state must be one of ${STATES.join(', ')}, not "${options.state}"`, { state: options.state });
  }
  const limit = options.limit === undefined ? undefined : Number(options.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new UsageError('CLI_BAD_LIMIT', `--limit must be a positive integer, not "${options.limit}"`, { limit: options.limit });
  }
  return {
    ...(options.state !== undefined && { state: options.state as TaskState }),
    ...(options.definition !== undefined && { definition: options.definition }),
    ...(options.subject !== undefined && { subject: options.subject }),
    ...(limit !== undefined && { limit }),
  };
}

export function registerTasks(program: Command): void {
  const tasks = program
    .command('tasks')
    .summary('list TaskInstances, or terminate many')
    .description('Lists TaskInstances, oldest first, filtered by state, definition and subject.')
    .option('--state <state>', STATES.join(', '))
    .option('--definition <name>', 'definition name')
    .option('--subject <user>', 'the user the workflows work on')
    .option('--limit <n>', 'at most this many')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  idflow tasks --state executing
  idflow tasks --definition "Update User" --subject jdoe --json
  idflow tasks terminate --definition "Nightly Report" --state suspended --yes`,
    )
    .action(
      action(async (options: TasksOptions, command: Command) => {
        const filter = filterOf(options);
        await withEngine(command, async (engine) => {
          const list = await engine.listTasks(filter);
          if (options.json) return printJson(list);
          if (list.length === 0) return println('no task instances');
          printTable(list, [
            { header: 'id', value: (t) => t.id },
            { header: 'name', value: (t) => t.name },
            { header: 'definition', value: (t) => `${t.definition.name} v${t.definition.version}` },
            { header: 'state', value: (t) => stateText(t) },
            { header: 'subject', value: (t) => t.subject },
            { header: 'position', value: (t) => t.position.join(', ') },
            { header: 'steps', value: (t) => t.steps, right: true },
            { header: 'updated', value: (t) => shortTime(t.updatedAt) },
          ]);
        });
      }),
    );

  tasks
    .command('terminate')
    .summary('terminate every unfinished TaskInstance that matches')
    .description(
      'Terminates every unfinished TaskInstance matching the filters (at least one filter is required). Prints how ' +
        'many match and asks for confirmation; --yes skips the question. Without a terminal to ask on, --yes is required.',
    )
    .option('--state <state>', 'ready, executing or suspended')
    .option('--definition <name>', 'definition name')
    .option('--subject <user>', 'the user the workflows work on')
    .option('--yes', 'do not ask for confirmation')
    .option('--as <user>', 'who terminates them (kept in the audit)')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (options: TerminateOptions, command: Command) => {
        const filter = filterOf(options);
        if (filter.state === undefined && filter.definition === undefined && filter.subject === undefined) {
          throw new UsageError('CLI_FILTER_REQUIRED', 'tasks terminate needs --state, --definition or --subject; it does not terminate everything', {});
        }
        return withEngine(command, async (engine) => {
          const matching = (await engine.listTasks(filter)).filter((t) => t.state !== 'finished' && t.state !== 'terminated');
          if (!options.yes) {
            if (!process.stdin.isTTY) {
              throw new UsageError(
                'CLI_CONFIRMATION_REQUIRED',
                `${matching.length} task instance(s) match; add --yes to terminate them (there is no terminal to ask for confirmation)`,
                { matching: matching.length },
              );
            }
            const rl = createInterface({ input: process.stdin, output: process.stderr });
            const answer = await rl.question(`Terminate ${matching.length} task instance(s)? [y/N] `);
            rl.close();
            if (!/^y(es)?$/i.test(answer.trim())) {
              println('nothing terminated');
              return 1;
            }
          }
          const count = await engine.terminateMany(filter, actingUser(options.as));
          if (options.json) return printJson({ matched: matching.length, terminated: count });
          println(`terminated ${count} task instance(s)`);
          return undefined;
        });
      }),
    );
}
