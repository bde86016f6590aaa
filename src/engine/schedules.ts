import type { TaskScheduleObject } from '../definition/model/objects.js';
import type { XValue } from '../expression/env.js';
import { IdflowError } from '../errors.js';
import type { ScheduleStateRecord } from '../repository/runtime-store.js';
import type { EngineContext } from './engine-context.js';
import { launchTask } from './launch.js';

/** At most this many missed occurrences are caught up in one round (skipMissed false). */
const MAX_CATCH_UP = 100;

/** A schedule with where it stands, for `idflow schedule list`. */
export interface ScheduleView
  extends Pick<TaskScheduleObject, 'name' | 'definition' | 'start' | 'repeatSeconds' | 'repeatCount' | 'disabled' | 'skipMissed'> {
  readonly lastRun?: string;
  /** Absent when the schedule has no run left (a one-shot that ran, repeatCount reached) or is invalid. */
  readonly nextRun?: string;
  readonly runCount: number;
}

/** The occurrences of a schedule due at `now`, and the state after running them. */
export function dueRuns(
  schedule: TaskScheduleObject,
  state: ScheduleStateRecord | undefined,
  now: number,
): { readonly runs: readonly number[]; readonly next: ScheduleStateRecord } | undefined {
  const first = Date.parse(schedule.start);
  if (Number.isNaN(first)) return undefined;
  const nextRun = state ? state.nextRun : first;
  if (nextRun === null || nextRun > now) return undefined;
  const period = schedule.repeatSeconds * 1000;
  const runCount = state?.runCount ?? 0;
  let due: number[];
  let after: number | null;
  if (period <= 0) {
    due = [nextRun];
    after = null;
  } else {
    const missed = Math.floor((now - nextRun) / period);
    after = nextRun + (missed + 1) * period;
    due = [];
    for (let k = Math.max(0, missed - MAX_CATCH_UP + 1); k <= missed; k++) due.push(nextRun + k * period);
  }
  // skipMissed: of several due occurrences only the latest runs; the earlier ones are missed and skipped.
  if (schedule.skipMissed) due = due.slice(-1);
  if (schedule.repeatCount !== undefined && schedule.repeatCount > 0) {
    due = due.slice(0, Math.max(0, schedule.repeatCount - runCount));
    if (runCount + due.length >= schedule.repeatCount) after = null;
  }
  const last = due.at(-1) ?? state?.lastRun ?? null;
  return { runs: due, next: { name: schedule.name, lastRun: last, nextRun: after, runCount: runCount + due.length, updatedAt: now } };
}

/**
 * Runs the schedules that are due. Each occurrence is claimed first (a compare-and-set on the schedule's next run),
 * so two workers never run it twice; then the definition is launched as the schedule's task (named after the
 * schedule unless it names its task), with the schedule's resultOption winning over the definition's. With
 * `wait`, an occurrence whose previous result still exists is skipped; every skip or failure is an audit row.
 */
export async function runSchedules(ctx: EngineContext, now: number): Promise<number> {
  const schedules = ctx.definitions.schedules().filter((s) => !s.disabled);
  if (schedules.length === 0) return 0;
  const states = new Map((await ctx.store.listScheduleStates()).map((s) => [s.name, s]));
  let launched = 0;
  for (const schedule of schedules) {
    const state = states.get(schedule.name);
    const due = dueRuns(schedule, state, now);
    if (!due) continue;
    if (!(await ctx.store.updateScheduleState(due.next, state ? state.nextRun : undefined))) continue;
    for (const at of due.runs) {
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
          { source: 'schedule', ...(schedule.resultOption !== undefined && { resultOption: schedule.resultOption }) },
        );
        launched++;
      } catch (e) {
        const code = e instanceof IdflowError ? e.code : 'INTERNAL';
        await ctx.store.appendAudit([
          {
            at: now,
            definitionName: schedule.definition,
            event: code === 'TASK_RESULT_EXISTS' ? 'schedule-skipped' : 'schedule-failed',
            actor: 'Scheduler',
            data: { schedule: schedule.name, occurrence: new Date(at).toISOString(), code, message: e instanceof Error ? e.message : String(e) },
          },
        ]);
      }
    }
  }
  return launched;
}

/** Every TaskSchedule (latest version) with its state. */
export async function listSchedules(ctx: EngineContext): Promise<ScheduleView[]> {
  await ctx.definitions.refresh();
  const states = new Map((await ctx.store.listScheduleStates()).map((s) => [s.name, s]));
  return ctx.definitions.schedules().map((s) => {
    const state = states.get(s.name);
    const first = Date.parse(s.start);
    const next = state ? state.nextRun : Number.isNaN(first) ? null : first;
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
      runCount: state?.runCount ?? 0,
    };
  });
}
