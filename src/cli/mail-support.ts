/** What `idflow mail-worker` and `idflow worker --mail-config` share: the settings option and the mail loop. */
import type { CompiledMailSettings } from '../notifications/mail-settings.js';
import type { MailRound } from '../notifications/mail-worker.js';
import type { Repository } from '../repository/repository.js';
import { UsageError } from './usage-error.js';

/** The mail settings file: `--mail-config`, else `$IDFLOW_MAIL_CONFIG`; read and checked before anything opens. */
export async function mailSettingsOption(file: string | undefined, required: boolean): Promise<CompiledMailSettings | undefined> {
  const { MAIL_CONFIG_ENV, readMailSettings } = await import('../notifications/read-mail-settings.js');
  const path = file ?? process.env[MAIL_CONFIG_ENV];
  if (path === undefined || path.trim() === '') {
    if (!required) return undefined;
    throw new UsageError('CLI_MAIL_CONFIG_MISSING', `idflow mail-worker needs the mail settings: --mail-config FILE or $${MAIL_CONFIG_ENV} (docs/email.md)`);
  }
  return readMailSettings(path);
}

/** Runs the mail worker on `repo` until `signal` aborts (or one round with `once`). */
export async function runMailWorker(
  repo: Repository,
  settings: CompiledMailSettings,
  signal: AbortSignal,
  onRoundError: (error: unknown) => void,
  once: boolean,
): Promise<MailRound | undefined> {
  const { MailWorker } = await import('../notifications/mail-worker.js');
  const worker = new MailWorker({ repository: repo, settings, onRoundError });
  try {
    if (once) return await worker.runOnce();
    await worker.run(signal);
    return undefined;
  } finally {
    worker.close();
  }
}

export function mailRoundText(r: MailRound): string {
  return `idflow mail-worker: claimed ${r.claimed}, sent ${r.sent}, retried ${r.retried}, failed ${r.failed}, reminders ${r.reminders}`;
}

