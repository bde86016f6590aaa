/**
 * The notifications table's rows and their mapping to and from the store's records, shared by the SQLite and the
 * PostgreSQL stores (JSON text, epoch milliseconds) and by the runtime stores, which insert a commit's
 * notifications in the commit's transaction.
 */
import type { NewNotification, NotificationKind, NotificationRecord, NotificationState } from './notification-store.js';

export interface NotificationRow {
  id: string;
  idempotency_key: string;
  kind: NotificationKind;
  instance_id: string | null;
  instance_name: string | null;
  definition_name: string | null;
  work_item_id: string | null;
  recipients: string;
  subject: string;
  body: string;
  state: NotificationState;
  attempts: number;
  not_before: number;
  lease_owner: string | null;
  lease_until: number | null;
  addresses: string | null;
  message_id: string | null;
  error_code: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

/** The columns a new row is inserted with; the rest take their defaults (pending, no attempts, due at creation). */
export const NEW_NOTIFICATION_COLUMNS = [
  'id', 'idempotency_key', 'kind', 'instance_id', 'instance_name', 'definition_name', 'work_item_id', 'recipients', 'subject', 'body', 'created_at',
] as const;

/** The values of a new row in NEW_NOTIFICATION_COLUMNS order. */
export function newNotificationValues(n: NewNotification): unknown[] {
  return [n.id, n.key, n.kind, n.instanceId, n.instanceName, n.definitionName, n.workItemId, JSON.stringify(n.recipients), n.subject, n.body, n.createdAt];
}

export function toNotification(r: NotificationRow): NotificationRecord {
  return {
    id: r.id,
    key: r.idempotency_key,
    kind: r.kind,
    instanceId: r.instance_id,
    instanceName: r.instance_name,
    definitionName: r.definition_name,
    workItemId: r.work_item_id,
    recipients: JSON.parse(r.recipients) as string[],
    subject: r.subject,
    body: r.body,
    state: r.state,
    attempts: r.attempts,
    notBefore: r.not_before,
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until,
    addresses: r.addresses === null ? null : (JSON.parse(r.addresses) as string[]),
    messageId: r.message_id,
    errorCode: r.error_code,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sentAt: r.sent_at,
  };
}

/** An open work item due soon, as the reminder sweep reads it. */
export interface DueWorkItem {
  readonly workItemId: string;
  readonly instanceId: string;
  readonly definitionName: string;
  readonly owner: string | null;
  readonly permission: string | null;
  readonly request: string;
  readonly dueAt: number;
}

export interface DueWorkItemRow {
  id: string;
  instance_id: string;
  definition_name: string;
  owner: string | null;
  permission: string | null;
  request: string;
  due_at: number;
}

export function toDueWorkItem(r: DueWorkItemRow): DueWorkItem {
  return { workItemId: r.id, instanceId: r.instance_id, definitionName: r.definition_name, owner: r.owner, permission: r.permission, request: r.request, dueAt: r.due_at };
}
