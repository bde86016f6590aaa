import type { Command } from 'commander';
import { action } from '../action.js';
import { openRequiredCliRepository, withRepository } from '../cli-repository.js';
import { mailRoundText, mailSettingsOption, runMailWorker } from '../mail-support.js';
import { roundFailedEvent, workerEventWriter } from './worker.js';

export function registerMailWorker(program: Command): void {
  program
    .command('mail-worker')
    .summary('send email notifications from the outbox until stopped')
    .description(
      'Sends the notification outbox through SMTP until SIGTERM or SIGINT: writes reminders of work items that fall ' +
        'due, claims due notifications in batches under a lease, sends each with a timeout, retries what the server ' +
        'defers (4xx, connection failures) with backoff and marks what it refuses (5xx) failed, with the reason. ' +
        '`idflow worker --mail-config FILE` runs the same loop beside the instance worker. docs/email.md.',
    )
    .option('--mail-config <file>', 'the mail settings (JSON; default $IDFLOW_MAIL_CONFIG)')
    .option('--once', 'run one round and exit')
    .option('--json', 'emit one JSON object per line on stdout')
    .addHelpText(
      'after',
      `
Examples:
  IDFLOW_SMTP_PASSWORD=… idflow mail-worker --mail-config mail.json
  idflow mail-worker --mail-config mail.json --once`,
    )
    .action(
      action(async (options: { mailConfig?: string; once?: boolean; json?: boolean }, command: Command) => {
        const settings = (await mailSettingsOption(options.mailConfig, true))!;
        const emit = workerEventWriter(Boolean(options.json));
        await withRepository(await openRequiredCliRepository(command), async (repo) => {
          const stop = new AbortController();
          const onSignal = (): void => stop.abort();
          process.once('SIGTERM', onSignal);
          process.once('SIGINT', onSignal);
          try {
            if (!options.once) emit({ event: 'started', at: new Date().toISOString(), pid: process.pid, concurrency: 1, batchSize: settings.batchSize });
            const round = await runMailWorker(repo, settings, stop.signal, (e) => emit(roundFailedEvent(e)), Boolean(options.once));
            if (round) {
              if (options.json) process.stdout.write(`${JSON.stringify({ event: 'mail-round', at: new Date().toISOString(), ...round })}\n`);
              else process.stderr.write(`${mailRoundText(round)}\n`);
            } else {
              emit({ event: 'stopped', at: new Date().toISOString() });
            }
          } finally {
            process.off('SIGTERM', onSignal);
            process.off('SIGINT', onSignal);
          }
        });
      }),
    );
}
