import type { Command } from 'commander';
import type { ScheduleView } from '../../engine/schedules.js';
import { action } from '../action.js';
import { addListOptions, listRequest, pageRows, printList, type ListColumn, type ListOptionValues } from '../list-output.js';
import { shortTime } from '../output.js';
import { withEngine } from './run-support.js';

/** A schedule as the list pages it: dated by the import of its version in force, its name breaking ties. */
interface ScheduleRow extends ScheduleView {
  readonly id: string;
  readonly createdAt: string;
}

const repeatText = (s: ScheduleView): string =>
  s.cron !== undefined ? `cron ${s.cron}${s.timezone ? ` (${s.timezone})` : ' (UTC)'}` : s.repeatSeconds ? `every ${s.repeatSeconds} s` : 'once';

const SCHEDULE_COLUMNS: readonly ListColumn<ScheduleRow>[] = [
  { name: 'name', text: (s) => s.name },
  { name: 'definition', text: (s) => s.definition },
  {
    name: 'next-runs',
    // Three ISO times side by side: kept whole, as they are what the command is for.
    text: (s) => (s.disabled ? 'disabled' : s.nextRuns.length ? s.nextRuns.map(shortTime).join(', ') : 'done'),
    json: (s) => s.nextRuns,
    keep: true,
  },
  { name: 'last-run', text: (s) => shortTime(s.lastRun), json: (s) => s.lastRun ?? null },
  { name: 'repeat', text: repeatText },
  { name: 'runs', text: (s) => String(s.runCount), json: (s) => s.runCount, right: true },
  { name: 'skip-missed', text: (s) => (s.skipMissed ? 'yes' : 'no'), json: (s) => s.skipMissed },
  { name: 'next-run', text: (s) => shortTime(s.nextRun), json: (s) => s.nextRun ?? null, optional: true },
  { name: 'start', text: (s) => s.start, optional: true },
  { name: 'disabled', text: (s) => (s.disabled ? 'yes' : 'no'), json: (s) => s.disabled, optional: true },
  { name: 'created', text: (s) => shortTime(s.createdAt), json: (s) => s.createdAt, optional: true },
];
const FIELDS = SCHEDULE_COLUMNS.map((c) => c.name);

export function registerSchedule(program: Command): void {
  const schedule = program.command('schedule').summary('TaskSchedules').description('TaskSchedules and where they stand.');
  const list = schedule
    .command('list')
    .summary('list TaskSchedules with their last and next runs')
    .description(
      'Every TaskSchedule (its latest version) with its next three runs, last run, repeat and run count, newest first ' +
        'by the import time of that version. Pages of --limit rows (default 50); a full page prints on stderr the ' +
        '--after cursor of the next.',
    );
  addListOptions(list, FIELDS)
    .addHelpText(
      'after',
      `
Examples:
  idflow schedule list
  idflow schedule list --fields name,next-run,runs --output csv
  idflow schedule list --json`,
    )
    .action(
      action(async (options: ListOptionValues, command: Command) => {
        const request = await listRequest(options, FIELDS);
        await withEngine(command, async (engine, repo) => {
          const views = await engine.listSchedules();
          const imported = new Map((await repo.objects.listLatest('TaskSchedule')).map((o) => [o.name, o.createdAt]));
          const rows = pageRows(
            views.map((s): ScheduleRow => ({ ...s, id: s.name, createdAt: imported.get(s.name) ?? new Date(0).toISOString() })),
            request,
          );
          // JSON without --fields: the schedule as before, with the import time of its version.
          printList(rows, SCHEDULE_COLUMNS, request, 'no TaskSchedules', ({ id: _id, ...view }) => view);
        });
      }),
    );
}
