import type { Command } from 'commander';
import { action } from '../action.js';
import { addListOptions, listRequest, pageFilter, printList, type ListOptionValues } from '../list-output.js';
import { oneOf, personName } from '../option-values.js';
import { openRequiredCliRepository, withRepository } from '../cli-repository.js';
import { WORK_ITEM_COLUMNS } from './task-output.js';

interface WorkItemsOptions extends ListOptionValues {
  readonly owner?: string;
  readonly state?: string;
}

const STATES = ['open', 'decided', 'cancelled', 'timeout'] as const;
const FIELDS = WORK_ITEM_COLUMNS.map((c) => c.name);

export function registerWorkItems(program: Command): void {
  const command = program
    .command('workitems')
    .summary('list work items (the inbox)')
    .description(
      'Lists open work items, newest first: all of them, or with --owner those the person may decide. --state shows ' +
        `closed ones. Pages of --limit rows (default 50); a full page prints on stderr the --after cursor of the next.`,
    )
    .option('--owner <user>', 'only the items this person may decide')
    .option('--state <state>', `open (default), ${STATES.slice(1).join(', ')}`);
  addListOptions(command, FIELDS)
    .addHelpText(
      'after',
      `
Examples:
  idflow workitems --owner carol
  idflow workitems --owner bob --output json
  idflow workitems --state decided --since 2025-02-01 --until "2025-03-01 00:00 Europe/Paris"
  idflow workitems --fields id,owner,request,due --output csv > inbox.csv
  idflow workitems --limit 20 --after CURSOR      (the cursor the previous page printed)`,
    )
    .action(
      action(async (options: WorkItemsOptions, command: Command) => {
        const state = oneOf(options.state ?? 'open', STATES, '--state', 'CLI_BAD_STATE');
        const owner = options.owner === undefined ? undefined : personName(options.owner, '--owner');
        const request = await listRequest(options, FIELDS);
        // Listing needs the store and the permission resolver, not the engine: loading the interpreter would double
        // the command's start-up (docs/decisions/cli-start-up.md). The answer is Engine.listWorkItems's.
        await withRepository(await openRequiredCliRepository(command), async (repo) => {
          const [{ listWorkItems }, { createAclPermissionResolver }] = await Promise.all([
            import('../../engine/list-work-items.js'),
            import('../../engine/acl-permission-resolver.js'),
          ]);
          const items = await listWorkItems(repo.runtime, createAclPermissionResolver(repo), {
            ...(owner !== undefined && { owner }),
            state,
            ...pageFilter(request),
          });
          printList(items, WORK_ITEM_COLUMNS, request, `no ${state} work items${options.owner ? ` for ${options.owner}` : ''}`);
        });
      }),
    );
}
