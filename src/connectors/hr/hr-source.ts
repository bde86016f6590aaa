/**
 * An HR source's mapping (docs/hr-feed.md): how its CSV files read, and which workflows their changes start. Kept in
 * the repository per source (`hr_sources`, set by `idflow hr source set FILE`); validated here, once, when it is set
 * and again when it is read back.
 */
import { DateTime } from 'luxon';
import { InvalidInputError } from '../../errors.js';

export const HR_ENCODINGS = ['auto', 'utf-8', 'utf-16le', 'utf-16be', 'latin1'] as const;
export type HrEncoding = (typeof HR_ENCODINGS)[number];

/** What one kind of change starts. */
export interface HrTrigger {
  readonly workflow: string;
  /**
   * `<Template>-<State>-<Verb>` (e.g. `ActionWithRefine-ActionPending-Execute`): fired at once by the feed, so a
   * Netwrix workflow does not wait for anyone to execute its Request. Absent: the workflow runs as launched.
   */
  readonly firstTransition?: string;
}

export interface HrSourceConfig {
  readonly name: string;
  /** The CSV column whose value identifies a row from one file to the next. */
  readonly key: string;
  /** Column → attribute (the Netwrix change-set names: Login, FirstName, Department, ContractStartDate, …). */
  readonly columns: Readonly<Record<string, string>>;
  /** Columns present in the files that the feed reads past on purpose. */
  readonly ignore: readonly string[];
  /** Date columns and their format (luxon tokens, e.g. `dd/MM/yyyy`); stored as `YYYY-MM-DD`. */
  readonly dates: Readonly<Record<string, string>>;
  /** The attribute that names the identity a workflow works on (its subject). @default the key column's attribute */
  readonly subject: string;
  /** Who launches the feed's workflows (their launcher and first work items' owner). @default `hr:<name>` */
  readonly launcher: string;
  /** @default 'auto' (UTF-8 with or without BOM, UTF-16 with a BOM) */
  readonly encoding: HrEncoding;
  /** @default ',' */
  readonly delimiter: string;
  readonly added?: HrTrigger & {
    /** A date attribute: a row whose date is later than the run starts its workflow on that date. */
    readonly startDate?: string;
  };
  readonly modified?: HrTrigger & {
    /** Only changes of these attributes start it (other changes update the snapshot quietly). @default any */
    readonly on?: readonly string[];
  };
  readonly deleted?: HrTrigger;
  /** The guard: a run that would start more workflows than this stops unless forced. */
  readonly threshold?: { readonly count?: number; readonly percent?: number };
}

const TRANSITION = /^[A-Za-z]+-[A-Za-z]+-[A-Za-z]+$/;

/** Reads a mapping as written in a YAML or JSON file; every problem is listed in one `HR_SOURCE_INVALID`. */
export function parseHrSource(input: unknown, nameOverride?: string): HrSourceConfig {
  const problems: string[] = [];
  const o = isObject(input) ? input : (problems.push('the mapping must be an object'), {});
  const known = ['name', 'key', 'columns', 'ignore', 'dates', 'subject', 'launcher', 'encoding', 'delimiter', 'added', 'modified', 'deleted', 'threshold'];
  for (const k of Object.keys(o)) if (!known.includes(k)) problems.push(`unknown setting "${k}" (known: ${known.join(', ')})`);
  const name = nameOverride ?? str(o, 'name', problems, true) ?? '';
  const key = str(o, 'key', problems, true) ?? '';
  const columns: Record<string, string> = {};
  if (!isObject(o.columns) || Object.keys(o.columns).length === 0) problems.push('"columns" must map at least one column to an attribute');
  else for (const [c, a] of Object.entries(o.columns)) typeof a === 'string' && a !== '' ? (columns[c] = a) : problems.push(`column "${c}" must map to an attribute name`);
  if (key !== '' && Object.keys(columns).length > 0 && !(key in columns)) problems.push(`the key column "${key}" must be among "columns"`);
  const ignore = Array.isArray(o.ignore) ? o.ignore.filter((x): x is string => typeof x === 'string') : [];
  const dates: Record<string, string> = {};
  if (o.dates !== undefined) {
    if (!isObject(o.dates)) problems.push('"dates" must map date columns to their format');
    else
      for (const [c, f] of Object.entries(o.dates)) {
        if (!(c in columns)) problems.push(`date column "${c}" is not among "columns"`);
        if (typeof f !== 'string' || !DateTime.fromFormat(DateTime.fromISO('2026-01-31', { zone: 'utc' }).toFormat(String(f)), String(f), { zone: 'utc' }).isValid)
          problems.push(`date column "${c}": "${String(f)}" is not a usable date format (luxon tokens, e.g. yyyy-MM-dd or dd/MM/yyyy)`);
        else dates[c] = f;
      }
  }
  const attributes = new Set(Object.values(columns));
  const subject = str(o, 'subject', problems, false) ?? columns[key] ?? '';
  if (o.subject !== undefined && !attributes.has(subject)) problems.push(`"subject" names attribute "${subject}", which no column maps to`);
  const encoding = (str(o, 'encoding', problems, false) ?? 'auto').toLowerCase();
  if (!(HR_ENCODINGS as readonly string[]).includes(encoding)) problems.push(`"encoding" must be one of ${HR_ENCODINGS.join(', ')}`);
  const delimiter = str(o, 'delimiter', problems, false) ?? ',';
  if (delimiter.length !== 1) problems.push('"delimiter" must be one character');
  const added = trigger(o, 'added', problems);
  const modified = trigger(o, 'modified', problems);
  const deleted = trigger(o, 'deleted', problems);
  const startDate = isObject(o.added) && typeof o.added.startDate === 'string' ? o.added.startDate : undefined;
  if (startDate !== undefined) {
    const dateAttrs = new Set(Object.keys(dates).map((c) => columns[c]));
    if (!dateAttrs.has(startDate)) problems.push(`added.startDate "${startDate}" must be the attribute of a date column`);
  }
  const on = isObject(o.modified) && Array.isArray(o.modified.on) ? o.modified.on.filter((x): x is string => typeof x === 'string') : undefined;
  for (const a of on ?? []) if (!attributes.has(a)) problems.push(`modified.on names attribute "${a}", which no column maps to`);
  let threshold: HrSourceConfig['threshold'];
  if (o.threshold !== undefined) {
    const t = isObject(o.threshold) ? o.threshold : {};
    const count = t.count;
    const percent = t.percent;
    if (count !== undefined && !(Number.isInteger(count) && (count as number) >= 0)) problems.push('"threshold.count" must be a whole number ≥ 0');
    if (percent !== undefined && !(typeof percent === 'number' && percent >= 0 && percent <= 100)) problems.push('"threshold.percent" must be a number from 0 to 100');
    if (count === undefined && percent === undefined) problems.push('"threshold" needs "count" or "percent"');
    threshold = { ...(typeof count === 'number' && { count }), ...(typeof percent === 'number' && { percent }) };
  }
  if (problems.length > 0) {
    throw new InvalidInputError('HR_SOURCE_INVALID', `the HR source mapping${name ? ` "${name}"` : ''} is not usable: ${problems.join('; ')}`, { source: name, problems });
  }
  return {
    name,
    key,
    columns,
    ignore,
    dates,
    subject,
    launcher: str(o, 'launcher', problems, false) ?? `hr:${name}`,
    encoding: encoding as HrEncoding,
    delimiter,
    ...(added && { added: { ...added, ...(startDate !== undefined && { startDate }) } }),
    ...(modified && { modified: { ...modified, ...(on !== undefined && { on }) } }),
    ...(deleted && { deleted }),
    ...(threshold && { threshold }),
  };
}

function trigger(o: Record<string, unknown>, name: string, problems: string[]): HrTrigger | undefined {
  const t = o[name];
  if (t === undefined) return undefined;
  if (!isObject(t) || typeof t.workflow !== 'string' || t.workflow === '') {
    problems.push(`"${name}" must name a "workflow"`);
    return undefined;
  }
  const ft = t.firstTransition;
  if (ft !== undefined && (typeof ft !== 'string' || !TRANSITION.test(ft))) {
    problems.push(`"${name}.firstTransition" must read <Template>-<State>-<Verb>, e.g. ActionWithRefine-ActionPending-Execute`);
  }
  return { workflow: t.workflow, ...(typeof ft === 'string' && { firstTransition: ft }) };
}

function str(o: Record<string, unknown>, k: string, problems: string[], required: boolean): string | undefined {
  const v = o[k];
  if (v === undefined) {
    if (required) problems.push(`"${k}" is required`);
    return undefined;
  }
  if (typeof v !== 'string' || v === '') {
    problems.push(`"${k}" must be a non-empty string`);
    return undefined;
  }
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
