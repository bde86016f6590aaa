/**
 * Reads the Netwrix `changes` variable (docs/change-sets.md, "The Netwrix form") into the neutral
 * {@link ChangeSet}, refusing with a coded error that names the attribute as the change set wrote it.
 */
import type { XValue } from '../expression/env.js';
import { ATTRIBUTE_BY_NETWRIX_NAME } from './attribute-catalogue.js';
import { parseChangeSetDate } from './change-set-dates.js';
import { ChangeSetError } from './change-set-errors.js';
import type { ChangeSet, RecordChange, ResourceAddition } from './change-set.js';
import type { RecordKind } from './identity-rows.js';
import { attributeValue } from './validate-change-set.js';

type Obj = { readonly [key: string]: XValue };
const isObj = (v: XValue | undefined): v is Obj => v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);

const IDENTITY_KEYS = new Set(['Login', 'EmployeeId', 'Manager', 'Organization', 'EffectiveDate', 'Records', 'Resources', 'EndDate', 'IsDraft', 'RetentionDays']);
const RECORD_DATE_KEYS = new Set(['ContractStartDate', 'ContractEndDate', 'PositionStartDate', 'PositionEndDate', 'StartDate', 'EndDate']);

function text(v: XValue | undefined, attribute: string, nullable: boolean): string | null | undefined {
  if (v === undefined) return undefined;
  if (v === null) {
    if (nullable) return null;
    throw new ChangeSetError('CHANGESET_TYPE_INVALID', `${attribute} may not be null`, attribute);
  }
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') throw new ChangeSetError('CHANGESET_TYPE_INVALID', `${attribute} must be text, not ${describe(v)}`, attribute);
  return v;
}

export function describe(v: XValue): string {
  return Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' ? 'an object' : `the ${typeof v} ${JSON.stringify(v)}`;
}

const dateOrNull = (v: XValue | undefined, attribute: string): number | null | undefined =>
  v === undefined ? undefined : v === null || v === '' ? null : parseChangeSetDate(v, attribute);

function reversed(attribute: string, start: number, end: number): ChangeSetError {
  return new ChangeSetError('CHANGESET_DATES_REVERSED', `${attribute} (${new Date(end).toISOString().slice(0, 10)}) is not after the start (${new Date(start).toISOString().slice(0, 10)})`, attribute);
}

/** The neutral change set a Netwrix `changes` value means. Throws {@link ChangeSetError}; reads no store. */
export function readNetwrixChangeSet(changes: XValue | undefined): ChangeSet {
  if (changes === undefined || changes === null) return {};
  if (!isObj(changes)) throw new ChangeSetError('CHANGESET_INVALID', `the change set must be an object of attributes, not ${describe(changes)}`, 'changes');
  const out: { -readonly [K in keyof ChangeSet]: ChangeSet[K] } = {};
  const top = new Map<RecordKind, Record<string, XValue>>();
  for (const [key, value] of Object.entries(changes)) {
    if (IDENTITY_KEYS.has(key)) continue;
    const a = ATTRIBUTE_BY_NETWRIX_NAME.get(key);
    if (!a) throw unknownAttribute(key);
    const data = top.get(a.kind) ?? {};
    data[a.name] = attributeValue(a, value, key);
    top.set(a.kind, data);
  }
  const login = text(changes['Login'], 'Login', false);
  if (login !== undefined && login !== null) out.login = login;
  const employeeId = text(changes['EmployeeId'], 'EmployeeId', true);
  if (employeeId !== undefined) out.employeeId = employeeId === '' ? null : employeeId;
  const manager = text(changes['Manager'], 'Manager', true);
  if (manager !== undefined) out.manager = manager === '' ? null : manager;
  const organization = text(changes['Organization'], 'Organization', true);
  if (organization !== undefined) out.organization = organization === '' ? null : organization;
  if (changes['IsDraft'] !== undefined && changes['IsDraft'] !== null && typeof changes['IsDraft'] !== 'boolean' && changes['IsDraft'] !== 'true' && changes['IsDraft'] !== 'false') {
    throw new ChangeSetError('CHANGESET_TYPE_INVALID', `IsDraft must be true or false, not ${describe(changes['IsDraft'])}`, 'IsDraft');
  }
  const effective = dateOrNull(changes['EffectiveDate'], 'EffectiveDate');
  if (effective !== undefined && effective !== null) out.effectiveFrom = effective;
  const leave = dateOrNull(changes['EndDate'], 'EndDate');
  if (leave !== undefined && leave !== null) out.leaveAt = leave;
  const retention = changes['RetentionDays'];
  if (retention !== undefined && retention !== null && retention !== '') {
    const days = typeof retention === 'string' && /^\d+$/.test(retention.trim()) ? Number(retention.trim()) : retention;
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 0) {
      throw new ChangeSetError('CHANGESET_TYPE_INVALID', `RetentionDays must be a whole number of days, not ${describe(retention)}`, 'RetentionDays');
    }
    out.retentionDays = days;
  }

  const records: RecordChange[] = [...top].map(([kind, data]) => ({ kind, data }));
  const rawRecords = changes['Records'];
  if (rawRecords !== undefined && rawRecords !== null) {
    if (!Array.isArray(rawRecords)) throw new ChangeSetError('CHANGESET_INVALID', `Records must be a list of records, not ${describe(rawRecords)}`, 'Records');
    rawRecords.forEach((item, n) => records.push(...readRecord(item, `Records[${n}]`)));
  }
  if (records.length > 0) out.records = records;
  const resources = readResources(changes['Resources']);
  if (resources) out.resources = resources;
  return out;
}

function unknownAttribute(path: string): ChangeSetError {
  return new ChangeSetError('CHANGESET_ATTRIBUTE_UNKNOWN', `the change set sets ${path}, which identities do not have (docs/change-sets.md lists the attributes)`, path);
}

function readRecord(item: XValue, where: string): RecordChange[] {
  if (!isObj(item)) throw new ChangeSetError('CHANGESET_INVALID', `${where} must be an object, not ${describe(item)}`, where);
  const data: Record<RecordKind, Record<string, XValue>> = { personal: {}, contract: {}, position: {} };
  for (const [key, value] of Object.entries(item)) {
    if (RECORD_DATE_KEYS.has(key)) continue;
    const a = ATTRIBUTE_BY_NETWRIX_NAME.get(key);
    if (!a) throw unknownAttribute(`${where}.${key}`);
    data[a.kind][a.name] = attributeValue(a, value, `${where}.${key}`);
  }
  const date = (k: string) => dateOrNull(item[k], `${where}.${k}`);
  const start = date('StartDate');
  const end = date('EndDate');
  const out: RecordChange[] = [];
  const dated = (kind: RecordKind, s: number | null | undefined, e: number | null | undefined, endName: string): void => {
    const from = s ?? start ?? undefined;
    const until = e !== undefined ? e : end;
    if (from !== undefined && from !== null && until !== undefined && until !== null && until <= from) throw reversed(`${where}.${endName}`, from, until);
    out.push({ kind, data: data[kind], ...(from !== undefined && from !== null && { validFrom: from }), ...(until !== undefined && { validUntil: until }) });
  };
  const cs = date('ContractStartDate');
  const ce = date('ContractEndDate');
  const ps = date('PositionStartDate');
  const pe = date('PositionEndDate');
  const has = (kind: RecordKind) => Object.keys(data[kind]).length > 0;
  if (has('contract') || cs !== undefined || ce !== undefined) dated('contract', cs, ce, ce !== undefined ? 'ContractEndDate' : 'EndDate');
  if (has('position') || ps !== undefined || pe !== undefined) dated('position', ps ?? (cs === undefined ? undefined : cs), pe, pe !== undefined ? 'PositionEndDate' : 'EndDate');
  if (has('personal')) dated('personal', undefined, undefined, 'EndDate');
  if (out.length === 0 && (start !== undefined || end !== undefined)) dated('contract', undefined, undefined, 'EndDate');
  return out;
}

function readResources(raw: XValue | undefined): ChangeSet['resources'] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObj(raw)) throw new ChangeSetError('CHANGESET_INVALID', `Resources must be an object with Add and Remove lists, not ${describe(raw)}`, 'Resources');
  for (const k of Object.keys(raw)) if (k !== 'Add' && k !== 'Remove') throw unknownAttribute(`Resources.${k}`);
  const list = (k: 'Add' | 'Remove'): readonly XValue[] => {
    const v = raw[k];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new ChangeSetError('CHANGESET_INVALID', `Resources.${k} must be a list of resource names, not ${describe(v)}`, `Resources.${k}`);
    return v;
  };
  const add: ResourceAddition[] = list('Add').map((v, n) => {
    const where = `Resources.Add[${n}]`;
    if (typeof v === 'string' && v.trim() !== '') return { resource: v };
    if (!isObj(v)) throw new ChangeSetError('CHANGESET_TYPE_INVALID', `${where} must be a resource name or { Resource, StartDate, EndDate }, not ${describe(v)}`, where);
    for (const k of Object.keys(v)) if (k !== 'Resource' && k !== 'StartDate' && k !== 'EndDate') throw unknownAttribute(`${where}.${k}`);
    const name = v['Resource'];
    if (typeof name !== 'string' || name.trim() === '') throw new ChangeSetError('CHANGESET_TYPE_INVALID', `${where}.Resource must name a resource`, `${where}.Resource`);
    const from = dateOrNull(v['StartDate'], `${where}.StartDate`);
    const until = dateOrNull(v['EndDate'], `${where}.EndDate`);
    if (from != null && until != null && until <= from) throw reversed(`${where}.EndDate`, from, until);
    return { resource: name, ...(from != null && { validFrom: from }), ...(until != null && { validUntil: until }) };
  });
  const remove = list('Remove').map((v, n) => {
    if (typeof v !== 'string' || v.trim() === '') throw new ChangeSetError('CHANGESET_TYPE_INVALID', `Resources.Remove[${n}] must be a resource name, not ${describe(v)}`, `Resources.Remove[${n}]`);
    return v;
  });
  return { ...(add.length > 0 && { add }), ...(remove.length > 0 && { remove }) };
}
