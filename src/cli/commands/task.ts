import type { Command } from 'commander';
import type { RuntimeEngine } from '../../engine/engine.js';
import type { TaskInstanceView } from '../../engine/engine-api.js';
import { action } from '../action.js';
import { addPointerCommand } from '../pointer-command.js';
import { positiveInteger } from '../option-values.js';
import { printJson, println } from '../output.js';
import { UsageError } from '../usage-error.js';
import { parseDateArg } from '../date-arg.js';
import type { Caller } from '../../access/caller.js';
import { cliCaller, withEngine } from './run-support.js';
import { printOpenWorkItems, printTaskInstance, stateText } from './task-output.js';

interface TaskOptions {
  readonly as?: string;
  readonly json?: boolean;
}

interface WatchOptions {
  readonly every?: string;
  readonly timeout?: string;
  readonly json?: boolean;
}

/** Where an instance stands, as `task watch` prints it when it changes. */
function standing(t: TaskInstanceView): string {
  return `${stateText(t)}${t.position.length ? ` at ${t.position.join(', ')}` : ''}, ${t.steps} step${t.steps === 1 ? '' : 's'}`;
}

/** An instance `task watch` stops at: it ended, or it waits on people or timers, or an administrator suspended it. */
function settled(t: TaskInstanceView): boolean {
  return t.state === 'finished' || t.state === 'terminated' || t.state === 'suspended' || (t.state === 'executing' && t.waiting);
}

interface DeleteOptions extends TaskOptions {
  readonly finishedBefore?: string;
  readonly definition?: string;
}

export function registerTask(program: Command): void {
  const task = program.command('task').summary('show, suspend, resume, terminate, purge or delete TaskInstances').description('Acts on one TaskInstance; `idflow tasks` lists them.');
  addPointerCommand(task, 'list', 'tasks', 'the list of TaskInstances');
  task
    .command('show')
    .summary('show a TaskInstance: state, position, progress, variables, result and open work items')
    .argument('<id>', 'task instance id, or a unique start of it or of its last group (3f9a2c)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  idflow task show 3f2a…
  idflow task show 3f2a… --json`,
    )
    .action(
      action(async (idText: string, options: TaskOptions, command: Command) => {
        await withEngine(command, async (engine) => {
          const id = await engine.resolveTaskId(idText);
          const instance = await engine.getTask(id);
          const workItems = await engine.listWorkItems({ instanceId: id });
          if (options.json) return printJson({ instance, workItems });
          printTaskInstance(instance, { variables: true });
          printOpenWorkItems(workItems);
        });
      }),
    );
  task
    .command('watch')
    .summary('follow a TaskInstance until it waits or ends')
    .description(
      'Prints where the instance stands each time it changes (a worker moves it on) and stops when it waits on a ' +
        'work item or a timer, ends, or is suspended; then prints it as task show does. Exit status 0 then; 3 when ' +
        '--timeout passes first.',
    )
    .argument('<id>', 'task instance id')
    .option('--every <seconds>', 'how often to look (default 1)')
    .option('--timeout <seconds>', 'give up after this long (default: never)')
    .option('--json', 'print each change and the end as JSON lines')
    .addHelpText(
      'after',
      `
Examples:
  idflow run "Update User With Approval" --var accountId=jdoe --var approver=carol --async --json
  idflow task watch 3f2a…                 (while idflow worker runs elsewhere)
  idflow task watch 3f2a… --timeout 60 --json`,
    )
    .action(
      action(async (id: string, options: WatchOptions, command: Command) => {
        const every = options.every === undefined ? 1 : positiveInteger(options.every, '--every', 'CLI_BAD_INTERVAL');
        const timeout = options.timeout === undefined ? undefined : positiveInteger(options.timeout, '--timeout', 'CLI_BAD_INTERVAL');
        return withEngine(command, async (engine) => {
          const deadline = timeout === undefined ? undefined : Date.now() + timeout * 1000;
          let last = '';
          for (;;) {
            const t = await engine.getTask(id);
            const now = standing(t);
            if (now !== last) {
              if (options.json) process.stdout.write(`${JSON.stringify({ event: 'changed', at: t.updatedAt, state: t.state, waiting: t.waiting, position: t.position, steps: t.steps })}\n`);
              else println(`${t.updatedAt}  ${now}`);
              last = now;
            }
            if (settled(t)) {
              const workItems = await engine.listWorkItems({ instanceId: id });
              if (options.json) process.stdout.write(`${JSON.stringify({ event: 'settled', instance: t, workItems })}\n`);
              else {
                printTaskInstance(t);
                printOpenWorkItems(workItems);
              }
              return 0;
            }
            if (deadline !== undefined && Date.now() >= deadline) {
              process.stderr.write(`idflow: task ${id} still ${now} after ${timeout} s; stopped watching\n`);
              return 3;
            }
            await new Promise((resolve) => setTimeout(resolve, every * 1000));
          }
        });
      }),
    );
  const control = (name: 'suspend' | 'resume' | 'terminate' | 'purge', summary: string, run: (e: RuntimeEngine, id: string, actor: Caller) => Promise<TaskInstanceView>) =>
    task
      .command(name)
      .summary(summary)
      .argument('<id>', 'task instance id, or a unique start of it or of its last group')
      .option('--as <user>', 'who does it (kept in the audit)')
      .option('--json', 'print the result as JSON')
      .addHelpText('after', `\nExample:\n  idflow task ${name} 3f2a… --as alice`)
      .action(
        action(async (idText: string, options: TaskOptions, command: Command) => {
          const actor = cliCaller(options.as);
          await withEngine(command, async (engine) => {
            const instance = await run(engine, await engine.resolveTaskId(idText), actor);
            if (options.json) return printJson(instance);
            if (name === 'purge') return println(`task instance ${instance.id} (${instance.name}) is purged; its audit events stay`);
            println(`task instance ${instance.id} is ${stateText(instance)}`);
          });
        }),
      );
  control('suspend', 'suspend a running TaskInstance (refused when its definition is not suspendable)', (e, id, a) => e.suspend(id, a));
  control('resume', 'resume a suspended TaskInstance', (e, id, a) => e.resume(id, a));
  control('terminate', 'terminate an unfinished TaskInstance and cancel its work items', (e, id, a) => e.terminate(id, a));
  task
    .command('delete')
    .summary('delete a kept result (a finished or terminated TaskInstance), or all that ended before a date; audit events stay')
    .argument('[id]', 'task instance id')
    .option('--finished-before <date>', 'delete every instance that ended before this date or time (2030-01-31 is UTC midnight; 2030-01-31T12:00Z, "2030-01-31 09:30 Europe/Paris")')
    .option('--definition <name>', 'with --finished-before: only instances of this definition')
    .option('--as <user>', 'who does it (kept in the audit)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `\nExamples:\n  idflow task delete 3f2a… --as alice\n  idflow task delete --finished-before 2030-01-01 --as alice`)
    .action(
      action(async (id: string | undefined, options: DeleteOptions, command: Command) => {
        if ((id === undefined) === (options.finishedBefore === undefined)) {
          throw new UsageError('CLI_USAGE', 'task delete takes either an instance id or --finished-before DATE', {});
        }
        if (id !== undefined && options.definition !== undefined) throw new UsageError('CLI_USAGE', '--definition goes with --finished-before, not with an id', {});
        await withEngine(command, async (engine) => {
          const actor = cliCaller(options.as);
          if (id !== undefined) {
            const instance = await engine.deleteTask(id, actor);
            if (options.json) return printJson(instance);
            return println(`task instance ${instance.id} (${instance.name}) is deleted; its audit events stay`);
          }
          const before = await parseDateArg(options.finishedBefore!, '--finished-before');
          const deleted = await engine.deleteEnded({ finishedBefore: before, ...(options.definition !== undefined && { definition: options.definition }) }, actor);
          if (options.json) return printJson({ deleted, finishedBefore: new Date(before).toISOString() });
          println(`${deleted} task instance(s) that ended before ${new Date(before).toISOString()} deleted; their audit events stay`);
        });
      }),
    );
  control('purge', 'delete a TaskInstance that ended aborted, with its work items (needs the Aborted permission where it was aborted)', (e, id, a) =>
    e.purge(id, a),
  );
}

