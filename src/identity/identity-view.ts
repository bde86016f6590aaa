/**
 * What an identity looks like at one moment: its identity-level attributes and the data of its records valid then
 * (drafts left out), and the account attributes (the connector vocabulary) that follow from it.
 */
import type { AccountAttributes, AccountAttributeValue } from '../connectors/connector.js';
import type { XValue } from '../expression/env.js';
import type { IdentityRecordRow, IdentityRow } from './identity-rows.js';
import type { IdentityStore } from './identity-store.js';

export interface IdentityView {
  readonly login: string;
  readonly employeeId: string | null;
  readonly organization: string | null;
  /** The manager's login, when known. */
  readonly manager: string | null;
  /** Attributes of the personal, contract and position records valid at the moment, by neutral name. */
  readonly attributes: Readonly<Record<string, XValue>>;
}

/**
 * The records valid at `at` among `records`, drafts left out. Superseded ones count: the caller chose the records
 * (the live ones, or those known at some moment: {@link IdentityStore.recordsAsOf}).
 */
export function recordsValidAt(records: readonly IdentityRecordRow[], at: number): IdentityRecordRow[] {
  return records.filter((r) => !r.draft && r.validFrom <= at && (r.validUntil === null || r.validUntil > at));
}

export function identityView(identity: IdentityRow, records: readonly IdentityRecordRow[], at: number, managerLogin: string | null): IdentityView {
  const attributes: Record<string, XValue> = {};
  // Oldest first, so that of two overlapping records of a kind the later-starting one wins.
  for (const r of recordsValidAt(records, at).sort((a, b) => a.validFrom - b.validFrom || a.recordedAt - b.recordedAt)) {
    for (const [k, v] of Object.entries(r.data)) if (v !== null) attributes[k] = v;
  }
  return { login: identity.login, employeeId: identity.employeeId, organization: identity.organization, manager: managerLogin, attributes };
}

const str = (v: XValue | undefined): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The account attributes of a view: what a `create` sends, and what an `update` compares. */
export function accountAttributes(view: IdentityView): Record<string, AccountAttributeValue> {
  const a = view.attributes;
  const first = str(a['firstName']);
  const last = str(a['lastName']);
  const display = str(a['displayName']) ?? ([first, last].filter((x) => x !== null).join(' ') || null);
  return {
    login: view.login,
    firstName: first,
    lastName: last,
    displayName: display,
    email: str(a['email']),
    phone: str(a['phone']),
    title: str(a['title']),
    department: str(a['department']),
    location: str(a['location']),
    employeeId: view.employeeId,
    manager: view.manager,
    organization: view.organization,
  };
}

/** Only the attributes that have a value (a `create` sends no nulls). */
export function presentAttributes(attrs: Readonly<Record<string, AccountAttributeValue>>): AccountAttributes {
  return Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== null));
}

/** The attributes that differ from `before` to `after` (null: removed), login left out (a rename carries it). */
export function changedAttributes(before: Readonly<Record<string, AccountAttributeValue>>, after: Readonly<Record<string, AccountAttributeValue>>): AccountAttributes {
  const out: Record<string, AccountAttributeValue> = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (k === 'login') continue;
    if (JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null)) out[k] = after[k] ?? null;
  }
  return out;
}
