import type { Migration } from '../migration.js';

/**
 * Batched launches (`Engine.launchMany`, docs/decisions/batched-launches.md): a launch may carry the decision its
 * launcher takes on the first work item the instance reaches (the HR feed's `firstTransition`, e.g. `Execute` on a
 * Netwrix Request). It is kept on the `ready` row as JSON in `launch_decision` until the worker that starts the
 * instance fires it in the same advance, and cleared by that commit.
 *
 * Due HR launches are read in (due_at, id) order, 500 at a time: the partial index on `due_at` alone made every
 * read sort all pending rows (a wave of 10,000 sorted 10,000 rows twenty times); it becomes (due_at, id).
 * `hr_launches_run` answers a run's progress (the console polls it while the run goes on) from its own launches
 * instead of scanning every launch of every run.
 * */
export const m0014LaunchDecisions: Migration = {
  version: 14,
  name: 'launch-decisions',
  sqlite: `
ALTER TABLE task_instances ADD COLUMN launch_decision TEXT;
DROP INDEX hr_launches_due;
CREATE INDEX hr_launches_due ON hr_launches (due_at, id) WHERE state = 'pending';
CREATE INDEX hr_launches_run ON hr_launches (run_id);
`,
  postgres: `
ALTER TABLE task_instances ADD COLUMN launch_decision JSON;
DROP INDEX hr_launches_due;
CREATE INDEX hr_launches_due ON hr_launches (due_at, id COLLATE "C") WHERE state = 'pending';
CREATE INDEX hr_launches_run ON hr_launches (run_id);
`,
};
