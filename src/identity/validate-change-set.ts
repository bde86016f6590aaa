/**
 * Checks a neutral change set (the form the Waveset user view maps to) before anything of it is planned: attribute
 * names in the catalogue and of the record kind they are given for, text where text is expected, dates that are
 * dates, ends after starts, logins that can name somebody. Throws {@link ChangeSetError} naming the attribute.
 */
import type { XValue } from '../expression/env.js';
import { ATTRIBUTE_BY_NAME, type AttributeSpec } from './attribute-catalogue.js';
import { ChangeSetError } from './change-set-errors.js';
import type { ChangeSet } from './change-set.js';
import { parseChangeSetDate } from './change-set-dates.js';
import { RECORD_KINDS } from './identity-rows.js';
import { firstControlCharacter } from './subject-key.js';

/** An attribute's value as records store it: text (numbers as their decimal text), a date as `YYYY-MM-DD`, or null. */
export function attributeValue(a: AttributeSpec, value: XValue, path: string): XValue {
  if (value === null) return null;
  if (a.type === 'date') return new Date(parseChangeSetDate(value, path)).toISOString().slice(0, 10);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') {
    throw new ChangeSetError('CHANGESET_TYPE_INVALID', `${path} must be text, not ${Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `the ${typeof value} ${JSON.stringify(value)}`}`, path);
  }
  return value;
}

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkText(v: unknown, path: string, nullable: boolean): void {
  if (v === undefined || (v === null && nullable)) return;
  if (typeof v !== 'string' || v.trim() === '') throw new ChangeSetError('CHANGESET_TYPE_INVALID', `${path} must be non-empty text`, path);
  if (firstControlCharacter(v) !== undefined) throw new ChangeSetError('CHANGESET_TYPE_INVALID', `${path} may not hold control characters`, path);
}

function checkTime(v: unknown, path: string, nullable: boolean): void {
  if (v === undefined || (v === null && nullable)) return;
  if (!isTime(v)) throw new ChangeSetError('CHANGESET_DATE_INVALID', `${path} is not a date (epoch milliseconds)`, path);
}

/** Returns the change set with its attribute values normalised (dates as `YYYY-MM-DD`, numbers as text). */
export function validateChangeSet(cs: ChangeSet): ChangeSet {
  if (cs === null || typeof cs !== 'object' || Array.isArray(cs)) throw new ChangeSetError('CHANGESET_INVALID', 'the change set must be an object', 'changes');
  checkText(cs.login, 'login', false);
  checkText(cs.employeeId, 'employeeId', true);
  checkText(cs.manager, 'manager', true);
  checkText(cs.organization, 'organization', true);
  checkTime(cs.effectiveFrom, 'effectiveFrom', false);
  checkTime(cs.leaveAt, 'leaveAt', false);
  if (cs.retentionDays !== undefined && (!Number.isInteger(cs.retentionDays) || cs.retentionDays < 0 || cs.retentionDays > 36500)) {
    throw new ChangeSetError('CHANGESET_TYPE_INVALID', 'retentionDays must be a whole number of days from 0 to 36500', 'retentionDays');
  }
  const records = (cs.records ?? []).map((r, n) => {
    const where = `records[${n}]`;
    if (!RECORD_KINDS.includes(r.kind)) throw new ChangeSetError('CHANGESET_INVALID', `${where}.kind must be personal, contract or position`, `${where}.kind`);
    checkTime(r.validFrom, `${where}.validFrom`, false);
    checkTime(r.validUntil, `${where}.validUntil`, true);
    if (isTime(r.validFrom) && isTime(r.validUntil) && r.validUntil <= r.validFrom) {
      throw new ChangeSetError('CHANGESET_DATES_REVERSED', `${where}.validUntil is not after its validFrom`, `${where}.validUntil`);
    }
    const data: Record<string, XValue> = {};
    for (const [name, value] of Object.entries(r.data ?? {})) {
      const a = ATTRIBUTE_BY_NAME.get(name);
      if (!a || a.kind !== r.kind) {
        throw new ChangeSetError(
          'CHANGESET_ATTRIBUTE_UNKNOWN',
          a ? `${where}.${name} belongs to ${a.kind} records, not ${r.kind} ones` : `the change set sets ${name}, which identities do not have (docs/change-sets.md lists the attributes)`,
          `${where}.${name}`,
        );
      }
      data[name] = attributeValue(a, value, `${where}.${name}`);
    }
    return { ...r, data };
  });
  const add = (cs.resources?.add ?? []).map((a, n) => {
    checkText(a.resource, `resources.add[${n}]`, false);
    checkTime(a.validFrom, `resources.add[${n}].validFrom`, false);
    checkTime(a.validUntil, `resources.add[${n}].validUntil`, false);
    return a;
  });
  (cs.resources?.remove ?? []).forEach((r, n) => checkText(r, `resources.remove[${n}]`, false));
  return { ...cs, ...(cs.records && { records }), ...(cs.resources && { resources: { ...cs.resources, ...(cs.resources.add && { add }) } }) };
}
