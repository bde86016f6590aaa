/**
 * The diff of one HR file against the source's last snapshot, and the workflows it starts. Pure: the same file and
 * snapshot give the same plan, so a dry run shows exactly what a real run would do.
 */
import type { XValue } from '../../expression/env.js';
import type { HrSourceConfig } from './hr-source.js';

export type HrChange = 'added' | 'modified' | 'deleted';

/** One workflow the run starts. */
export interface HrPlannedLaunch {
  readonly key: string;
  readonly change: HrChange;
  readonly definition: string;
  readonly subject: string | null;
  readonly firstTransition: string | null;
  /** Epoch ms: the run's time, or a future joiner's start date. */
  readonly dueAt: number;
  /** Attributes whose change started it (modified rows). */
  readonly changed?: readonly string[];
  readonly variables: Readonly<Record<string, XValue>>;
}

export interface HrPlan {
  readonly joiners: readonly string[];
  readonly movers: readonly string[];
  readonly leavers: readonly string[];
  /** Modified rows whose changes start nothing (not among `modified.on`): the snapshot takes them quietly. */
  readonly updated: readonly string[];
  readonly unchanged: number;
  readonly launches: readonly HrPlannedLaunch[];
  /** Rows in the file, rows in the previous snapshot. */
  readonly rows: number;
  readonly previousRows: number;
}

/** Change-set keys that belong in a dated record, not at the top level (docs/change-sets.md). */
const RECORD_KEYS = new Set(['ContractStartDate', 'ContractEndDate', 'PositionStartDate', 'PositionEndDate', 'StartDate']);

/**
 * A row's attributes as a Netwrix change set: record dates go into one entry of `Records`; empty cells are left
 * out of a joiner's change set and clear the attribute (null) in a mover's.
 */
export function changeSetOf(attrs: Readonly<Record<string, string>>, emptyAs: 'omit' | 'null'): Record<string, XValue> {
  const changes: Record<string, XValue> = {};
  const record: Record<string, XValue> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (v === '' && emptyAs === 'omit') continue;
    const value = v === '' ? null : v;
    if (RECORD_KEYS.has(k)) record[k] = value;
    else changes[k] = value;
  }
  if (Object.keys(record).length > 0) changes['Records'] = [record];
  return changes;
}

/** Epoch ms of midnight UTC of a `YYYY-MM-DD` date. */
function dayStart(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

export function planHrRun(source: HrSourceConfig, previous: ReadonlyMap<string, Record<string, string>>, rows: ReadonlyMap<string, Record<string, string>>, now: number): HrPlan {
  const joiners: string[] = [];
  const movers: string[] = [];
  const leavers: string[] = [];
  const updated: string[] = [];
  const launches: HrPlannedLaunch[] = [];
  let unchanged = 0;
  const today = new Date(now).toISOString().slice(0, 10);
  const subjectOf = (attrs: Record<string, string>): string | null => (attrs[source.subject] ? attrs[source.subject]! : null);
  const hr = (key: string, change: HrChange, extra: Record<string, XValue> = {}): Record<string, XValue> => ({ source: source.name, key, change, ...extra });
  for (const [key, attrs] of rows) {
    const before = previous.get(key);
    if (before === undefined) {
      joiners.push(key);
      const t = source.added;
      if (!t) continue;
      const start = t.startDate !== undefined ? attrs[t.startDate] : undefined;
      const startAt = start ? dayStart(start) : NaN;
      launches.push({
        key,
        change: 'added',
        definition: t.workflow,
        subject: subjectOf(attrs),
        firstTransition: t.firstTransition ?? null,
        dueAt: Number.isFinite(startAt) && startAt > now ? startAt : now,
        variables: { changes: changeSetOf(attrs, 'omit'), hr: hr(key, 'added') },
      });
      continue;
    }
    const changed = Object.keys({ ...before, ...attrs }).filter((a) => (before[a] ?? '') !== (attrs[a] ?? ''));
    if (changed.length === 0) {
      unchanged++;
      continue;
    }
    const t = source.modified;
    const relevant = t?.on === undefined ? changed : changed.filter((a) => t.on!.includes(a));
    if (!t || relevant.length === 0) {
      updated.push(key);
      continue;
    }
    movers.push(key);
    const previousValues: Record<string, XValue> = {};
    for (const a of changed) previousValues[a] = before[a] ?? null;
    // The change set carries what changed (and what names the person), not the whole row.
    const changes = changeSetOf(Object.fromEntries(changed.map((a) => [a, attrs[a] ?? ''])), 'null');
    const subject = subjectOf(before) ?? subjectOf(attrs);
    if (subject !== null && source.subject !== '' && changes[source.subject] === undefined) changes[source.subject] = subject;
    launches.push({
      key,
      change: 'modified',
      definition: t.workflow,
      subject,
      firstTransition: t.firstTransition ?? null,
      dueAt: now,
      changed,
      variables: { changes, hr: hr(key, 'modified', { changed, previous: previousValues }) },
    });
  }
  for (const [key, before] of previous) {
    if (rows.has(key)) continue;
    leavers.push(key);
    const t = source.deleted;
    if (!t) continue;
    const subject = subjectOf(before);
    const changes: Record<string, XValue> = { EndDate: today, ...(subject !== null && { [source.subject]: subject }) };
    launches.push({
      key,
      change: 'deleted',
      definition: t.workflow,
      subject,
      firstTransition: t.firstTransition ?? null,
      dueAt: now,
      variables: { changes, hr: hr(key, 'deleted', { previous: { ...before } }) },
    });
  }
  return { joiners, movers, leavers, updated, unchanged, launches, rows: rows.size, previousRows: previous.size };
}

/** The most workflows a run may start without `--force`, or undefined when the source sets no threshold. */
export function hrThreshold(source: HrSourceConfig, plan: HrPlan): number | undefined {
  const t = source.threshold;
  if (!t) return undefined;
  // A percentage of the source's identities: the larger of the last snapshot and this file, so a first load of a
  // whole company is measured against the company, not against an empty snapshot.
  const base = Math.max(plan.previousRows, plan.rows);
  const limits = [t.count, t.percent !== undefined ? Math.floor((base * t.percent) / 100) : undefined].filter((x): x is number => x !== undefined);
  return Math.min(...limits);
}
