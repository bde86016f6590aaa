import type { Migration } from '../migration.js';

/**
 * The versioned definition objects and the migration ledger itself.
 *
 * `UNIQUE (type, name, version)` makes the index that every lookup uses (`type, name` is its prefix), so no
 * second index on `(type, name)` is needed. `model` is the process model as JSON text; `digest` decides whether
 * an import is unchanged.
 */
export const m0001ObjectStore: Migration = {
  version: 1,
  name: 'object-store',
  sqlite: `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at TEXT NOT NULL
);
CREATE TABLE objects (
  id          TEXT PRIMARY KEY,
  type        TEXT NOT NULL,
  name        TEXT NOT NULL,
  version     INTEGER NOT NULL CHECK (version >= 1),
  digest      TEXT NOT NULL,
  model       TEXT NOT NULL,
  xml         TEXT NOT NULL,
  source_file TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  CONSTRAINT objects_type_name_version UNIQUE (type, name, version)
);
`,
  postgres: `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE objects (
  id          TEXT PRIMARY KEY,
  type        TEXT NOT NULL,
  name        TEXT NOT NULL,
  version     INTEGER NOT NULL CHECK (version >= 1),
  digest      TEXT NOT NULL,
  model       JSON NOT NULL,
  xml         TEXT NOT NULL,
  source_file TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL,
  CONSTRAINT objects_type_name_version UNIQUE (type, name, version)
);
`,
};
