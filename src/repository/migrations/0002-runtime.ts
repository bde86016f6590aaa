import type { Migration } from '../migration.js';

/**
 * The engine's runtime tables: TaskInstances, work items, the append-only audit, subject locks, the side-effect
 * ledger and schedule state.
 *
 * Times are epoch milliseconds (INTEGER / BIGINT) so that both databases compare them the same way and the engine
 * never parses dates on the hot path. JSON columns are TEXT in SQLite and JSON in PostgreSQL: JSON, not JSONB,
 * because the engine reads these values back whole and relies on them exactly as written (JSONB reorders object
 * keys and refuses the character U+0000, which a process variable may hold).
 *
 * Every index is paid for on every commit (each B-tree an insert touches is another page in the WAL), so each one
 * here serves a query the engine or a user runs (docs/benchmarks.md, "Schema"):
 * - `task_instances`: `id` is the key (time-ordered UUIDv7, so new rows land on the last page of every index that
 *   holds it). `name` is stored only for a launch that was given one (NULL otherwise: the instance goes by
 *   `<definition> #<id>`, unique by construction), and the unique index that resultOption relies on holds only
 *   those. `wake` serves the worker's claim, `expires` the resultLimit sweep, `deadline` the execLimit sweep.
 *   `unfinished` (state, definition, created) serves the listings of running, ready and suspended instances and
 *   the bulk terminate; listings that include finished instances scan (administration, not a hot path).
 *   `subject` serves the listing by subject. All of them are partial, so an instance is only in the indexes that
 *   concern it: one that finished in its launch's commit touches the key and `expires`. There is no index on the
 *   lease: a lease exists only on a due row (`wake_at` set), so releasing a worker's leases goes through `wake`.
 * - `variables` holds the launch inputs of an instance that has not started (`interpreter_state` NULL) and is NULL
 *   while it runs: the interpreter state holds the variables, and a row never stores (or serialises) them twice.
 *   An ended instance (finished, terminated) keeps its final variables here and no interpreter state: nothing runs
 *   it again, and the state is most of the row's bytes, kept for resultLimit.
 * - Claiming: a worker looks for `wake_at <= now` among instances that are `ready` or `executing` and not leased
 *   (or whose lease expired). `wake_at` is set both for instances that must run now (async launches, `runnable` =
 *   1) and for instances waiting on a timer (`runnable` = 0), so one partial index serves the claim query.
 * - `audit_events` has no foreign key to `task_instances`: the record outlives the run. Its key is a plain rowid
 *   (no AUTOINCREMENT, which costs a write to sqlite_sequence per commit): rows are never deleted from the end, so
 *   ids still only grow.
 */
export const m0002Runtime: Migration = {
  version: 2,
  name: 'runtime',
  sqlite: `
CREATE TABLE task_instances (
  id                 TEXT PRIMARY KEY,
  name               TEXT,
  definition_id      TEXT NOT NULL,
  definition_type    TEXT NOT NULL,
  definition_name    TEXT NOT NULL,
  definition_version INTEGER NOT NULL,
  state              TEXT NOT NULL CHECK (state IN ('ready', 'executing', 'suspended', 'finished', 'terminated')),
  waiting            INTEGER NOT NULL DEFAULT 0,
  launcher           TEXT NOT NULL,
  subject            TEXT,
  position           TEXT NOT NULL,
  interpreter_state  TEXT,
  variables          TEXT,
  result             TEXT,
  steps              INTEGER NOT NULL DEFAULT 0,
  progress           TEXT,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  finished_at        INTEGER,
  expires_at         INTEGER,
  wake_at            INTEGER,
  runnable           INTEGER NOT NULL DEFAULT 0,
  exec_deadline      INTEGER,
  lease_owner        TEXT,
  lease_until        INTEGER,
  revision           INTEGER NOT NULL
);
CREATE UNIQUE INDEX task_instances_name ON task_instances (name) WHERE name IS NOT NULL;
CREATE INDEX task_instances_wake ON task_instances (wake_at) WHERE wake_at IS NOT NULL;
CREATE INDEX task_instances_expires ON task_instances (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX task_instances_deadline ON task_instances (exec_deadline) WHERE exec_deadline IS NOT NULL;
CREATE INDEX task_instances_unfinished ON task_instances (state, definition_name, created_at) WHERE state IN ('ready', 'executing', 'suspended');
CREATE INDEX task_instances_subject ON task_instances (subject) WHERE subject IS NOT NULL;

CREATE TABLE work_items (
  id              TEXT PRIMARY KEY,
  instance_id     TEXT NOT NULL REFERENCES task_instances (id) ON DELETE CASCADE,
  definition_name TEXT NOT NULL,
  activity        TEXT NOT NULL,
  action          TEXT NOT NULL,
  owner           TEXT,
  permission      TEXT,
  request         TEXT NOT NULL,
  item_type       TEXT,
  decisions       TEXT NOT NULL,
  variables       TEXT NOT NULL,
  editable        TEXT NOT NULL,
  form            TEXT,
  due_at          INTEGER,
  state           TEXT NOT NULL CHECK (state IN ('open', 'decided', 'cancelled', 'timeout')),
  delegated_from  TEXT,
  decision        TEXT,
  decided_by      TEXT,
  comment         TEXT,
  created_at      INTEGER NOT NULL,
  closed_at       INTEGER
);
CREATE INDEX work_items_owner ON work_items (owner, state) WHERE owner IS NOT NULL;
CREATE INDEX work_items_permission ON work_items (permission, state) WHERE permission IS NOT NULL;
CREATE INDEX work_items_instance ON work_items (instance_id);

CREATE TABLE audit_events (
  id              INTEGER PRIMARY KEY,
  at              INTEGER NOT NULL,
  instance_id     TEXT,
  instance_name   TEXT,
  definition_name TEXT,
  event           TEXT NOT NULL,
  activity        TEXT,
  actor           TEXT,
  work_item_id    TEXT,
  data            TEXT
);
CREATE INDEX audit_events_instance ON audit_events (instance_id, id);

CREATE TABLE subject_locks (
  subject     TEXT PRIMARY KEY,
  instance_id TEXT NOT NULL,
  acquired_at INTEGER NOT NULL
);
CREATE INDEX subject_locks_instance ON subject_locks (instance_id);

CREATE TABLE side_effects (
  key         TEXT PRIMARY KEY,
  operation   TEXT NOT NULL,
  data        TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  at          INTEGER NOT NULL
);
CREATE INDEX side_effects_instance ON side_effects (instance_id);

CREATE TABLE schedule_state (
  name       TEXT PRIMARY KEY,
  last_run   INTEGER,
  next_run   INTEGER,
  run_count  INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);
`,
  postgres: `
CREATE TABLE task_instances (
  id                 TEXT PRIMARY KEY,
  name               TEXT,
  definition_id      TEXT NOT NULL,
  definition_type    TEXT NOT NULL,
  definition_name    TEXT NOT NULL,
  definition_version INTEGER NOT NULL,
  state              TEXT NOT NULL CHECK (state IN ('ready', 'executing', 'suspended', 'finished', 'terminated')),
  waiting            BOOLEAN NOT NULL DEFAULT FALSE,
  launcher           TEXT NOT NULL,
  subject            TEXT,
  position           JSON NOT NULL,
  interpreter_state  JSON,
  variables          JSON,
  result             JSON,
  steps              INTEGER NOT NULL DEFAULT 0,
  progress           JSON,
  created_at         BIGINT NOT NULL,
  updated_at         BIGINT NOT NULL,
  finished_at        BIGINT,
  expires_at         BIGINT,
  wake_at            BIGINT,
  runnable           BOOLEAN NOT NULL DEFAULT FALSE,
  exec_deadline      BIGINT,
  lease_owner        TEXT,
  lease_until        BIGINT,
  revision           INTEGER NOT NULL
);
CREATE UNIQUE INDEX task_instances_name ON task_instances (name) WHERE name IS NOT NULL;
CREATE INDEX task_instances_wake ON task_instances (wake_at) WHERE wake_at IS NOT NULL;
CREATE INDEX task_instances_expires ON task_instances (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX task_instances_deadline ON task_instances (exec_deadline) WHERE exec_deadline IS NOT NULL;
CREATE INDEX task_instances_unfinished ON task_instances (state, definition_name, created_at) WHERE state IN ('ready', 'executing', 'suspended');
CREATE INDEX task_instances_subject ON task_instances (subject) WHERE subject IS NOT NULL;

CREATE TABLE work_items (
  id              TEXT PRIMARY KEY,
  instance_id     TEXT NOT NULL REFERENCES task_instances (id) ON DELETE CASCADE,
  definition_name TEXT NOT NULL,
  activity        TEXT NOT NULL,
  action          TEXT NOT NULL,
  owner           TEXT,
  permission      TEXT,
  request         TEXT NOT NULL,
  item_type       TEXT,
  decisions       JSON NOT NULL,
  variables       JSON NOT NULL,
  editable        JSON NOT NULL,
  form            TEXT,
  due_at          BIGINT,
  state           TEXT NOT NULL CHECK (state IN ('open', 'decided', 'cancelled', 'timeout')),
  delegated_from  TEXT,
  decision        TEXT,
  decided_by      TEXT,
  comment         TEXT,
  created_at      BIGINT NOT NULL,
  closed_at       BIGINT
);
CREATE INDEX work_items_owner ON work_items (owner, state) WHERE owner IS NOT NULL;
CREATE INDEX work_items_permission ON work_items (permission, state) WHERE permission IS NOT NULL;
CREATE INDEX work_items_instance ON work_items (instance_id);

CREATE TABLE audit_events (
  id              BIGSERIAL PRIMARY KEY,
  at              BIGINT NOT NULL,
  instance_id     TEXT,
  instance_name   TEXT,
  definition_name TEXT,
  event           TEXT NOT NULL,
  activity        TEXT,
  actor           TEXT,
  work_item_id    TEXT,
  data            JSON
);
CREATE INDEX audit_events_instance ON audit_events (instance_id, id);

CREATE TABLE subject_locks (
  subject     TEXT PRIMARY KEY,
  instance_id TEXT NOT NULL,
  acquired_at BIGINT NOT NULL
);
CREATE INDEX subject_locks_instance ON subject_locks (instance_id);

CREATE TABLE side_effects (
  key         TEXT PRIMARY KEY,
  operation   TEXT NOT NULL,
  data        JSON NOT NULL,
  instance_id TEXT NOT NULL,
  at          BIGINT NOT NULL
);
CREATE INDEX side_effects_instance ON side_effects (instance_id);

CREATE TABLE schedule_state (
  name       TEXT PRIMARY KEY,
  last_run   BIGINT,
  next_run   BIGINT,
  run_count  INTEGER NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL
);
`,
};
