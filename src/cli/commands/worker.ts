import type { Command } from 'commander';
import { action } from '../action.js';
import { printJson } from '../output.js';
import { positiveInteger } from '../option-values.js';
import { withEngine } from './run-support.js';

interface WorkerOptions {
  readonly batchSize?: string;
  readonly once?: boolean;
  readonly json?: boolean;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .summary('run async launches, timers, schedules and cleanup until stopped')
    .description(
      'Runs worker rounds until SIGTERM or SIGINT: claims due TaskInstances in batches, advances them and commits ' +
        'each batch at once; runs due TaskSchedules; deletes expired results and terminates instances past their ' +
        'execLimit. On a signal it finishes the current round, releases its claims and exits 0. Several workers may ' +
        'share one repository; a killed worker\'s instances are taken over when its claims expire.',
    )
    .option('--batch-size <n>', 'instances claimed per round (default 100)')
    .option('--once', 'run one round and exit')
    .option('--json', 'errors as JSON on stderr; with --once, the round as JSON on stdout')
    .addHelpText(
      'after',
      `
Examples:
  idflow worker
  idflow worker --once --batch-size 500`,
    )
    .action(
      action(async (options: WorkerOptions, command: Command) => {
        const batchSize = options.batchSize === undefined ? undefined : positiveInteger(options.batchSize, '--batch-size', 'CLI_BAD_BATCH_SIZE');
        await withEngine(
          command,
          async (engine) => {
            if (options.once) {
              const round = await engine.runWorkerOnce();
              if (options.json) return printJson(round);
              process.stderr.write(`idflow worker: advanced ${round.advanced}, scheduled ${round.scheduled}, swept ${round.swept}\n`);
              return;
            }
            const stop = new AbortController();
            const onSignal = (): void => stop.abort();
            process.once('SIGTERM', onSignal);
            process.once('SIGINT', onSignal);
            process.stderr.write(`idflow worker: started (pid ${process.pid})\n`);
            try {
              await engine.runWorker(stop.signal);
            } finally {
              process.off('SIGTERM', onSignal);
              process.off('SIGINT', onSignal);
            }
            process.stderr.write('idflow worker: stopped\n');
          },
          batchSize !== undefined ? { batchSize } : {},
        );
      }),
    );
}
