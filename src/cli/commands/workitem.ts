import type { Command } from 'commander';
import type { XValue } from '../../expression/env.js';
import { localCaller } from '../../access/caller.js';
import { action } from '../action.js';
import { addPointerCommand } from '../pointer-command.js';
import { printJson, println } from '../output.js';
import { personName } from '../option-values.js';
import { collectVar, withEngine } from './run-support.js';
import { printOpenWorkItems, printWorkItems, stateText } from './task-output.js';

interface DecideOptions {
  readonly decision: string;
  readonly var?: Record<string, XValue>;
  readonly comment?: string;
  readonly assignee?: string;
  readonly as: string;
  readonly json?: boolean;
}

export function registerWorkItem(program: Command): void {
  const workitem = program.command('workitem').summary('act on one work item').description('Acts on one work item; `idflow workitems` lists them.');
  addPointerCommand(workitem, 'list', 'workitems', 'the list of work items');
  workitem
    .command('decide')
    .summary('decide a work item')
    .description(
      'Decides a work item as USER: its owner, the person it was delegated to, or a holder of its permission. The ' +
        'instance then runs on to its next wait or end. With a wizard-style definition the next work item of the same ' +
        'person is printed at once.',
    )
    .argument('<id>', 'work item id, a unique start of it, or TASK.N with a short task id (3f9a2c.1)')
    .requiredOption('--decision <name>', 'one of the decisions the item offers (e.g. approve, reject)')
    .option('--var <name=value>', 'an editable variable; JSON when it parses as JSON, else a string (repeatable)', collectVar)
    .option('--comment <text>', 'a comment kept with the decision in the audit')
    .option('--assignee <user>', 'who takes the item next (Delegate, Refine)')
    .requiredOption('--as <user>', 'who decides')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  idflow workitem decide 3f2a….1 --decision approve --as alice
  idflow workitem decide 3f2a….2 --decision Delegate --assignee bob --as alice --comment "on leave"`,
    )
    .action(
      action(async (idText: string, options: DecideOptions, command: Command) => {
        const actor = localCaller(personName(options.as, '--as'));
        const assignee = options.assignee === undefined ? undefined : personName(options.assignee, '--assignee');
        await withEngine(command, async (engine) => {
          const id = await engine.resolveWorkItemId(idText);
          const result = await engine.decide({
            workItemId: id,
            decision: options.decision,
            actor,
            variables: options.var ?? {},
            ...(options.comment !== undefined && { comment: options.comment }),
            ...(assignee !== undefined && { assignee }),
          });
          if (options.json) return printJson(result);
          println(`decided ${id}: ${options.decision}`);
          println(`task instance ${result.instance.id} is ${stateText(result.instance)}`);
          if (result.next) {
            println('next:');
            printWorkItems([result.next]);
          } else printOpenWorkItems(result.workItems);
        });
      }),
    );
}
