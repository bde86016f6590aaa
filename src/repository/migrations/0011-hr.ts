import type { Migration } from '../migration.js';

/**
 * The HR feed (docs/hr-feed.md, docs/decisions/hr-sources.md).
 *
 * - `hr_sources`: one row per source, its mapping as JSON (validated by src/connectors/hr/hr-source.ts before it
 *   is written).
 * - `hr_snapshot_rows`: the last applied file of each source, one row per key, the mapped attributes as JSON. A
 *   run diffs against it and replaces it in the transaction that records the run.
 * - `hr_runs`: every run (applied, refused, stopped by the guard, dry run) with its plan.
 * - `hr_launches`: the workflows a run starts, written with the snapshot (an outbox): `due_at` is now for most,
 *   the hire date for a future joiner. A launcher takes due rows and marks them `launched` (or `failed`).
 * - Two indexes on `audit_events` for `idflow audit` filtered by event type and time.
 *
 * Numbered 0011 on branch `hr`; the lead renumbers on merge.
 */
export const m0011Hr: Migration = {
  version: 11,
  name: 'hr',
  sqlite: `
CREATE TABLE hr_sources (
  name       TEXT PRIMARY KEY,
  config     TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE hr_snapshot_rows (
  source     TEXT NOT NULL,
  row_key    TEXT NOT NULL,
  attributes TEXT NOT NULL,
  PRIMARY KEY (source, row_key)
);
CREATE TABLE hr_runs (
  id         TEXT PRIMARY KEY,
  source     TEXT NOT NULL,
  at         INTEGER NOT NULL,
  file       TEXT NOT NULL,
  outcome    TEXT NOT NULL CHECK (outcome IN ('applied', 'refused', 'stopped', 'dry-run')),
  plan       TEXT NOT NULL
);
CREATE INDEX hr_runs_source ON hr_runs (source, at);
CREATE TABLE hr_launches (
  id          TEXT PRIMARY KEY,
  source      TEXT NOT NULL,
  run_id      TEXT NOT NULL,
  row_key     TEXT NOT NULL,
  change      TEXT NOT NULL,
  definition  TEXT NOT NULL,
  subject     TEXT,
  variables   TEXT NOT NULL,
  first_transition TEXT,
  due_at      INTEGER NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('pending', 'launched', 'failed')),
  instance_id TEXT,
  error       TEXT,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX hr_launches_due ON hr_launches (due_at) WHERE state = 'pending';
CREATE INDEX audit_events_event ON audit_events (event, at);
CREATE INDEX audit_events_at ON audit_events (at, id);
`,
  postgres: `
CREATE TABLE hr_sources (
  name       TEXT PRIMARY KEY,
  config     TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE hr_snapshot_rows (
  source     TEXT NOT NULL,
  row_key    TEXT NOT NULL,
  attributes TEXT NOT NULL,
  PRIMARY KEY (source, row_key)
);
CREATE TABLE hr_runs (
  id         TEXT PRIMARY KEY,
  source     TEXT NOT NULL,
  at         BIGINT NOT NULL,
  file       TEXT NOT NULL,
  outcome    TEXT NOT NULL CHECK (outcome IN ('applied', 'refused', 'stopped', 'dry-run')),
  plan       TEXT NOT NULL
);
CREATE INDEX hr_runs_source ON hr_runs (source, at);
CREATE TABLE hr_launches (
  id          TEXT PRIMARY KEY,
  source      TEXT NOT NULL,
  run_id      TEXT NOT NULL,
  row_key     TEXT NOT NULL,
  change      TEXT NOT NULL,
  definition  TEXT NOT NULL,
  subject     TEXT,
  variables   TEXT NOT NULL,
  first_transition TEXT,
  due_at      BIGINT NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('pending', 'launched', 'failed')),
  instance_id TEXT,
  error       TEXT,
  updated_at  BIGINT NOT NULL
);
CREATE INDEX hr_launches_due ON hr_launches (due_at) WHERE state = 'pending';
CREATE INDEX audit_events_event ON audit_events (event, at);
CREATE INDEX audit_events_at ON audit_events (at, id);
`,
};
