import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { TaskFilter, TaskState } from '../../engine/engine-api.js';
import { didYouMean } from '../../definition/validate/suggest.js';
import type { Repository } from '../../repository/repository.js';
import { action } from '../action.js';
import { printJson, println, printTable, shortTime } from '../output.js';
import { oneOf, positiveInteger } from '../option-values.js';
import { UsageError } from '../usage-error.js';
import { actingUser, withEngine } from './run-support.js';
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

/** States an unfinished instance may be in: what `tasks terminate` can act on. */
const UNFINISHED: readonly TaskState[] = ['ready', 'executing', 'suspended'];

function filterOf(options: TasksOptions, states: readonly TaskState[] = STATES): TaskFilter {
  const state = options.state === undefined ? undefined : oneOf(options.state, states, '--state', 'CLI_BAD_STATE');
  const limit = options.limit === undefined ? undefined : positiveInteger(options.limit, '--limit', 'CLI_BAD_LIMIT');
  return {
    ...(state !== undefined && { state }),
    ...(options.definition !== undefined && { definition: options.definition }),
    ...(options.subject !== undefined && { subject: options.subject }),
    ...(limit !== undefined && { limit }),
  };
}

/** After an empty listing by `--definition`: when no definition has that name, the nearest ones (on stderr). */
async function noteUnknownDefinition(repo: Repository, name: string): Promise<void> {
  const names = [...(await repo.objects.listLatest('TaskDefinition')), ...(await repo.objects.listLatest('Workflow'))].map((o) => o.name);
  if (names.includes(name)) return;
  process.stderr.write(`idflow: note: no TaskDefinition or Workflow is named "${name}"${didYouMean(name, names, 'the definitions are')}\n`);
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
        await withEngine(command, async (engine, repo) => {
          const list = await engine.listTasks(filter);
          if (options.json) return printJson(list);
          if (list.length === 0) {
            println('no task instances');
            if (filter.definition !== undefined) await noteUnknownDefinition(repo, filter.definition);
            return;
          }
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
    .option('--state <state>', UNFINISHED.join(', '))
    .option('--definition <name>', 'definition name')
    .option('--subject <user>', 'the user the workflows work on')
    .option('--yes', 'do not ask for confirmation')
    .option('--as <user>', 'who terminates them (kept in the audit)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  idflow tasks terminate --definition "Nightly Report" --state suspended
  idflow tasks terminate --subject jdoe --yes --json`,
    )
    .action(
      action(async (options: TerminateOptions, command: Command) => {
        // Finished and terminated instances cannot be terminated: refuse the state rather than match nothing.
        const filter = filterOf(options, UNFINISHED);
        if (filter.state === undefined && filter.definition === undefined && filter.subject === undefined) {
          throw new UsageError('CLI_FILTER_REQUIRED', 'tasks terminate needs --state, --definition or --subject; it does not terminate everything', {});
        }
        const actor = actingUser(options.as);
        return withEngine(command, async (engine) => {
          const matching = (await engine.listTasks(filter)).filter((t) => t.state !== 'finished' && t.state !== 'terminated');
          if (matching.length === 0) {
            if (options.json) return printJson({ matched: 0, terminated: 0 });
            println('no unfinished task instance matches; nothing terminated');
            return undefined;
          }
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
              // stdout stays JSON with --json; the refusal is the exit status.
              if (options.json) printJson({ matched: matching.length, terminated: 0 });
              else println('nothing terminated');
              return 1;
            }
          }
          const count = await engine.terminateMany(filter, actor);
          if (options.json) return printJson({ matched: matching.length, terminated: count });
          println(`terminated ${count} task instance(s)`);
          return undefined;
        });
      }),
    );
}
