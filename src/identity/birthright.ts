/**
 * Birthright: the resources an identity is given because of who it is, not because somebody asked
 * (docs/lifecycle.md, docs/decisions/birthright-rules.md). A rule is kept on the resource it grants
 * (`resources.birthright`), written the same way whichever dialect the workflows use:
 *
 * ```json
 * [ { "department": ["Finance", "Accounting"] }, { "title": "Controller", "organization": "Acme" } ]
 * ```
 *
 * The rule grants the resource when ANY of its entries matches; an entry matches when EVERY attribute it names has
 * one of its values (compared case-insensitively, `*` = any value at all). `[{}]` grants it to everyone. The
 * attributes are the identity's `organization` and the contract and position attributes of the attribute catalogue
 * (a birthright follows the job, not the name), under their neutral names or their Netwrix ones (`Department`).
 */
import type { XValue } from '../expression/env.js';
import { InvalidInputError } from '../errors.js';
import { ATTRIBUTE_BY_NETWRIX_NAME, ATTRIBUTES } from './attribute-catalogue.js';
import type { ResourceRow } from './identity-rows.js';
import type { IdentityView } from './identity-view.js';

/** Attribute → the values that grant (lowercased, trimmed; `*` = any value). */
export type BirthrightEntry = Readonly<Record<string, readonly string[]>>;
/** Entries, any of which grants. */
export type BirthrightRule = readonly BirthrightEntry[];

export class BirthrightRuleError extends InvalidInputError {
  constructor(message: string, details: Readonly<Record<string, unknown>> = {}) {
    super('BIRTHRIGHT_RULE_INVALID', message, details);
  }
}

/** The attributes a rule may test. */
export function birthrightAttributes(): string[] {
  return ['organization', ...ATTRIBUTES.filter((a) => a.kind !== 'personal').map((a) => a.name)];
}

/**
 * Checks and normalises a rule written by a person (JSON text, a parsed value, or the word `all`). Throws
 * `BIRTHRIGHT_RULE_INVALID` naming what is wrong; `null`/`none` means "no birthright".
 */
export function parseBirthrightRule(input: unknown): BirthrightRule | null {
  let value = input;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '' || text.toLowerCase() === 'none') return null;
    if (text.toLowerCase() === 'all') return [{}];
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      throw new BirthrightRuleError(`a birthright rule is JSON (e.g. [{"department":["Finance"]}]), "all" or "none"; ${JSON.stringify(text)} is not JSON`);
    }
  }
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) value = [value];
  const known = new Set(birthrightAttributes());
  return (value as unknown[]).map((entry, n) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new BirthrightRuleError(`birthright rule entry ${n + 1} is not an object of attribute → values`, { entry: n });
    }
    const out: Record<string, string[]> = {};
    for (const [written, raw] of Object.entries(entry as Record<string, unknown>)) {
      // The Netwrix spelling (`Department`) is accepted and stored under the neutral name.
      const attribute = written === 'Organization' ? 'organization' : (ATTRIBUTE_BY_NETWRIX_NAME.get(written)?.name ?? written);
      if (!known.has(attribute)) {
        throw new BirthrightRuleError(`birthright rule entry ${n + 1}: "${attribute}" is not an attribute a rule may test (${[...known].join(', ')})`, { entry: n, attribute });
      }
      const values = Array.isArray(raw) ? raw : [raw];
      if (values.length === 0 || values.some((v) => (typeof v !== 'string' && typeof v !== 'number') || String(v).trim() === '')) {
        throw new BirthrightRuleError(`birthright rule entry ${n + 1}: "${attribute}" needs one or more non-empty values`, { entry: n, attribute });
      }
      out[attribute] = values.map((v) => String(v).trim().toLowerCase());
    }
    return out;
  });
}

const text = (v: XValue | undefined | null): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

/** True when `rule` grants its resource to the identity seen as `view`. */
export function birthrightMatches(rule: BirthrightRule, view: IdentityView): boolean {
  return rule.some((entry) =>
    Object.entries(entry).every(([attribute, values]) => {
      const actual = text(attribute === 'organization' ? view.organization : view.attributes[attribute])?.trim().toLowerCase();
      if (actual === undefined || actual === '') return false;
      return values.includes('*') || values.includes(actual);
    }),
  );
}

/** The resources among `resources` whose birthright rule grants them to `view`, by name. */
export function birthrightFor(resources: readonly ResourceRow[], view: IdentityView | null): ResourceRow[] {
  if (view === null) return [];
  return resources.filter((r) => r.birthright != null && birthrightMatches(r.birthright, view)).sort((a, b) => (a.nameKey < b.nameKey ? -1 : 1));
}
