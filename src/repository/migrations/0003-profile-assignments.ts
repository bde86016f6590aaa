import type { Migration } from '../migration.js';

/**
 * Which person holds which profile. AccessControlRules (definition objects) grant permissions to profiles; these
 * rows say who holds the profiles, which is what the engine needs to offer a Netwrix work item to the right people.
 *
 * The primary key `(person, profile)` is also the index of the one hot query, "the profiles of this person", asked
 * on every decision of an item offered by permission. Times are epoch milliseconds, like the runtime tables.
 */
export const m0003ProfileAssignments: Migration = {
  version: 3,
  name: 'profile-assignments',
  sqlite: `
CREATE TABLE profile_assignments (
  person      TEXT NOT NULL,
  profile     TEXT NOT NULL,
  assigned_at INTEGER NOT NULL,
  assigned_by TEXT NOT NULL,
  PRIMARY KEY (person, profile)
) WITHOUT ROWID;
`,
  postgres: `
CREATE TABLE profile_assignments (
  person      TEXT NOT NULL,
  profile     TEXT NOT NULL,
  assigned_at BIGINT NOT NULL,
  assigned_by TEXT NOT NULL,
  PRIMARY KEY (person, profile)
);
`,
};
