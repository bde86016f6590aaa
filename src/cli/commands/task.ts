import type { Command } from 'commander';
import type { RuntimeEngine } from '../../engine/engine.js';
import type { TaskInstanceView } from '../../engine/engine-api.js';
import { action } from '../action.js';
import { addPointerCommand } from '../pointer-command.js';
import { printJson, println } from '../output.js';
import { actingUser, withEngine } from './run-support.js';
import { printTaskInstance, printWorkItems, stateText } from './task-output.js';

interface TaskOptions {
  readonly as?: string;
  readonly json?: boolean;
}

export function registerTask(program: Command): void {
  const task = program.command('task').summary('show, suspend, resume, terminate or purge one TaskInstance').description('Acts on one TaskInstance; `idflow tasks` lists them.');
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
          if (workItems.length) {
            println('open work items:');
            printWorkItems(workItems);
          }
        });
      }),
    );
  const control = (name: 'suspend' | 'resume' | 'terminate' | 'purge', summary: string, run: (e: RuntimeEngine, id: string, actor: string) => Promise<TaskInstanceView>) =>
    task
      .command(name)
      .summary(summary)
      .argument('<id>', 'task instance id, or a unique start of it or of its last group')
      .option('--as <user>', 'who does it (kept in the audit)')
      .option('--json', 'print the result as JSON')
      .addHelpText('after', `\nExample:\n  idflow task ${name} 3f2a… --as alice`)
      .action(
        action(async (idText: string, options: TaskOptions, command: Command) => {
          const actor = actingUser(options.as);
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
  control('purge', 'delete a TaskInstance that ended aborted, with its work items (needs the Aborted permission where it was aborted)', (e, id, a) =>
    e.purge(id, a),
  );
}
