import type { Migration } from '../migration.js';

/**
 * Batched launches (`Engine.launchMany`, docs/decisions/batched-launches.md): a launch may carry the decision its
 * launcher takes on the first work item the instance reaches (the HR feed's `firstTransition`, e.g. `Execute` on a
 * Netwrix Request). It is kept on the `ready` row as JSON in `launch_decision` until the worker that starts the
 * instance fires it in the same advance, and cleared by that commit.
 *
 * Reserved number 0015 for branch `hrwave`; its `version` follows the last migration on this branch (versions must
 * be contiguous), and the lead renumbers it at merge.
 */
export const m0015LaunchDecisions: Migration = {
  version: 12,
  name: 'launch-decisions',
  sqlite: `
ALTER TABLE task_instances ADD COLUMN launch_decision TEXT;
`,
  postgres: `
ALTER TABLE task_instances ADD COLUMN launch_decision JSON;
`,
};
