/**
 * The mail worker: sends the notification outbox (docs/email.md; DESIGN decision 8).
 *
 * A round writes the reminders that fell due (open work items due within `reminderBefore`), claims a batch of due
 * notifications under a lease (PostgreSQL: `FOR UPDATE SKIP LOCKED`, as instance claims), and sends them one by one
 * outside any transaction, each with a timeout. Each outcome is written, with its audit row, only while this
 * worker still holds the lease:
 * - sent: `sent`, with the addresses it went to and the server's message id;
 * - refused for good (5xx) or nobody to send to: `failed`, with the code and the server's answer;
 * - deferred (4xx), unreachable, timed out: `pending` again after a backoff that doubles from `retryDelay` up to
 *   `maxRetryDelay`, jittered; after `maxAttempts` tries, `failed` with `MAIL_ATTEMPTS_EXHAUSTED`.
 *
 * A worker killed mid-batch leaves its claims leased; when the lease expires any worker claims them again, so
 * nothing is lost. A mail the server had accepted just before the kill is sent a second time (at least once, with
 * the same Message-ID, which receivers may use to drop the copy): SMTP has no idempotency key to ask with.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { createAclPermissionResolver } from '../engine/acl-permission-resolver.js';
import { workItemRecipients } from '../engine/notification-writes.js';
import { runOutboxRounds } from '../engine/outbox-rounds.js';
import type { NewNotification, NotificationOutcome, NotificationRecord } from '../repository/notification-store.js';
import type { DueWorkItem } from '../repository/notification-rows.js';
import type { Repository } from '../repository/repository.js';
import { retryDelay } from '../repository/retry-transient.js';
import type { AuditRecord } from '../repository/runtime-store.js';
import { MailSendError } from './mail-errors.js';
import type { CompiledMailSettings } from './mail-settings.js';
import { resolveRecipients, settingsAddressBook, type AddressBook, type PermissionHolders } from './recipients.js';
import { smtpTransport, type MailTransport } from './smtp-transport.js';

export interface MailWorkerOptions {
  readonly repository: Repository;
  readonly settings: CompiledMailSettings;
  /** @default SMTP with nodemailer, from the settings */
  readonly transport?: MailTransport;
  /** @default the settings' address book (`addresses`, then `domain`) */
  readonly addressBook?: AddressBook;
  /** @default the AccessControlRules and profile assignments of the repository */
  readonly holders?: PermissionHolders;
  /** Engine time, epoch ms (due times, backoff). @default Date.now */
  readonly clock?: () => number;
  /** @default `<hostname>:<pid>:mail` */
  readonly workerId?: string;
  /** For the backoff's jitter. @default Math.random */
  readonly random?: () => number;
  /** Told when a round fails; the loop goes on after a pause. */
  readonly onRoundError?: (error: unknown) => void;
}

export interface MailRound {
  readonly reminders: number;
  readonly claimed: number;
  readonly sent: number;
  readonly retried: number;
  readonly failed: number;
}

export class MailWorker {
  readonly #repository: Repository;
  readonly #settings: CompiledMailSettings;
  readonly #transport: MailTransport;
  readonly #book: AddressBook;
  readonly #holders: PermissionHolders;
  readonly #clock: () => number;
  readonly #random: () => number;
  readonly #onRoundError: (error: unknown) => void;
  readonly workerId: string;

  constructor(options: MailWorkerOptions) {
    this.#repository = options.repository;
    this.#settings = options.settings;
    this.#transport = options.transport ?? smtpTransport(options.settings);
    this.#book = options.addressBook ?? settingsAddressBook(options.settings);
    this.#holders = options.holders ?? createAclPermissionResolver(options.repository);
    this.#clock = options.clock ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#onRoundError = options.onRoundError ?? (() => undefined);
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:mail`;
  }

  /** One round: reminders, one claimed batch, each sent and its outcome written. */
  async runOnce(signal?: AbortSignal): Promise<MailRound> {
    const store = this.#repository.notifications;
    const now = this.#clock();
    const reminders = await this.#sweepReminders(now);
    const claimed = await store.claim(this.workerId, now, this.#settings.leaseMs, this.#settings.batchSize);
    const counts = { sent: 0, retried: 0, failed: 0 };
    for (const n of claimed) {
      if (signal?.aborted) break;
      const result = await this.#sendOne(n, signal);
      counts[result]++;
    }
    // Claims a stop kept from being sent go back at once rather than after their lease.
    if (signal?.aborted) await store.releaseLeases(this.workerId);
    return { reminders, claimed: claimed.length, ...counts };
  }

  /**
   * Runs rounds until `signal` aborts, pausing `idle` after a round that found less than a full batch. A failed
   * round is reported and retried after a pause that grows with failures; a fatal storage error stops the loop and
   * is thrown. On abort the send in flight is cancelled and every claim still held is handed back.
   */
  async run(signal: AbortSignal): Promise<void> {
    try {
      await runOutboxRounds(signal, {
        batchSize: this.#settings.batchSize,
        idleMs: this.#settings.idleMs,
        round: (s) => this.runOnce(s),
        onRoundError: (e) => this.#onRoundError(e),
      });
    } finally {
      await this.#repository.notifications.releaseLeases(this.workerId).catch((e: unknown) => this.#onRoundError(e));
    }
  }

  close(): void {
    this.#transport.close();
  }

  async #sweepReminders(now: number): Promise<number> {
    const before = this.#settings.reminderBeforeMs;
    if (before === null) return 0;
    const due = await this.#repository.notifications.dueForReminder(now + before, this.#settings.batchSize * 10);
    if (due.length === 0) return 0;
    return this.#repository.notifications.insert(due.flatMap((item) => reminderRow(item, now)));
  }

  async #sendOne(n: NotificationRecord, signal: AbortSignal | undefined): Promise<'sent' | 'retried' | 'failed'> {
    const store = this.#repository.notifications;
    const recipients = [...n.recipients];
    if (n.kind === 'escalation') {
      // Whoever let the item lapse, while it is still on record, and the settings' escalation addresses.
      const item = n.workItemId === null ? undefined : await this.#repository.runtime.getWorkItem(n.workItemId);
      if (item) recipients.push(...workItemRecipients(item));
      recipients.push(...this.#settings.escalateTo);
    }
    const resolved = await resolveRecipients(recipients, this.#book, this.#holders);
    const addresses = resolved.addresses;
    const unresolved = [...resolved.unresolved];
    const at = (): number => this.#clock();
    let outcome: NotificationOutcome;
    if (addresses.length === 0) {
      outcome = {
        state: 'failed',
        addresses: [],
        errorCode: 'MAIL_NO_RECIPIENT',
        error: `no recipient has an email address: ${recipients.join(', ') || '(none named)'}`,
        at: at(),
      };
    } else {
      try {
        const sent = await this.#transport.send(
          {
            to: addresses,
            subject: n.subject,
            text: `${n.body}\n\n${this.#link(n)}\n`,
            messageId: `<${n.id}@idflow>`,
            headers: { 'X-Idflow-Notification': n.key },
          },
          signal,
        );
        outcome = { state: 'sent', addresses: addresses.filter((a) => !sent.rejected.includes(a)), messageId: sent.messageId, at: at() };
        if (sent.rejected.length > 0) unresolved.push(...sent.rejected);
      } catch (e) {
        const failure = e instanceof MailSendError ? e : new MailSendError('MAIL_TRANSIENT', e instanceof Error ? e.message : String(e), true);
        if (!failure.transient) {
          outcome = { state: 'failed', addresses, errorCode: failure.code, error: failure.message, at: at() };
        } else if (n.attempts >= this.#settings.maxAttempts) {
          outcome = {
            state: 'failed',
            addresses,
            errorCode: 'MAIL_ATTEMPTS_EXHAUSTED',
            error: `still failing after ${n.attempts} attempts: ${failure.message}`,
            at: at(),
          };
        } else {
          const delay = retryDelay({ baseDelayMs: this.#settings.retryDelayMs, maxDelayMs: this.#settings.maxRetryDelayMs, random: this.#random }, n.attempts);
          const now = at();
          outcome = { state: 'pending', addresses, notBefore: now + delay, errorCode: failure.code, error: failure.message, at: now };
        }
      }
    }
    const kept = await store.complete(this.workerId, n.id, outcome);
    // A lease lost meanwhile: the worker that took the notification over writes its outcome and its audit.
    if (kept) await this.#repository.runtime.appendAudit([auditOf(n, outcome, unresolved)]);
    return outcome.state === 'sent' ? 'sent' : outcome.state === 'pending' ? 'retried' : 'failed';
  }

  /**
   * The work item's console page (`/inbox/<id>`), or the TaskInstance's Workflow Overview (`/tasks/<id>`) for a
   * message that belongs to no item. Mails sent before 0.1 linked `/workitems/<id>`: the console redirects those.
   */
  #link(n: NotificationRecord): string {
    const base = this.#settings.baseUrl;
    if (n.workItemId !== null) return `Open the work item: ${base}/inbox/${encodeURIComponent(n.workItemId)}`;
    if (n.instanceId !== null) return `Open the process: ${base}/tasks/${encodeURIComponent(n.instanceId)}`;
    return `idflow: ${base}`;
  }
}

function reminderRow(item: DueWorkItem, now: number): NewNotification[] {
  const recipients = workItemRecipients(item);
  if (recipients.length === 0) return [];
  const what = item.request.trim() !== '' ? item.request.trim().replace(/\s+/g, ' ') : 'a work item';
  const due = new Date(item.dueAt).toISOString();
  return [
    {
      id: randomUUID(),
      key: `reminder:${item.workItemId}`,
      kind: 'reminder',
      instanceId: item.instanceId,
      instanceName: null,
      definitionName: item.definitionName,
      workItemId: item.workItemId,
      recipients,
      subject: `[idflow] Reminder: ${what.length > 100 ? `${what.slice(0, 97)}...` : what} (due ${due})`,
      body: `${item.request.trim() || 'A work item'} is still waiting for you and is due ${due}.\n\nProcess: ${item.definitionName}`,
      createdAt: now,
    },
  ];
}

function auditOf(n: NotificationRecord, o: NotificationOutcome, unresolved: readonly string[]): AuditRecord {
  const event = o.state === 'sent' ? 'notification-sent' : o.state === 'pending' ? 'notification-retry' : 'notification-failed';
  return {
    at: o.at,
    ...(n.instanceId !== null && { instanceId: n.instanceId }),
    ...(n.instanceName !== null && { instanceName: n.instanceName }),
    ...(n.definitionName !== null && { definitionName: n.definitionName }),
    ...(n.workItemId !== null && { workItemId: n.workItemId }),
    event,
    data: {
      notification: n.id,
      kind: n.kind,
      attempt: n.attempts,
      to: [...(o.addresses ?? [])],
      ...(unresolved.length > 0 && { unresolved: [...unresolved] }),
      ...(o.state === 'sent' && { messageId: o.messageId }),
      ...(o.state !== 'sent' && { code: o.errorCode, error: o.error }),
      ...(o.state === 'pending' && { next: new Date(o.notBefore).toISOString() }),
    },
  };
}
