import type { Migration } from '../migration.js';

/**
 * Claims carry an attempt count (docs/decisions/worker-leases.md): `attempts` is how many times workers claimed an
 * instance since its last commit without committing it or handing it back, i.e. how many workers died or lost their
 * lease while running it. Every commit of the instance resets it; a claim adds one; a lease handed back takes the
 * one back. A worker ends an instance whose count passes its limit as failed instead of letting it kill worker
 * after worker.
 */
export const m0004ClaimAttempts: Migration = {
  version: 4,
  name: 'claim-attempts',
  sqlite: `
ALTER TABLE task_instances ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
`,
  postgres: `
ALTER TABLE task_instances ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
`,
};
