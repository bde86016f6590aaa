import type { Command } from 'commander';
import { action } from '../action.js';
import { printJson, println, printTable, shortTime } from '../output.js';
import { withEngine } from './run-support.js';

export function registerSchedule(program: Command): void {
  const schedule = program.command('schedule').summary('TaskSchedules').description('TaskSchedules and where they stand.');
  schedule
    .command('list')
    .summary('list TaskSchedules with their last and next run')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  idflow schedule list
  idflow schedule list --json`,
    )
    .action(
      action(async (options: { json?: boolean }, command: Command) => {
        await withEngine(command, async (engine) => {
          const list = await engine.listSchedules();
          if (options.json) return printJson(list);
          if (list.length === 0) return println('no TaskSchedules');
          printTable(list, [
            { header: 'name', value: (s) => s.name },
            { header: 'definition', value: (s) => s.definition },
            { header: 'next runs', value: (s) => (s.disabled ? 'disabled' : s.nextRuns.length ? s.nextRuns.map(shortTime).join(', ') : 'done') },
            { header: 'last run', value: (s) => shortTime(s.lastRun) },
            { header: 'repeat', value: (s) => (s.cron !== undefined ? `cron ${s.cron}${s.timezone ? ` (${s.timezone})` : ' (UTC)'}` : s.repeatSeconds ? `every ${s.repeatSeconds} s` : 'once') },
            { header: 'runs', value: (s) => s.runCount, right: true },
            { header: 'skip missed', value: (s) => (s.skipMissed ? 'yes' : 'no') },
          ]);
        });
      }),
    );
}
