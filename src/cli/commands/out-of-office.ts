import type { Command } from 'commander';
import type { AbsenceRecord } from '../../repository/absence-store.js';
import { action } from '../action.js';
import { parseDateArg } from '../date-arg.js';
import { printJson, println, printTable } from '../output.js';
import { personName } from '../option-values.js';
import { cliCaller, withEngine } from './run-support.js';

interface SetOptions {
  readonly delegate: string;
  readonly from?: string;
  readonly until?: string;
  readonly note?: string;
  readonly handOver?: boolean;
  readonly as?: string;
  readonly json?: boolean;
}

interface ClearOptions {
  readonly as?: string;
  readonly json?: boolean;
}

const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

function absenceJson(a: AbsenceRecord): Record<string, unknown> {
  return { person: a.person, delegate: a.delegate, from: iso(a.from), until: iso(a.until), note: a.note, setBy: a.setBy, setAt: iso(a.setAt) };
}

/**
 * `idflow out-of-office set|clear|list` (docs/decisions/out-of-office.md): while a person is away, the new work items
 * that name them go to their delegate; their open items can be handed over at once.
 */
export function registerOutOfOffice(program: Command): void {
  const ooo = program
    .command('out-of-office')
    .summary('declare an absence: new work items go to a delegate meanwhile')
    .description(
      'While PERSON is out of office, every new work item owned by them by name is created owned by their delegate, ' +
        'who decides it in their place; the item, the decision and the audit keep PERSON as the original owner. Items ' +
        'offered by permission are not routed. An approval is never routed or handed to its own requester or subject ' +
        '(the four-eyes rule): it stays with PERSON.',
    );

  ooo
    .command('set')
    .summary('declare (or replace) an absence')
    .argument('[person]', 'who is away (default: --as); only administrators declare for others, and the CLI is one')
    .requiredOption('--delegate <user>', 'who holds the new work items meanwhile')
    .option('--from <time>', 'when it starts (default now), e.g. 2026-12-24 or "2026-12-24 08:00 Europe/Paris"')
    .option('--until <time>', 'when it ends, exclusive (default: until cleared)')
    .option('--note <text>', 'a note for the record')
    .option('--hand-over', 'also hand the open items owned by PERSON over to the delegate now')
    .option('--as <user>', 'who declares it (recorded); default $IDFLOW_USER or the system user')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  idflow out-of-office set --delegate dave --until 2026-12-31 --hand-over --as ann
  idflow out-of-office set ann --delegate dave --from 2026-12-24 --until 2027-01-02`,
    )
    .action(
      action(async (personText: string | undefined, options: SetOptions, command: Command) => {
        const person = personText === undefined ? undefined : personName(personText, 'PERSON');
        const delegate = personName(options.delegate, '--delegate');
        const from = options.from === undefined ? undefined : await parseDateArg(options.from, '--from');
        const until = options.until === undefined ? undefined : await parseDateArg(options.until, '--until');
        await withEngine(command, async (engine) => {
          const result = await engine.declareAbsence(
            {
              ...(person !== undefined && { person }),
              delegate,
              ...(from !== undefined && { from }),
              ...(until !== undefined && { until }),
              ...(options.note !== undefined && { note: options.note }),
              ...(options.handOver && { handOver: true }),
            },
            cliCaller(options.as),
          );
          if (options.json) return printJson({ absence: absenceJson(result.absence), handedOver: result.handedOver, kept: result.kept });
          const a = result.absence;
          println(`${a.person} is out of office from ${iso(a.from)}${a.until === null ? ' until cleared' : ` until ${iso(a.until)}`}; new work items go to ${a.delegate}`);
          if (options.handOver) println(`handed over ${result.handedOver.length} open work item${result.handedOver.length === 1 ? '' : 's'} to ${a.delegate}`);
          for (const k of result.kept) println(`kept ${k.workItemId} (${k.code}): ${k.reason}`);
        });
      }),
    );

  ooo
    .command('clear')
    .summary('end an absence')
    .description('Ends the absence: new work items are PERSON\'s again. Items already handed over or routed stay with the delegate.')
    .argument('[person]', 'who is back (default: --as)')
    .option('--as <user>', 'who clears it (recorded); default $IDFLOW_USER or the system user')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (personText: string | undefined, options: ClearOptions, command: Command) => {
        const person = personText === undefined ? undefined : personName(personText, 'PERSON');
        await withEngine(command, async (engine) => {
          const caller = cliCaller(options.as);
          await engine.clearAbsence(person, caller);
          const who = person ?? caller.person;
          if (options.json) return printJson({ person: who, cleared: true });
          println(`${who} is back: new work items are theirs again`);
        });
      }),
    );

  ooo
    .command('list')
    .summary('list declared absences')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (options: { readonly json?: boolean }, command: Command) => {
        await withEngine(command, async (engine) => {
          // The CLI is a local administrator: it lists every absence.
          const rows = await engine.listAbsences(cliCaller(undefined));
          if (options.json) return printJson(rows.map(absenceJson));
          if (rows.length === 0) return println('nobody is out of office');
          printTable(rows, [
            { header: 'person', value: (a) => a.person },
            { header: 'delegate', value: (a) => a.delegate },
            { header: 'from', value: (a) => new Date(a.from).toISOString() },
            { header: 'until', value: (a) => iso(a.until) ?? '(until cleared)' },
            { header: 'note', value: (a) => a.note ?? '' },
          ]);
        });
      }),
    );
}
