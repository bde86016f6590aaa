import type { Migration } from '../migration.js';

/**
 * Lists page newest first by (created_at, id) (docs/decisions/cli-lists.md): the inbox indexes end in those
 * columns, so a page of a person's items is read in index order and stops at the limit instead of sorting every
 * open item they have; `tasks` gets the same order on its own. The same SQL on both databases.
 *
 * Its `version` follows the last migration on this branch (versions must be contiguous); renumber it on merge if
 * another migration took 5 first.
 */
const SQL = `
DROP INDEX work_items_owner;
DROP INDEX work_items_permission;
CREATE INDEX work_items_owner ON work_items (owner, state, created_at, id) WHERE owner IS NOT NULL;
CREATE INDEX work_items_permission ON work_items (permission, state, created_at, id) WHERE permission IS NOT NULL;
CREATE INDEX work_items_created ON work_items (created_at, id);
CREATE INDEX task_instances_created ON task_instances (created_at, id);
`;

export const m0006ListOrder: Migration = {
  version: 5,
  name: 'list-order',
  sqlite: SQL,
  postgres: SQL,
};
