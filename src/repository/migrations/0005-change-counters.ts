import type { Migration } from '../migration.js';

/**
 * Counters that a transaction bumps together with what it changes, so that another process can tell with one
 * lookup whether anything changed since it last looked.
 *
 * The one counter so far is `objects`, bumped by every import that stores a new version. It replaces the
 * object store's change mark `MAX(rowid)`: on PostgreSQL a sequence value is taken when a row is inserted, not
 * when it commits, so an import that commits after a later-numbered one would leave the maximum unchanged and a
 * definition cache would miss it forever. A counter row is also updated under its row lock, which serialises
 * concurrent imports (docs/decisions/postgres-store.md).
 */
export const m0005ChangeCounters: Migration = {
  version: 5,
  name: 'change-counters',
  sqlite: `
CREATE TABLE change_counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO change_counters (name, value) VALUES ('objects', (SELECT COUNT(*) FROM objects));
`,
  postgres: `
CREATE TABLE change_counters (
  name  TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO change_counters (name, value) VALUES ('objects', (SELECT COUNT(*) FROM objects));
`,
};
