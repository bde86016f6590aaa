import type { Migration } from '../migration.js';

/**
 * Subjects are compared by their key (`subjectKey`, src/identity/subject-key.ts: NFKC, trimmed, case folded), not
 * as typed: `jdoe`, `JDOE` and ` jdoe` are one user, with one update workflow at a time. `task_instances` keeps
 * the subject as given (shown to people) and gains `subject_key`, which listings by subject match; its index
 * replaces the one on `subject`. `subject_locks.subject` holds keys from now on.
 *
 * Numbered 0007 after the migrations that reached main first (claim attempts 0004, change counters 0005, list order 0006); its `version` (7)
 * follows the last migration, since versions must be contiguous.
 *
 * Rows written before this migration get the key SQL can compute: trimmed and lower-cased. That is the exact key
 * for ASCII names (nearly all user names); a name with other letters keeps a key that may differ from what the
 * engine computes (SQLite's `lower` folds only ASCII), until its instance ends. A lock whose key another lock holds
 * already (the two workflows the old exact comparison let through) keeps its old value and is released as before,
 * when its instance ends.
 */
export const m0007SubjectKeys: Migration = {
  version: 7,
  name: 'subject-keys',
  sqlite: `
ALTER TABLE task_instances ADD COLUMN subject_key TEXT;
UPDATE task_instances SET subject_key = lower(trim(subject)) WHERE subject IS NOT NULL;
DROP INDEX task_instances_subject;
CREATE INDEX task_instances_subject_key ON task_instances (subject_key) WHERE subject_key IS NOT NULL;
UPDATE OR IGNORE subject_locks SET subject = lower(trim(subject));
`,
  postgres: `
ALTER TABLE task_instances ADD COLUMN subject_key TEXT;
UPDATE task_instances SET subject_key = lower(btrim(subject)) WHERE subject IS NOT NULL;
DROP INDEX task_instances_subject;
CREATE INDEX task_instances_subject_key ON task_instances (subject_key) WHERE subject_key IS NOT NULL;
UPDATE subject_locks AS l SET subject = lower(btrim(l.subject))
  WHERE l.subject <> lower(btrim(l.subject))
    AND NOT EXISTS (SELECT 1 FROM subject_locks AS o WHERE o.subject <> l.subject AND lower(btrim(o.subject)) = lower(btrim(l.subject)));
`,
};
