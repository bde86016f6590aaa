import type { Command } from 'commander';
import { action } from '../action.js';
import { printJson, println } from '../output.js';
import { oneOf, personName } from '../option-values.js';
import { withEngine } from './run-support.js';
import { printWorkItems } from './task-output.js';

interface WorkItemsOptions {
  readonly owner?: string;
  readonly state?: string;
  readonly json?: boolean;
}

const STATES = ['open', 'decided', 'cancelled', 'timeout'] as const;

export function registerWorkItems(program: Command): void {
  program
    .command('workitems')
    .summary('list work items (the inbox)')
    .description('Lists open work items: all of them, or with --owner those the person may decide. --state shows closed ones.')
    .option('--owner <user>', 'only the items this person may decide')
    .option('--state <state>', `open (default), ${STATES.slice(1).join(', ')}`)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  idflow workitems
  idflow workitems --owner alice --json`,
    )
    .action(
      action(async (options: WorkItemsOptions, command: Command) => {
        const state = oneOf(options.state ?? 'open', STATES, '--state', 'CLI_BAD_STATE');
        const owner = options.owner === undefined ? undefined : personName(options.owner, '--owner');
        await withEngine(command, async (engine) => {
          const items = await engine.listWorkItems({
            ...(owner !== undefined && { owner }),
            state,
          });
          if (options.json) return printJson(items);
          if (items.length === 0) return println(`no ${state} work items${options.owner ? ` for ${options.owner}` : ''}`);
          printWorkItems(items);
        });
      }),
    );
}
