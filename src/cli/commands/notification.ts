import type { Command } from 'commander';
import { NOTIFICATION_STATES, type NotificationRecord } from '../../repository/notification-store.js';
import { action } from '../action.js';
import { openRequiredCliRepository, withRepository } from '../cli-repository.js';
import { addListOptions, listRequest, pageFilter, printList, type ListColumn, type ListOptionValues } from '../list-output.js';
import { oneOf } from '../option-values.js';
import { printJson, println, shortTime } from '../output.js';

/** A notification as the CLI shows it (times as ISO 8601). */
export interface NotificationView {
  readonly id: string;
  readonly kind: string;
  readonly state: string;
  readonly recipients: readonly string[];
  readonly addresses: readonly string[] | null;
  readonly subject: string;
  readonly instanceId: string | null;
  readonly workItemId: string | null;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly errorCode: string | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly sentAt: string | null;
  readonly key: string;
}

export function notificationView(n: NotificationRecord): NotificationView {
  return {
    id: n.id,
    kind: n.kind,
    state: n.state,
    recipients: n.recipients,
    addresses: n.addresses,
    subject: n.subject,
    instanceId: n.instanceId,
    workItemId: n.workItemId,
    attempts: n.attempts,
    nextAttemptAt: n.state === 'pending' ? new Date(n.notBefore).toISOString() : null,
    errorCode: n.errorCode,
    lastError: n.lastError,
    createdAt: new Date(n.createdAt).toISOString(),
    sentAt: n.sentAt === null ? null : new Date(n.sentAt).toISOString(),
    key: n.key,
  };
}

const COLUMNS: readonly ListColumn<NotificationView>[] = [
  { name: 'id', text: (n) => n.id, keep: true },
  { name: 'kind', text: (n) => n.kind },
  { name: 'state', text: (n) => n.state },
  { name: 'to', text: (n) => (n.addresses ?? n.recipients).join(', '), json: (n) => n.addresses ?? n.recipients },
  { name: 'subject', text: (n) => n.subject },
  { name: 'attempts', text: (n) => String(n.attempts), json: (n) => n.attempts, right: true },
  { name: 'error', text: (n) => (n.errorCode ? `${n.errorCode}: ${n.lastError ?? ''}` : ''), json: (n) => n.lastError },
  { name: 'created', text: (n) => shortTime(n.createdAt), json: (n) => n.createdAt },
  { name: 'next', text: (n) => shortTime(n.nextAttemptAt ?? undefined), json: (n) => n.nextAttemptAt, optional: true },
  { name: 'sent', text: (n) => shortTime(n.sentAt ?? undefined), json: (n) => n.sentAt, optional: true },
  { name: 'instance', text: (n) => n.instanceId ?? '', optional: true, keep: true },
  { name: 'workitem', text: (n) => n.workItemId ?? '', optional: true, keep: true },
  { name: 'key', text: (n) => n.key, optional: true },
];
const FIELDS = COLUMNS.map((c) => c.name);

interface ListOptions extends ListOptionValues {
  readonly state?: string;
}

export function registerNotification(program: Command): void {
  const group = program
    .command('notification')
    .summary('list the email notification outbox, retry a failed mail')
    .description(
      'The outbox of email notifications (work items, reminders, escalations, notify ops and NotificationAspects) ' +
        'that mail workers send (`idflow mail-worker`, or `idflow worker --mail-config`). docs/email.md.',
    );
  const list = group
    .command('list')
    .summary('list notifications, newest first')
    .description('Lists notifications, newest first, with where they went or why they failed. --state narrows to pending, sent or failed.')
    .option('--state <state>', NOTIFICATION_STATES.join(', '));
  addListOptions(list, FIELDS)
    .addHelpText(
      'after',
      `
Examples:
  idflow notification list --state failed
  idflow notification list --output json --fields id,to,error`,
    )
    .action(
      action(async (options: ListOptions, command: Command) => {
        const state = options.state === undefined ? undefined : oneOf(options.state, NOTIFICATION_STATES, '--state', 'CLI_BAD_STATE');
        const request = await listRequest(options, FIELDS);
        await withRepository(await openRequiredCliRepository(command), async (repo) => {
          const page = pageFilter(request);
          const rows = await repo.notifications.list({
            ...(state !== undefined && { state }),
            limit: page.limit,
            order: page.order,
            ...(page.after !== undefined && { after: page.after }),
            ...(page.since !== undefined && { createdFrom: page.since }),
            ...(page.until !== undefined && { createdTo: page.until }),
          });
          printList(rows.map(notificationView), COLUMNS, request, `no ${state ?? ''}${state ? ' ' : ''}notifications`);
        });
      }),
    );
  group
    .command('retry')
    .summary('send a failed notification again')
    .description('Makes a failed (or still pending) notification due now, with its attempts counted from zero. A sent one is refused: it would arrive twice.')
    .argument('<id>', 'the notification id (idflow notification list)')
    .option('--json', 'print the notification as JSON')
    .action(
      action(async (id: string, options: { json?: boolean }, command: Command) => {
        await withRepository(await openRequiredCliRepository(command), async (repo) => {
          const { retryNotification } = await import('../../notifications/retry-notification.js');
          const n = notificationView(await retryNotification(repo.notifications, id, Date.now()));
          if (options.json) printJson(n);
          else println(`notification ${n.id} is due again (${n.kind} to ${n.recipients.join(', ')})`);
        });
      }),
    );
}
