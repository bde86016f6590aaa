import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { TaskFilter, TaskInstanceView, TaskState } from '../../engine/engine-api.js';
import { didYouMean } from '../../definition/validate/suggest.js';
import type { Repository } from '../../repository/repository.js';
import { action } from '../action.js';
import { addListOptions, listRequest, pageFilter, printList, type ListColumn, type ListOptionValues } from '../list-output.js';
import { printJson, println, shortTime } from '../output.js';
import { oneOf, positiveInteger } from '../option-values.js';
import { UsageError } from '../usage-error.js';
import { cliCaller, withEngine } from './run-support.js';
import { stateText } from './task-output.js';

interface TasksOptions extends ListOptionValues {
  readonly state?: string;
  readonly definition?: string;
  readonly subject?: string;
}

/**
 * A generated name (`<definition> #<id>`) repeats the id shown beside it: the table shows it as `<definition> #`,
 * so the full UUID appears once. A name given at launch is shown as it is.
 */
function shownName(t: TaskInstanceView): string {
  return t.name === `${t.definition.name} #${t.id}` ? `${t.definition.name} #` : t.name;
}

const TASK_COLUMNS: readonly ListColumn<TaskInstanceView>[] = [
  { name: 'id', text: (t) => t.id, keep: true },
  { name: 'name', text: shownName, json: (t) => t.name },
  { name: 'definition', text: (t) => `${t.definition.name} v${t.definition.version}`, json: (t) => t.definition },
  { name: 'state', text: (t) => stateText(t), json: (t) => t.state },
  { name: 'subject', text: (t) => t.subject ?? '', json: (t) => t.subject ?? null },
  { name: 'position', text: (t) => t.position.join(', '), json: (t) => t.position },
  { name: 'steps', text: (t) => String(t.steps), json: (t) => t.steps, right: true },
  { name: 'created', text: (t) => shortTime(t.createdAt), json: (t) => t.createdAt },
  { name: 'updated', text: (t) => shortTime(t.updatedAt), json: (t) => t.updatedAt },
  { name: 'launcher', text: (t) => t.launcher, optional: true },
  { name: 'outcome', text: (t) => t.result?.outcome ?? '', json: (t) => t.result?.outcome ?? null, optional: true },
];
const FIELDS = TASK_COLUMNS.map((c) => c.name);

interface TerminateOptions extends TasksOptions {
  readonly yes?: boolean;
  readonly as?: string;
}

const STATES: readonly TaskState[] = ['ready', 'executing', 'suspended', 'finished', 'terminated'];

/** States an unfinished instance may be in: what `tasks terminate` can act on. */
const UNFINISHED: readonly TaskState[] = ['ready', 'executing', 'suspended'];

function filterOf(options: TasksOptions & { readonly limit?: string }, states: readonly TaskState[] = STATES): TaskFilter {
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
  const list = program
    .command('tasks')
    .summary('list TaskInstances, or terminate many')
    .description(
      'Lists TaskInstances, newest first, filtered by state, definition, subject and creation date. Pages of --limit ' +
        'rows (default 50); a full page prints on stderr the --after cursor of the next.',
    )
    .option('--state <state>', STATES.join(', '))
    .option('--definition <name>', 'definition name')
    .option('--subject <user>', 'the user the workflows work on');
  const tasks = addListOptions(list, FIELDS)
    .addHelpText(
      'after',
      `
Examples:
  idflow tasks --state executing
  idflow tasks --definition "Update User With Approval" --subject jdoe --json
  idflow tasks --since 2025-02-01 --sort oldest --fields id,state,created --output csv
  idflow tasks terminate --definition "Update User With Approval" --state suspended --yes`,
    )
    .action(
      action(async (options: TasksOptions, command: Command) => {
        const request = await listRequest(options, FIELDS);
        const filter = filterOf({ ...options, limit: undefined });
        await withEngine(command, async (engine, repo) => {
          const rows = await engine.listTasks({ ...filter, ...pageFilter(request) });
          printList(rows, TASK_COLUMNS, request, 'no task instances');
          if (rows.length === 0 && filter.definition !== undefined) await noteUnknownDefinition(repo, filter.definition);
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
  idflow tasks terminate --definition "Update User With Approval" --state suspended
  idflow tasks terminate --subject jdoe --yes --json`,
    )
    .action(
      action(async (options: TerminateOptions, command: Command) => {
        // Finished and terminated instances cannot be terminated: refuse the state rather than match nothing.
        const filter = filterOf(options, UNFINISHED);
        if (filter.state === undefined && filter.definition === undefined && filter.subject === undefined) {
          throw new UsageError('CLI_FILTER_REQUIRED', 'tasks terminate needs --state, --definition or --subject; it does not terminate everything', {});
        }
        const actor = cliCaller(options.as);
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
