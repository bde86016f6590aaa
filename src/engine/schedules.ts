import { cronNextAfter } from '../definition/cron-schedule.js';
import type { TaskScheduleObject } from '../definition/model/objects.js';
import type { XValue } from '../expression/env.js';
import { IdflowError, hasErrorCode } from '../errors.js';
import type { AuditRecord, ScheduleStateRecord } from '../repository/runtime-store.js';
import { isDatabaseFault } from '../repository/storage-error.js';
import type { EngineContext } from './engine-context.js';
import { launchTask } from './launch.js';

/**
 * At most this many missed occurrences are caught up in one go (skipMissed false): of more, the oldest are skipped,
 * on record.
 */
export const MAX_CATCH_UP = 100;

/** A schedule with where it stands, for `idflow schedule list`. */
export interface ScheduleView
  extends Pick<TaskScheduleObject, 'name' | 'definition' | 'start' | 'repeatSeconds' | 'repeatCount' | 'disabled' | 'skipMissed' | 'cron' | 'timezone'> {
  readonly lastRun?: string;
  /** Absent when the schedule has no run left (a one-shot that ran, repeatCount reached) or is invalid. */
  readonly nextRun?: string;
  readonly runCount: number;
  /** The next runs (up to three), the first being `nextRun`. */
  readonly nextRuns: readonly string[];
}

/** The next occurrence of a schedule to run at `now`, and the state once it ran. */
export interface ScheduleOccurrence {
  /** When the occurrence was due. */
  readonly at: number;
  readonly next: ScheduleStateRecord;
  /** Earlier occurrences passed over on the way to this one (skipMissed, or beyond the catch-up limit). */
  readonly skipped?: { readonly count: number; readonly first: number; readonly last: number; readonly reason: 'skipMissed' | 'catch-up limit' };
}

/**
 * The occurrence of a schedule to run next at `now`, undefined when none is due. Occurrences run one at a time,
 * oldest first; several due at once all run (the latest {@link MAX_CATCH_UP}), except with skipMissed, where only
 * the latest runs. The ones passed over are reported in `skipped`. A schedule with a repeat count stops after that
 * many runs.
 */
export function nextOccurrence(schedule: TaskScheduleObject, state: ScheduleStateRecord | undefined, now: number): ScheduleOccurrence | undefined {
  if (schedule.cron !== undefined) return nextCronOccurrence(schedule, schedule.cron, state, now);
  const first = Date.parse(schedule.start);
  if (Number.isNaN(first)) return undefined;
  const nextRun = state ? state.nextRun : first;
  if (nextRun === null || nextRun > now) return undefined;
  const runCount = state?.runCount ?? 0;
  if (runsLeft(schedule, runCount) <= 0) return undefined;
  const period = schedule.repeatSeconds * 1000;
  let at = nextRun;
  let after: number | null = null;
  let skipped: ScheduleOccurrence['skipped'];
  if (period > 0) {
    const due = Math.floor((now - nextRun) / period) + 1;
    const keep = keptOf(schedule);
    if (due > keep) {
      const count = due - keep;
      skipped = { count, first: nextRun, last: nextRun + (count - 1) * period, reason: skipReason(schedule) };
      at = nextRun + count * period;
    }
    after = at + period;
  }
  return occurrence(schedule, runCount, now, at, after, skipped);
}

/** The first run of a schedule: its start, or with cron the first cron time at or after its start. */
export function firstRun(schedule: TaskScheduleObject): number | null {
  const start = Date.parse(schedule.start);
  if (Number.isNaN(start)) return null;
  return schedule.cron === undefined ? start : cronNextAfter(schedule.cron, schedule.timezone, start - 1);
}

/** Cron schedules: the same catch-up rules as periods, over the times the expression gives. */
function nextCronOccurrence(schedule: TaskScheduleObject, cron: string, state: ScheduleStateRecord | undefined, now: number): ScheduleOccurrence | undefined {
  const nextRun = state ? state.nextRun : firstRun(schedule);
  if (nextRun === null || nextRun > now) return undefined;
  const runCount = state?.runCount ?? 0;
  if (runsLeft(schedule, runCount) <= 0) return undefined;
  // The due times, oldest first; only the last `keep` are kept (a bounded walk: MAX_CATCH_UP back from now).
  const keep = keptOf(schedule);
  const due: number[] = [];
  let count = 0;
  let lastPassed = nextRun;
  for (let t: number | null = nextRun; t !== null && t <= now; t = cronNextAfter(cron, schedule.timezone, t)) {
    due.push(t);
    if (due.length > keep) lastPassed = due.shift()!;
    count++;
    if (count > 1_000_000) break;
  }
  const at = due[0]!;
  const passed = count - due.length;
  const skipped: ScheduleOccurrence['skipped'] =
    passed > 0 ? { count: passed, first: nextRun, last: lastPassed, reason: skipReason(schedule) } : undefined;
  return occurrence(schedule, runCount, now, at, cronNextAfter(cron, schedule.timezone, at), skipped);
}

/** Runs a schedule with a repeat count has left after `runCount`; Infinity without one. */
function runsLeft(schedule: TaskScheduleObject, runCount: number): number {
  return schedule.repeatCount !== undefined && schedule.repeatCount > 0 ? schedule.repeatCount - runCount : Infinity;
}

/** Of several due occurrences, how many (the latest) run. */
function keptOf(schedule: TaskScheduleObject): number {
  return schedule.skipMissed ? 1 : MAX_CATCH_UP;
}

function skipReason(schedule: TaskScheduleObject): 'skipMissed' | 'catch-up limit' {
  return schedule.skipMissed ? 'skipMissed' : 'catch-up limit';
}

/** The occurrence due `at`, run as number `runCount + 1`; the next one is `after` unless that was the last run. */
function occurrence(
  schedule: TaskScheduleObject,
  runCount: number,
  now: number,
  at: number,
  after: number | null,
  skipped: ScheduleOccurrence['skipped'],
): ScheduleOccurrence {
  const nextRun = runsLeft(schedule, runCount) <= 1 ? null : after;
  return { at, next: { name: schedule.name, lastRun: at, nextRun, runCount: runCount + 1, updatedAt: now }, ...(skipped && { skipped }) };
}

/** The next `n` run times of a schedule from its state (for `idflow schedule list`). */
export function upcomingRuns(schedule: TaskScheduleObject, next: number | null, runCount: number, n: number): number[] {
  const out: number[] = [];
  const limit = runsLeft(schedule, runCount);
  for (let t = next; t !== null && out.length < Math.min(n, limit); ) {
    out.push(t);
    if (schedule.cron !== undefined) t = cronNextAfter(schedule.cron, schedule.timezone, t);
    else if (schedule.repeatSeconds > 0) t = t + schedule.repeatSeconds * 1000;
    else t = null;
  }
  return out;
}

/**
 * Runs the schedules that are due, one occurrence at a time, each in ONE transaction with the schedule's state:
 * the state's compare-and-set on its next run commits with the occurrence's launch (or, when the launch is refused,
 * with the audit row saying why), so every due occurrence is launched exactly once or recorded as skipped or failed,
 * even when the worker dies half-way through a catch-up; and two workers never run one occurrence twice. The
 * definition is launched as the schedule's task (named after the schedule unless it names its task), with the
 * schedule's resultOption winning over the definition's. With `wait`, an occurrence whose previous result still
 * exists is skipped (`schedule-skipped`); other refusals are `schedule-failed`; occurrences passed over by
 * skipMissed or the catch-up limit are one `schedule-skipped` row with their count.
 */
export async function runSchedules(ctx: EngineContext, now: number): Promise<number> {
  const schedules = ctx.definitions.schedules().filter((s) => !s.disabled);
  if (schedules.length === 0) return 0;
  const states = new Map((await ctx.store.listScheduleStates()).map((s) => [s.name, s]));
  let launched = 0;
  for (const schedule of schedules) {
    let state = states.get(schedule.name);
    for (let o = nextOccurrence(schedule, state, now); o; o = nextOccurrence(schedule, state, now)) {
      const change = { next: o.next, expectedNextRun: state ? state.nextRun : undefined };
      const audit = o.skipped ? [skippedAudit(schedule, o.skipped, now)] : [];
      try {
        await launchTask(
          ctx,
          {
            definition: schedule.definition,
            variables: schedule.variables as Readonly<Record<string, XValue>>,
            // The schedule's creator launches its tasks (WF_CASE_OWNER), as a person would have.
            launcher: schedule.attributes['creator'] ?? 'Scheduler',
            taskName: schedule.taskName ?? schedule.name,
          },
          {
            source: 'schedule',
            ...(schedule.resultOption !== undefined && { resultOption: schedule.resultOption }),
            schedule: { name: schedule.name, change, occurrence: o.at, audit },
          },
        );
        launched++;
      } catch (e) {
        // The database failing is nobody's refusal: nothing was written, the occurrence stays due for the next round.
        if (isDatabaseFault(e) || hasErrorCode(e, 'SCHEDULE_OCCURRENCE_TAKEN')) break;
        const code = e instanceof IdflowError ? e.code : 'INTERNAL';
        const refused: AuditRecord = {
          at: now,
          definitionName: schedule.definition,
          event: code === 'TASK_RESULT_EXISTS' ? 'schedule-skipped' : 'schedule-failed',
          actor: 'Scheduler',
          data: { schedule: schedule.name, occurrence: new Date(o.at).toISOString(), code, message: e instanceof Error ? e.message : String(e) },
        };
        // Consumed with the row that says why; another worker that moved the schedule meanwhile has it instead.
        if (!(await ctx.store.updateScheduleState(change.next, change.expectedNextRun, [...audit, refused]))) break;
      }
      state = o.next;
    }
  }
  return launched;
}

function skippedAudit(schedule: TaskScheduleObject, skipped: NonNullable<ScheduleOccurrence['skipped']>, now: number): AuditRecord {
  return {
    at: now,
    definitionName: schedule.definition,
    event: 'schedule-skipped',
    actor: 'Scheduler',
    data: {
      schedule: schedule.name,
      reason: skipped.reason,
      count: skipped.count,
      first: new Date(skipped.first).toISOString(),
      last: new Date(skipped.last).toISOString(),
    },
  };
}

/** Every TaskSchedule (latest version) with its state. */
export async function listSchedules(ctx: EngineContext): Promise<ScheduleView[]> {
  await ctx.definitions.refresh();
  const states = new Map((await ctx.store.listScheduleStates()).map((s) => [s.name, s]));
  return ctx.definitions.schedules().map((s) => {
    const state = states.get(s.name);
    const next = state ? state.nextRun : firstRun(s);
    const upcoming = upcomingRuns(s, next, state?.runCount ?? 0, 3);
    return {
      name: s.name,
      definition: s.definition,
      start: s.start,
      repeatSeconds: s.repeatSeconds,
      ...(s.repeatCount !== undefined && { repeatCount: s.repeatCount }),
      disabled: s.disabled,
      skipMissed: s.skipMissed,
      ...(state?.lastRun != null && { lastRun: new Date(state.lastRun).toISOString() }),
      ...(next !== null && { nextRun: new Date(next).toISOString() }),
      nextRuns: upcoming.map((t) => new Date(t).toISOString()),
      ...(s.cron !== undefined && { cron: s.cron }),
      ...(s.timezone !== undefined && { timezone: s.timezone }),
      runCount: state?.runCount ?? 0,
    };
  });
}
