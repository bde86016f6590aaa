import type { Migration } from '../migration.js';

/**
 * Birthright rules (docs/lifecycle.md, docs/decisions/birthright-rules.md): `resources.birthright` holds the rule
 * that grants the resource to identities by their organisation, contract and position (JSON, checked by
 * src/identity/birthright.ts before it is written); NULL: the resource is only given on request.
 *
 * Reserved as 0014 for the `lifecycle` branch of this session; numbered 12 here because migrations must be
 * contiguous on a branch. The lead renumbers on merge (rights 0012, approvals 0013).
 */
export const m0012Birthright: Migration = {
  version: 12,
  name: 'birthright',
  sqlite: `
ALTER TABLE resources ADD COLUMN birthright TEXT;
`,
  postgres: `
ALTER TABLE resources ADD COLUMN birthright TEXT;
`,
};
