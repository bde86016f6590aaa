import type { Migration } from '../migration.js';

/**
 * Out of office (docs/decisions/out-of-office.md): one row per person who declared an absence, with the delegate
 * who receives the new work items that would be theirs while it lasts. `ends_at` NULL: until cleared. The index on
 * `delegate` answers "whose work do I hold" (`idflow out-of-office list`, the console's My Tasks).
 *
 * Numbered 0012 on branch `rights` (reserved); the lead renumbers on merge if needed.
 */
export const m0012OutOfOffice: Migration = {
  version: 12,
  name: 'out-of-office',
  sqlite: `
CREATE TABLE absences (
  person    TEXT PRIMARY KEY,
  delegate  TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at   INTEGER,
  note      TEXT,
  set_by    TEXT NOT NULL,
  set_at    INTEGER NOT NULL,
  CHECK (delegate <> person),
  CHECK (ends_at IS NULL OR ends_at > starts_at)
);
CREATE INDEX absences_delegate ON absences (delegate);
`,
  postgres: `
CREATE TABLE absences (
  person    TEXT PRIMARY KEY,
  delegate  TEXT NOT NULL,
  starts_at BIGINT NOT NULL,
  ends_at   BIGINT,
  note      TEXT,
  set_by    TEXT NOT NULL,
  set_at    BIGINT NOT NULL,
  CHECK (delegate <> person),
  CHECK (ends_at IS NULL OR ends_at > starts_at)
);
CREATE INDEX absences_delegate ON absences (delegate);
`,
};
