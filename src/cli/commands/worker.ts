import type { Command } from 'commander';
import type { WorkerActivity } from '../../engine/worker-activity.js';
import type { ProvisioningRound } from '../../provisioning/provisioning-worker.js';
import type { Repository } from '../../repository/repository.js';
import { action } from '../action.js';
import { positiveInteger } from '../option-values.js';
import { UsageError } from '../usage-error.js';
import { mailRoundText, mailSettingsOption, runMailWorker } from '../mail-support.js';
import { withEngine } from './run-support.js';

interface WorkerOptions {
  readonly batchSize?: string;
  readonly concurrency?: string;
  readonly reportEvery?: string;
  readonly once?: boolean;
  readonly json?: boolean;
  /** False with `--no-provisioning`. */
  readonly provisioning?: boolean;
  /** False with `--no-instances`: a provisioning-only worker. */
  readonly instances?: boolean;
  readonly provisioningParallel?: string;
  readonly mailConfig?: string;
}

/** One line of `idflow worker`'s output: what `--json` emits on stdout, one object per line. */
export type WorkerEvent =
  | { readonly event: 'started'; readonly at: string; readonly pid: number; readonly concurrency: number; readonly batchSize: number }
  | ({ readonly event: 'report'; readonly at: string } & WorkerActivity)
  | { readonly event: 'round-failed'; readonly at: string; readonly code: string; readonly message: string }
  | ({ readonly event: 'provisioning'; readonly at: string } & ProvisioningRound)
  | { readonly event: 'stopped'; readonly at: string };

/** The text form of a worker event (stderr without `--json`). */
export function formatWorkerEvent(e: WorkerEvent): string {
  switch (e.event) {
    case 'started':
      return `idflow worker: started (pid ${e.pid}, concurrency ${e.concurrency}, batch size ${e.batchSize})`;
    case 'report':
      return (
        `idflow worker: claimed ${e.claimed}, committed ${e.committed}, finished ${e.finished}, failed ${e.failed}, ` +
        `retried ${e.retried}, lost ${e.lost}, lag ${e.lagMs} ms (last ${(e.periodMs / 1000).toFixed(1)} s)`
      );
    case 'provisioning':
      return `idflow worker: provisioning: claimed ${e.claimed}, executed ${e.executed}, retried ${e.retried}, failed ${e.failed}, handed back ${e.released}`;
    case 'round-failed':
      return `idflow worker: round failed, retrying: ${e.code === 'UNKNOWN' ? '' : `${e.code}: `}${e.message}`;
    case 'stopped':
      return 'idflow worker: stopped';
  }
}

/** Writes worker events: JSON lines on stdout, or text lines on stderr. */
export function workerEventWriter(json: boolean): (e: WorkerEvent) => void {
  return json ? (e) => process.stdout.write(`${JSON.stringify(e)}\n`) : (e) => process.stderr.write(`${formatWorkerEvent(e)}\n`);
}

/** A failed round as an event: the error's stable code when it has one (an idflow or driver code). */
export function roundFailedEvent(error: unknown): WorkerEvent {
  const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  return {
    event: 'round-failed',
    at: new Date().toISOString(),
    code: typeof code === 'string' ? code : 'UNKNOWN',
    message: error instanceof Error ? error.message : String(error),
  };
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .summary('run async launches, timers, schedules, provisioning and cleanup until stopped')
    .description(
      'Runs worker rounds until SIGTERM or SIGINT: claims due TaskInstances in batches under a lease it renews while ' +
        'a batch runs, advances them and commits each batch at once; runs due TaskSchedules; deletes expired results ' +
        'and terminates instances past their execLimit. Reports what it did at a steady rate. On a signal it stops ' +
        'claiming, finishes or hands back what it holds and exits 0. A round the database refuses for a moment ' +
        '(busy, restarting, connection lost) is retried with backoff. Several workers may share one repository; a ' +
        "killed worker's instances are taken over when its leases expire. Beside the instances it executes provisioning " +
        'orders (docs/provisioning.md): calls to LDAP, SCIM and CSV targets, retried with backoff when the target fails ' +
        'for a moment; --no-provisioning leaves them to other workers, and --no-instances makes a worker that only ' +
        'executes provisioning orders (a process of its own beside a --no-provisioning worker: docs/workers.md).',
    )
    .option('--batch-size <n>', 'instances claimed per round (default 100)')
    .option('--concurrency <n>', 'batches in flight at once in this process (default 1)')
    .option('--report-every <seconds>', 'seconds between activity reports (default 5)')
    .option('--json', 'emit one JSON object per line on stdout: started, report, round-failed, stopped')
    .option('--once', 'run one round and exit')
    .option('--no-provisioning', 'do not execute provisioning orders in this process (another worker does)')
    .option('--no-instances', 'only execute provisioning orders: no instance rounds, schedules, HR launches or cleanup (another worker runs them)')
    .option('--provisioning-parallel <n>', 'calls to target systems in flight at once (default 16)')
    .option('--mail-config <file>', 'also send email notifications with these mail settings (JSON; default $IDFLOW_MAIL_CONFIG; docs/email.md)')
    .addHelpText(
      'after',
      `
Examples:
  idflow worker
  idflow worker --mail-config mail.json
  idflow worker --concurrency 4 --json
  idflow worker --once --batch-size 500
  idflow worker --no-provisioning & idflow worker --no-instances   # instances and provisioning in two processes`,
    )
    .action(
      action(async (options: WorkerOptions, command: Command) => {
        const batchSize = options.batchSize === undefined ? undefined : positiveInteger(options.batchSize, '--batch-size', 'CLI_BAD_BATCH_SIZE');
        const concurrency = options.concurrency === undefined ? 1 : positiveInteger(options.concurrency, '--concurrency', 'CLI_BAD_CONCURRENCY');
        const reportEvery = options.reportEvery === undefined ? 5 : positiveInteger(options.reportEvery, '--report-every', 'CLI_BAD_REPORT_INTERVAL');
        const emit = workerEventWriter(Boolean(options.json));
        const parallel =
          options.provisioningParallel === undefined ? undefined : positiveInteger(options.provisioningParallel, '--provisioning-parallel', 'CLI_BAD_CONCURRENCY');
        // Checked before anything opens: a worker with bad mail settings does not start half-way.
        const mail = await mailSettingsOption(options.mailConfig, false);
        const instances = options.instances !== false;
        if (!instances && options.provisioning === false && !mail) {
          throw new UsageError('CLI_WORKER_NOTHING_TO_RUN', 'idflow worker: --no-instances with --no-provisioning leaves this worker nothing to run (give --mail-config, or drop one of them)', {});
        }
        await withEngine(
          command,
          async (engine, repo) => {
            const provisioning = options.provisioning === false ? undefined : await provisioningWorker(repo, parallel, (error) => emit(roundFailedEvent(error)));
            if (options.once) {
              try {
                const round = instances ? await engine.runWorkerOnce() : { advanced: 0, scheduled: 0, swept: 0 };
                if (instances) {
                  const { launchDueHrRound } = await import('../../connectors/hr/hr-launch-loop.js');
                  await launchDueHrRound({ repository: repo, engine, clock: Date.now });
                }
                const provisioned = provisioning ? await provisioning.worker.runOnce() : undefined;
                if (options.json) process.stdout.write(`${JSON.stringify({ event: 'round', at: new Date().toISOString(), ...round, ...(provisioned && { provisioning: provisioned }) })}\n`);
                else {
                  if (instances) process.stderr.write(`idflow worker: advanced ${round.advanced}, scheduled ${round.scheduled}, swept ${round.swept}\n`);
                  if (provisioned) emit({ event: 'provisioning', at: new Date().toISOString(), ...provisioned });
                }
                if (mail) {
                  const sent = (await runMailWorker(repo, mail, new AbortController().signal, (e) => emit(roundFailedEvent(e)), true))!;
                  if (options.json) process.stdout.write(`${JSON.stringify({ event: 'mail-round', at: new Date().toISOString(), ...sent })}\n`);
                  else process.stderr.write(`${mailRoundText(sent)}\n`);
                }
              } finally {
                await provisioning?.close();
              }
              return;
            }
            const stop = new AbortController();
            const onSignal = (): void => stop.abort();
            process.once('SIGTERM', onSignal);
            process.once('SIGINT', onSignal);
            emit({ event: 'started', at: new Date().toISOString(), pid: process.pid, concurrency, batchSize: batchSize ?? 100 });
            // Provisioning rounds beside the instance rounds, stopped by the same signal; their counts are reported
            // at the same rate.
            const counts = { claimed: 0, executed: 0, retried: 0, failed: 0, released: 0 };
            const reportProvisioning = (): void => {
              if (counts.claimed === 0) return;
              emit({ event: 'provisioning', at: new Date().toISOString(), ...counts });
              Object.assign(counts, { claimed: 0, executed: 0, retried: 0, failed: 0, released: 0 });
            };
            // Any loop failing for good (a damaged or read-only database) stops the others (instances, provisioning,
            // mail), and the worker exits with that error once each has handed back what it holds.
            const stopOnFailure = (e: unknown): never => {
              stop.abort();
              throw e;
            };
            // Without instance rounds, the provisioning counts are reported on a timer of their own.
            const reporter = instances ? undefined : setInterval(reportProvisioning, reportEvery * 1000);
            try {
              const ends = await Promise.allSettled([
                instances
                  ? engine
                    .runWorker(stop.signal, {
                      concurrency,
                      reportEveryMs: reportEvery * 1000,
                      onReport: (activity) => {
                        emit({ event: 'report', at: new Date().toISOString(), ...activity });
                        reportProvisioning();
                      },
                    })
                    .catch(stopOnFailure)
                  : undefined,
                provisioning?.worker
                  .run(stop.signal, (round) => {
                    for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] += round[k];
                  })
                  .catch(stopOnFailure)
                  .finally(() => provisioning.close()),
                mail ? runMailWorker(repo, mail, stop.signal, (e) => emit(roundFailedEvent(e)), false).catch(stopOnFailure) : undefined,
                // Future hires start on their date (docs/hr-feed.md).
                instances
                  ? import('../../connectors/hr/hr-launch-loop.js')
                    .then(({ runHrLaunchLoop }) =>
                      runHrLaunchLoop({ repository: repo, engine, clock: Date.now }, stop.signal, { onError: (e) => emit(roundFailedEvent(e)) }),
                    )
                    .catch(stopOnFailure)
                  : undefined,
              ]);
              const failed = ends.find((e): e is PromiseRejectedResult => e.status === 'rejected');
              if (failed) throw failed.reason;
            } finally {
              if (reporter) {
                clearInterval(reporter);
                reportProvisioning();
              }
              process.off('SIGTERM', onSignal);
              process.off('SIGINT', onSignal);
            }
            emit({ event: 'stopped', at: new Date().toISOString() });
          },
          {
            ...(batchSize !== undefined && { batchSize }),
            onRoundError: (error) => emit(roundFailedEvent(error)),
          },
        );
      }),
    );
}

/**
 * The provisioning worker of an `idflow worker` process: connectors built from the repository's connector objects,
 * secrets from this process's environment. Loaded only when the worker starts (start-up time of other commands).
 */
async function provisioningWorker(
  repo: Repository,
  parallel: number | undefined,
  onRoundError: (error: unknown) => void,
): Promise<{ readonly worker: import('../../provisioning/provisioning-worker.js').ProvisioningWorker; close(): Promise<void> }> {
  const { ProvisioningWorker } = await import('../../provisioning/provisioning-worker.js');
  const { repositoryConnectors } = await import('../../provisioning/connector-source.js');
  const connectors = repositoryConnectors(repo.objects);
  const worker = new ProvisioningWorker({ repository: repo, connectors, onRoundError, ...(parallel !== undefined && { parallel }) });
  return { worker, close: () => connectors.close() };
}
