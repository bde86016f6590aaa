/**
 * The notification outbox: messages for people, written with the commit of the step that produced them and sent
 * by mail workers outside any transaction (DESIGN decision 8; docs/email.md). Async and free of SQL dialect; the
 * SQLite and PostgreSQL stores implement it alike. Times are epoch milliseconds.
 */
import type { DueWorkItem } from './notification-rows.js';
import type { ListPaging } from './runtime-store.js';

export type { DueWorkItem } from './notification-rows.js';

/**
 * - `message`: a `notify` op or a NotificationAspect.
 * - `workitem`: a work item was put in somebody's inbox.
 * - `reminder`: an open work item is due soon.
 * - `escalation`: a work item ran out of time (closed by its timeout).
 */
export type NotificationKind = 'message' | 'workitem' | 'reminder' | 'escalation';
export type NotificationState = 'pending' | 'sent' | 'failed';

export const NOTIFICATION_STATES: readonly NotificationState[] = ['pending', 'sent', 'failed'];

/** One outbox row. */
export interface NotificationRecord {
  readonly id: string;
  /** Unique: a second insert with the same key writes nothing (a replayed step, a second reminder sweep). */
  readonly key: string;
  readonly kind: NotificationKind;
  readonly instanceId: string | null;
  readonly instanceName: string | null;
  readonly definitionName: string | null;
  /** The work item the mail links to; null for a message that links to its TaskInstance. */
  readonly workItemId: string | null;
  /** As the process named them: logins, addresses, `permission:<path>`. */
  readonly recipients: readonly string[];
  readonly subject: string;
  readonly body: string;
  readonly state: NotificationState;
  /** Sends tried so far. */
  readonly attempts: number;
  /** When it is next due. */
  readonly notBefore: number;
  readonly leaseOwner: string | null;
  readonly leaseUntil: number | null;
  /** The addresses the recipients resolved to at the last send; null before. */
  readonly addresses: readonly string[] | null;
  /** The SMTP server's message id once sent. */
  readonly messageId: string | null;
  readonly errorCode: string | null;
  readonly lastError: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly sentAt: number | null;
}

/** A new row: the store fills in the send state (pending, no attempts, no lease). */
export type NewNotification = Pick<
  NotificationRecord,
  'id' | 'key' | 'kind' | 'instanceId' | 'instanceName' | 'definitionName' | 'workItemId' | 'recipients' | 'subject' | 'body' | 'createdAt'
>;

/** What one send came to, written only while `owner` still holds the lease. */
export type NotificationOutcome =
  | { readonly state: 'sent'; readonly addresses: readonly string[]; readonly messageId: string | null; readonly at: number }
  /** Not now: due again at `notBefore` (a transient failure). */
  | { readonly state: 'pending'; readonly addresses: readonly string[] | null; readonly notBefore: number; readonly errorCode: string; readonly error: string; readonly at: number }
  | { readonly state: 'failed'; readonly addresses: readonly string[] | null; readonly errorCode: string; readonly error: string; readonly at: number };

export interface NotificationFilter extends ListPaging {
  readonly state?: NotificationState;
  readonly instanceId?: string;
  readonly limit?: number;
}

export interface NotificationStore {
  readonly kind: 'notifications';
  /** Inserts rows, skipping any whose key is already there; returns how many were new. */
  insert(rows: readonly NewNotification[]): Promise<number>;
  /**
   * Claims up to `limit` pending rows due at `now` (`not_before <= now`) that no worker holds (no lease, or one
   * expired in database time) for `owner`, for `leaseMs` of database time, and adds one to their `attempts`.
   * Oldest due first. On PostgreSQL the claim skips rows another worker is claiming (`FOR UPDATE SKIP LOCKED`).
   */
  claim(owner: string, now: number, leaseMs: number, limit: number): Promise<NotificationRecord[]>;
  /**
   * Writes a send's outcome and drops the lease, only where `owner` still holds it; returns false when it was lost
   * (expired and taken by another worker), in which case nothing is written.
   */
  complete(owner: string, id: string, outcome: NotificationOutcome): Promise<boolean>;
  /** Hands back `owner`'s leases at a clean stop, taking back the attempt each claim added. Returns how many. */
  releaseLeases(owner: string): Promise<number>;
  /**
   * Makes a failed (or pending) row due again at `now` with its attempts reset; false when there is no such row or
   * it was already sent.
   */
  retry(id: string, now: number): Promise<boolean>;
  get(id: string): Promise<NotificationRecord | undefined>;
  list(filter?: NotificationFilter): Promise<NotificationRecord[]>;
  /**
   * Open work items due at or before `dueBefore` that have no reminder yet (no row with key
   * `reminder:<work item id>`), soonest due first, at most `limit`. The caller inserts the reminders; their unique
   * key keeps two workers sweeping at once from writing one twice.
   */
  dueForReminder(dueBefore: number, limit: number): Promise<DueWorkItem[]>;
}
