import type { Migration } from '../migration.js';

/**
 * Birthright rules (docs/lifecycle.md, docs/decisions/birthright-rules.md): `resources.birthright` holds the rule
 * that grants the resource to identities by their organisation, contract and position (JSON, checked by
 * src/identity/birthright.ts before it is written); NULL: the resource is only given on request.
 * `assignments_ending` finds the assignments whose end date has come (src/identity/assignment-end-sweep.ts, every
 * worker round) without reading the others.
 */
export const m0013Birthright: Migration = {
  version: 13,
  name: 'birthright',
  sqlite: `
ALTER TABLE resources ADD COLUMN birthright TEXT;
CREATE INDEX assignments_ending ON assignments (valid_until) WHERE removed_at IS NULL AND valid_until IS NOT NULL;
`,
  postgres: `
ALTER TABLE resources ADD COLUMN birthright TEXT;
CREATE INDEX assignments_ending ON assignments (valid_until) WHERE removed_at IS NULL AND valid_until IS NOT NULL;
`,
};
