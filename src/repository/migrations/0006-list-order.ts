import type { Migration } from '../migration.js';

/**
 * Lists page newest first by (created_at, id) (docs/decisions/cli-lists.md): the inbox indexes end in those
 * columns, so a page of a person's items is read in index order and stops at the limit instead of sorting every
 * open item they have; `tasks` gets the same order on its own. The same SQL on both databases.
 *
 * Its `version` follows change-counters (version 5); versions must be contiguous.
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
  version: 6,
  name: 'list-order',
  sqlite: SQL,
  // Ids are ordered bytewise on PostgreSQL too (COLLATE "C", as the store's ORDER BY says), so the index serves it.
  postgres: SQL.replace(/created_at, id\)/g, 'created_at, id COLLATE "C")'),
};
