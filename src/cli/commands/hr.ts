import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { hasErrorCode } from '../../errors.js';
import { action } from '../action.js';
import { openRequiredCliRepository } from '../cli-repository.js';
import { printJson, println } from '../output.js';
import { oneOf } from '../option-values.js';
import { ProgressBar } from '../progress.js';
import { UsageError } from '../usage-error.js';
import { withEngine } from './run-support.js';

/** Launches above which `hr import` draws a progress bar (on a terminal only). */
const PROGRESS_FROM = 50;

interface ImportOptions {
  readonly source: string;
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly json?: boolean;
  readonly encoding?: string;
}

export function registerHr(program: Command): void {
  const hr = program
    .command('hr')
    .summary('the HR feed: import HR files, manage sources')
    .description('Imports CSV files from HR systems: each run is compared with the last file of its source, and joiners, movers and leavers start the workflows the source names (docs/hr-feed.md).');

  hr.command('import')
    .summary('import an HR CSV file')
    .description(
      'Reads FILE with the mapping of --source, compares it with that source\'s last snapshot and starts the configured ' +
        'workflows (a joiner dated in the future on its date). A bad file is refused whole, with a report per row, and ' +
        'changes nothing. A run that would start more workflows than the source\'s threshold stops unless --force.',
    )
    .argument('<file>', 'the CSV file')
    .requiredOption('--source <name>', 'the HR source whose mapping reads the file')
    .option('--dry-run', 'print the plan (who joins, moves, leaves; which workflows start) and change nothing')
    .option('--force', 'apply even when the run starts more workflows than the threshold')
    .option('--encoding <encoding>', 'the file\'s encoding when the source\'s does not fit: auto, utf-8, utf-16le, utf-16be, latin1')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `
Examples:
  idflow hr import people-2026-03-01.csv --source workday --dry-run
  idflow hr import people-2026-03-01.csv --source workday
  idflow hr import export.csv --source payroll --encoding latin1 --force --json`)
    .action(
      action(async (file: string, options: ImportOptions, command: Command) => {
        const { HR_ENCODINGS, importHrFile } = await import('../../connectors/hr/index.js');
        const encoding = options.encoding === undefined ? undefined : oneOf(options.encoding.toLowerCase(), HR_ENCODINGS, '--encoding', 'CLI_BAD_ENCODING');
        let bytes: Uint8Array;
        try {
          bytes = await readFile(file);
        } catch (e) {
          throw new UsageError('CLI_FILE_UNREADABLE', `${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { file });
        }
        let bar: ProgressBar | undefined;
        await withEngine(command, async (engine, repository) => {
          const result = await reportRefusal(options.json, () => importHrFile(
            { repository, engine },
            {
              source: options.source,
              file: basename(file),
              bytes,
              ...(options.dryRun && { dryRun: true }),
              ...(options.force && { force: true }),
              ...(encoding !== undefined && { encoding }),
              onProgress: (done, total) => {
                if (total < PROGRESS_FROM || !process.stderr.isTTY) return;
                (bar ??= new ProgressBar(process.stderr, total, 'starting workflows')).update(done);
              },
            },
          ));
          bar?.finish();
          if (options.json) return printJson(result);
          const p = result.plan;
          println(`${result.outcome === 'dry-run' ? 'plan' : 'applied'} (run ${result.runId}): ${p.rows} rows, ${p.joiners.length} joiners, ${p.movers.length} movers, ${p.leavers.length} leavers, ${p.updated.length} updated quietly, ${p.unchanged} unchanged`);
          for (const l of p.launches) {
            const when = l.dueAt > Date.now() ? ` on ${new Date(l.dueAt).toISOString().slice(0, 10)}` : '';
            println(`  ${l.change.padEnd(8)} ${l.key}${l.subject ? ` (${l.subject})` : ''} → ${l.definition}${when}${l.changed ? ` [${l.changed.join(', ')}]` : ''}`);
          }
          if (result.threshold !== undefined) println(`threshold: ${result.threshold} workflows per run`);
          if (result.launches) {
            println(`started ${result.launches.launched} workflows${result.launches.failed ? `, ${result.launches.failed} failed:` : ''}`);
            for (const f of result.launches.results.filter((r) => r.error !== undefined && r.retryAt === undefined)) println(`  ${f.key} → ${f.definition}: ${f.error}`);
            printDeferred(result.launches);
            if (result.launches.failed > 0) process.exitCode = 1;
          }
        });
      }),
    );

  hr.command('launch')
    .summary('start the HR workflows that are due (future hires on their date)')
    .description('Starts every workflow an HR run planned whose date has come. Run it daily (cron), or let each `idflow hr import` do it.')
    .option('--source <name>', 'only this source\'s')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (options: { source?: string; json?: boolean }, command: Command) => {
        const { launchDueHr } = await import('../../connectors/hr/index.js');
        const { loadHrSource } = await import('../../connectors/hr/hr-import.js');
        await withEngine(command, async (engine, repository) => {
          const report = await launchDueHr(
            { repository, engine, clock: Date.now },
            { ...(options.source !== undefined && { source: options.source }), launcher: async (s) => (await loadHrSource(repository, s)).launcher },
          );
          if (options.json) return printJson(report);
          println(`started ${report.launched} workflows${report.failed ? `, ${report.failed} failed` : ''}`);
          for (const f of report.results.filter((r) => r.error !== undefined && r.retryAt === undefined)) println(`  ${f.key} → ${f.definition}: ${f.error}`);
          printDeferred(report);
        });
      }),
    );

  const source = hr.command('source').summary('set, show and list HR sources (their mappings)');
  source
    .command('set')
    .summary('store an HR source mapping from a YAML or JSON file')
    .argument('<file>', 'the mapping (docs/hr-feed.md)')
    .option('--name <name>', 'the source name (default: the file\'s "name")')
    .action(
      action(async (file: string, options: { name?: string }, command: Command) => {
        const { parseHrSource } = await import('../../connectors/hr/index.js');
        const { parse } = await import('yaml');
        let value: unknown;
        try {
          value = parse(await readFile(file, 'utf8'), { maxAliasCount: 100, uniqueKeys: true });
        } catch (e) {
          throw new UsageError('CLI_FILE_UNREADABLE', `${file}: cannot read it as YAML or JSON (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`, { file });
        }
        const config = parseHrSource(value, options.name);
        const repo = await openRequiredCliRepository(command);
        try {
          await repo.hr.putSource(config.name, { ...(value as Record<string, unknown>), name: config.name }, Date.now());
        } finally {
          await repo.close();
        }
        println(`HR source ${config.name} stored`);
      }),
    );
  source
    .command('list')
    .summary('list the HR sources')
    .option('--json', 'print as JSON')
    .action(
      action(async (options: { json?: boolean }, command: Command) => {
        const repo = await openRequiredCliRepository(command);
        try {
          const names = await repo.hr.listSources();
          if (options.json) return printJson(names);
          if (names.length === 0) println('no HR sources; set one with `idflow hr source set FILE`');
          for (const n of names) println(n);
        } finally {
          await repo.close();
        }
      }),
    );
  source
    .command('show')
    .summary('show an HR source\'s mapping')
    .argument('<name>')
    .action(
      action(async (name: string, _options: unknown, command: Command) => {
        const { loadHrSource } = await import('../../connectors/hr/hr-import.js');
        const repo = await openRequiredCliRepository(command);
        try {
          printJson(await loadHrSource(repo, name));
        } finally {
          await repo.close();
        }
      }),
    );
}

/** Launches put off because their person had an update workflow running: said, not counted as failures. */
function printDeferred(report: { readonly deferred?: number; readonly results: readonly { readonly key: string; readonly definition: string; readonly retryAt?: number }[] }): void {
  if (!report.deferred) return;
  println(`${report.deferred} put off (the person has an update workflow running), tried again later:`);
  for (const d of report.results.filter((r) => r.retryAt !== undefined)) println(`  ${d.key} → ${d.definition} at ${new Date(d.retryAt!).toISOString()}`);
}

/** A refused file: every problem on stderr, one per line with its line number, before the error itself. */
async function reportRefusal<T>(json: boolean | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (!json && hasErrorCode(e, 'HR_FILE_REFUSED')) {
      const problems = (e as { details: { problems?: readonly { line?: number; kind: string; message: string }[] } }).details.problems ?? [];
      for (const p of problems) process.stderr.write(`${p.line !== undefined ? `line ${p.line}` : 'file'}: ${p.kind}: ${p.message}\n`);
    }
    throw e;
  }
}
