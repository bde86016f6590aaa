import type { Migration } from '../migration.js';

/**
 * The notification outbox (docs/email.md, docs/decisions/notification-outbox.md).
 *
 * One row per message to send: written in the commit of the step that produced it (a `notify` op, a
 * NotificationAspect, a work item created or timed out) or by the mail worker's reminder sweep, never by a send.
 * `idempotency_key` is unique and every insert is `ON CONFLICT DO NOTHING`: a replayed step, or two workers
 * sweeping the same reminder, write the message once.
 *
 * - `recipients`: as the process named them (logins, addresses, `permission:<path>`), JSON array; `addresses`:
 *   what they resolved to when it was sent (NULL until then).
 * - `state`: `pending` (due at `not_before`), `sent`, `failed` (permanently; `error_code` and `last_error` say
 *   why). Mail workers claim due pending rows under a lease (`lease_owner`, `lease_until`, database time) exactly
 *   like instances; `attempts` counts sends tried.
 *
 * Numbered 0010 after the access tables (0009), which reached main first.
 */
export const m0010Notifications: Migration = {
  version: 10,
  name: 'notifications',
  sqlite: `
CREATE TABLE notifications (
  id              TEXT PRIMARY KEY,
  idempotency_key TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('message', 'workitem', 'reminder', 'escalation')),
  instance_id     TEXT,
  instance_name   TEXT,
  definition_name TEXT,
  work_item_id    TEXT,
  recipients      TEXT NOT NULL,
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  not_before      INTEGER NOT NULL,
  lease_owner     TEXT,
  lease_until     INTEGER,
  addresses       TEXT,
  message_id      TEXT,
  error_code      TEXT,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  sent_at         INTEGER
);
CREATE UNIQUE INDEX notifications_key ON notifications (idempotency_key);
CREATE INDEX notifications_due ON notifications (not_before) WHERE state = 'pending';
CREATE INDEX notifications_listing ON notifications (state, created_at, id);
CREATE INDEX notifications_created ON notifications (created_at, id);
CREATE INDEX work_items_due ON work_items (due_at) WHERE state = 'open' AND due_at IS NOT NULL;
`,
  postgres: `
CREATE TABLE notifications (
  id              TEXT PRIMARY KEY,
  idempotency_key TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('message', 'workitem', 'reminder', 'escalation')),
  instance_id     TEXT,
  instance_name   TEXT,
  definition_name TEXT,
  work_item_id    TEXT,
  recipients      JSON NOT NULL,
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  not_before      BIGINT NOT NULL,
  lease_owner     TEXT,
  lease_until     BIGINT,
  addresses       JSON,
  message_id      TEXT,
  error_code      TEXT,
  last_error      TEXT,
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL,
  sent_at         BIGINT
);
CREATE UNIQUE INDEX notifications_key ON notifications (idempotency_key);
CREATE INDEX notifications_due ON notifications (not_before) WHERE state = 'pending';
CREATE INDEX notifications_listing ON notifications (state, created_at, id COLLATE "C");
CREATE INDEX notifications_created ON notifications (created_at, id COLLATE "C");
CREATE INDEX work_items_due ON work_items (due_at) WHERE state = 'open' AND due_at IS NOT NULL;
`,
};
