import type { Migration } from '../migration.js';

/**
 * The identity store and the provisioning outbox (docs/decisions: no network call inside a step).
 *
 * - `identities`: people. `id` is a UUID (deterministic for one created by a workflow step: derived from the
 *   step's idempotency key, so a replayed step creates the same person). `login` is the account name people and
 *   targets know (`jdoe`); `login_key` its subject key (src/identity/subject-key.ts), unique, so `JDoe` and `jdoe`
 *   are one person. `employee_id` is the HR key (unique when set). `state`: `draft` (kept out of provisioning),
 *   `active`, `ended`. `revision` is a compare-and-set counter: a step that read revision N writes only if it is
 *   still N, else its instance's commit is a conflict and replays.
 * - `identity_records`: dated records of one kind (`personal`, `contract`, `position`). A record holds every
 *   attribute of its kind (JSON) and is valid from `valid_from` until `valid_until` (exclusive; NULL: open). A
 *   change writes a new record and sets `superseded_at` on the one it replaces; nothing is deleted, so "what did
 *   jdoe look like on 1 March" (valid then, not superseded at the time asked) has an answer. `applied_at` is NULL
 *   until the record's provisioning consequences are computed: at once for a record valid now, by the worker on
 *   its date for one dated in the future (the partial index `identity_records_due` serves that sweep). `draft`
 *   records (PersistOnlyResources) are never applied.
 * - `resources`: applications, groups, devices, networks; `connector` names the connector object that provisions
 *   it (NULL: nothing to provision), `target_key` the group's key on that target, `owners` a JSON array of logins
 *   or `profile:<name>` entries.
 * - `assignments`: one resource held by one identity, with its workflow state and its provisioning state.
 *   `removed_at` is set when it is taken away (the row stays for the record).
 * - `accounts`: the account an identity holds on one connector's target, under the target's own key.
 * - `provisioning_orders`: the outbox. One row per operation on one account, written in the commit of the step
 *   (or the sweep) that decided it; provisioning workers claim due rows under leases, exactly like instances.
 *   `account_seq` orders the operations of one (identity, connector): a worker never claims an order while an
 *   earlier one of the same account is unfinished (`pending`, `transmitted`, `error`), and the unique index makes
 *   two commits that raced for the same number conflict instead of interleaving. `idempotency_key` is unique: a
 *   replayed step writes nothing twice. `not_before` is the next attempt's time (backoff, `Retry-After`, or a
 *   date: a delete after the retention period). `instance_id` + `wait`: the instance waits on the order's result
 *   and is resumed when it is final.
 */
export const m0008Identities: Migration = {
  version: 8,
  name: 'identities',
  sqlite: `
CREATE TABLE identities (
  id           TEXT PRIMARY KEY,
  login        TEXT NOT NULL,
  login_key    TEXT NOT NULL,
  employee_id  TEXT,
  state        TEXT NOT NULL CHECK (state IN ('draft', 'active', 'ended')),
  manager_id   TEXT REFERENCES identities (id),
  organization TEXT,
  revision     INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX identities_login_key ON identities (login_key);
CREATE UNIQUE INDEX identities_employee_id ON identities (employee_id) WHERE employee_id IS NOT NULL;
CREATE INDEX identities_manager ON identities (manager_id) WHERE manager_id IS NOT NULL;

CREATE TABLE identity_records (
  id            TEXT PRIMARY KEY,
  identity_id   TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
  kind          TEXT NOT NULL CHECK (kind IN ('personal', 'contract', 'position')),
  valid_from    INTEGER NOT NULL,
  valid_until   INTEGER,
  data          TEXT NOT NULL,
  draft         INTEGER NOT NULL DEFAULT 0,
  recorded_at   INTEGER NOT NULL,
  superseded_at INTEGER,
  applied_at    INTEGER,
  instance_id   TEXT
);
CREATE INDEX identity_records_identity ON identity_records (identity_id, kind, valid_from);
CREATE INDEX identity_records_due ON identity_records (valid_from) WHERE applied_at IS NULL AND draft = 0 AND superseded_at IS NULL;

CREATE TABLE resources (
  id           TEXT PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('application', 'group', 'device', 'network')),
  name         TEXT NOT NULL,
  name_key     TEXT NOT NULL,
  display_name TEXT,
  description  TEXT,
  connector    TEXT,
  target_key   TEXT,
  owners       TEXT NOT NULL DEFAULT '[]',
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX resources_name_key ON resources (name_key);

CREATE TABLE assignments (
  id                 TEXT PRIMARY KEY,
  identity_id        TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
  resource_id        TEXT NOT NULL REFERENCES resources (id),
  workflow_state     TEXT NOT NULL CHECK (workflow_state IN ('requested', 'pending_approval', 'approved', 'declined')),
  provisioning_state TEXT NOT NULL CHECK (provisioning_state IN ('pending', 'transmitted', 'executed', 'verified', 'error')),
  source             TEXT NOT NULL,
  valid_from         INTEGER,
  valid_until        INTEGER,
  instance_id        TEXT,
  last_error         TEXT,
  removed_at         INTEGER,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL
);
CREATE UNIQUE INDEX assignments_held ON assignments (identity_id, resource_id) WHERE removed_at IS NULL;
CREATE INDEX assignments_resource ON assignments (resource_id) WHERE removed_at IS NULL;

CREATE TABLE accounts (
  identity_id  TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
  connector    TEXT NOT NULL,
  target_key   TEXT,
  login        TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('pending', 'active', 'disabled', 'deleted')),
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (identity_id, connector)
);

CREATE TABLE provisioning_orders (
  id              TEXT PRIMARY KEY,
  identity_id     TEXT NOT NULL,
  connector       TEXT NOT NULL,
  account_seq     INTEGER NOT NULL,
  operation       TEXT NOT NULL,
  payload         TEXT NOT NULL,
  resource_id     TEXT,
  assignment_id   TEXT,
  idempotency_key TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'transmitted', 'executed', 'verified', 'error', 'cancelled')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  not_before      INTEGER NOT NULL,
  lease_owner     TEXT,
  lease_until     INTEGER,
  error_code      TEXT,
  last_error      TEXT,
  result          TEXT,
  instance_id     TEXT,
  wait            INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  finished_at     INTEGER
);
CREATE UNIQUE INDEX provisioning_orders_key ON provisioning_orders (idempotency_key);
CREATE UNIQUE INDEX provisioning_orders_account ON provisioning_orders (identity_id, connector, account_seq);
CREATE INDEX provisioning_orders_due ON provisioning_orders (not_before) WHERE state IN ('pending', 'transmitted');
CREATE INDEX provisioning_orders_instance ON provisioning_orders (instance_id) WHERE instance_id IS NOT NULL;
CREATE INDEX provisioning_orders_listing ON provisioning_orders (state, created_at, id);
`,
  postgres: `
CREATE TABLE identities (
  id           TEXT PRIMARY KEY,
  login        TEXT NOT NULL,
  login_key    TEXT NOT NULL,
  employee_id  TEXT,
  state        TEXT NOT NULL CHECK (state IN ('draft', 'active', 'ended')),
  manager_id   TEXT REFERENCES identities (id),
  organization TEXT,
  revision     BIGINT NOT NULL,
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX identities_login_key ON identities (login_key);
CREATE UNIQUE INDEX identities_employee_id ON identities (employee_id) WHERE employee_id IS NOT NULL;
CREATE INDEX identities_manager ON identities (manager_id) WHERE manager_id IS NOT NULL;

CREATE TABLE identity_records (
  id            TEXT PRIMARY KEY,
  identity_id   TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
  kind          TEXT NOT NULL CHECK (kind IN ('personal', 'contract', 'position')),
  valid_from    BIGINT NOT NULL,
  valid_until   BIGINT,
  data          JSON NOT NULL,
  draft         SMALLINT NOT NULL DEFAULT 0,
  recorded_at   BIGINT NOT NULL,
  superseded_at BIGINT,
  applied_at    BIGINT,
  instance_id   TEXT
);
CREATE INDEX identity_records_identity ON identity_records (identity_id, kind, valid_from);
CREATE INDEX identity_records_due ON identity_records (valid_from) WHERE applied_at IS NULL AND draft = 0 AND superseded_at IS NULL;

CREATE TABLE resources (
  id           TEXT PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('application', 'group', 'device', 'network')),
  name         TEXT NOT NULL,
  name_key     TEXT NOT NULL,
  display_name TEXT,
  description  TEXT,
  connector    TEXT,
  target_key   TEXT,
  owners       JSON NOT NULL DEFAULT '[]',
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX resources_name_key ON resources (name_key);

CREATE TABLE assignments (
  id                 TEXT PRIMARY KEY,
  identity_id        TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
  resource_id        TEXT NOT NULL REFERENCES resources (id),
  workflow_state     TEXT NOT NULL CHECK (workflow_state IN ('requested', 'pending_approval', 'approved', 'declined')),
  provisioning_state TEXT NOT NULL CHECK (provisioning_state IN ('pending', 'transmitted', 'executed', 'verified', 'error')),
  source             TEXT NOT NULL,
  valid_from         BIGINT,
  valid_until        BIGINT,
  instance_id        TEXT,
  last_error         TEXT,
  removed_at         BIGINT,
  created_at         BIGINT NOT NULL,
  updated_at         BIGINT NOT NULL
);
CREATE UNIQUE INDEX assignments_held ON assignments (identity_id, resource_id) WHERE removed_at IS NULL;
CREATE INDEX assignments_resource ON assignments (resource_id) WHERE removed_at IS NULL;

CREATE TABLE accounts (
  identity_id  TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
  connector    TEXT NOT NULL,
  target_key   TEXT,
  login        TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('pending', 'active', 'disabled', 'deleted')),
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL,
  PRIMARY KEY (identity_id, connector)
);

CREATE TABLE provisioning_orders (
  id              TEXT PRIMARY KEY,
  identity_id     TEXT NOT NULL,
  connector       TEXT NOT NULL,
  account_seq     INTEGER NOT NULL,
  operation       TEXT NOT NULL,
  payload         JSON NOT NULL,
  resource_id     TEXT,
  assignment_id   TEXT,
  idempotency_key TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'transmitted', 'executed', 'verified', 'error', 'cancelled')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  not_before      BIGINT NOT NULL,
  lease_owner     TEXT,
  lease_until     BIGINT,
  error_code      TEXT,
  last_error      TEXT,
  result          JSON,
  instance_id     TEXT,
  wait            SMALLINT NOT NULL DEFAULT 0,
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL,
  finished_at     BIGINT
);
CREATE UNIQUE INDEX provisioning_orders_key ON provisioning_orders (idempotency_key);
CREATE UNIQUE INDEX provisioning_orders_account ON provisioning_orders (identity_id, connector, account_seq);
CREATE INDEX provisioning_orders_due ON provisioning_orders (not_before) WHERE state IN ('pending', 'transmitted');
CREATE INDEX provisioning_orders_instance ON provisioning_orders (instance_id) WHERE instance_id IS NOT NULL;
CREATE INDEX provisioning_orders_listing ON provisioning_orders (state, created_at, id);
`,
};
