/**
 * Rows of `provisioning_orders` as both dialects read and write them (SQLite's JSON is TEXT, PostgreSQL's JSON
 * comes back as text too: postgres-database.ts). Shared so the two stores cannot drift apart.
 */
import type { AuditRecord } from './runtime-store.js';
import type { OrderSettlement } from './provisioning-store.js';
import type { ProvisioningOperationKind } from '../connectors/connector.js';
import type { ClaimedOrder, NewProvisioningOrder, OrderPayload, OrderResult, OrderState, ProvisioningOrder } from '../provisioning/provisioning-order.js';

export interface OrderRow {
  id: string;
  identity_id: string;
  connector: string;
  account_seq: number;
  operation: string;
  payload: string;
  resource_id: string | null;
  assignment_id: string | null;
  idempotency_key: string;
  state: string;
  attempts: number;
  not_before: number;
  lease_owner: string | null;
  lease_until: number | null;
  error_code: string | null;
  last_error: string | null;
  result: string | null;
  instance_id: string | null;
  wait: number | boolean;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  account_key?: string | null;
  account_login?: string | null;
}

/** The columns an insert writes, in order (account_seq last: it may be computed). */
export const ORDER_INSERT_COLUMNS = [
  'id',
  'identity_id',
  'connector',
  'operation',
  'payload',
  'resource_id',
  'assignment_id',
  'idempotency_key',
  'state',
  'attempts',
  'not_before',
  'instance_id',
  'wait',
  'created_at',
  'updated_at',
  'account_seq',
] as const;

/** Values for {@link ORDER_INSERT_COLUMNS}; `account_seq` null when it is to be taken in the transaction. */
export function orderInsertValues(o: NewProvisioningOrder): unknown[] {
  return [
    o.id,
    o.identityId,
    o.connector,
    o.operation,
    JSON.stringify(o.payload),
    o.resourceId ?? null,
    o.assignmentId ?? null,
    o.idempotencyKey,
    'pending',
    0,
    o.notBefore ?? o.createdAt,
    o.instanceId ?? null,
    o.wait ? 1 : 0,
    o.createdAt,
    o.createdAt,
    o.accountSeq ?? null,
  ];
}

export function toOrder(r: OrderRow): ProvisioningOrder {
  return {
    id: r.id,
    identityId: r.identity_id,
    connector: r.connector,
    accountSeq: Number(r.account_seq),
    operation: r.operation as ProvisioningOperationKind,
    payload: JSON.parse(r.payload) as OrderPayload,
    resourceId: r.resource_id,
    assignmentId: r.assignment_id,
    idempotencyKey: r.idempotency_key,
    state: r.state as OrderState,
    attempts: Number(r.attempts),
    notBefore: Number(r.not_before),
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until === null ? null : Number(r.lease_until),
    errorCode: r.error_code,
    lastError: r.last_error,
    result: r.result === null ? null : (JSON.parse(r.result) as OrderResult),
    instanceId: r.instance_id,
    wait: r.wait === true || r.wait === 1,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
  };
}

export function toClaimedOrder(r: OrderRow): ClaimedOrder {
  // Set on the order built, not spread into a copy of it: a claim builds a hundred of these per batch.
  const order = toOrder(r) as ProvisioningOrder & { accountKey: string | null; accountLogin: string | null };
  order.accountKey = r.account_key ?? null;
  order.accountLogin = r.account_login ?? null;
  return order;
}

/** What a settlement needs of the order it settles: the account, the assignment, the waiting instance, the audit. */
export type SettledOrder = Pick<ProvisioningOrder, 'id' | 'identityId' | 'connector' | 'operation' | 'payload' | 'assignmentId' | 'instanceId' | 'wait' | 'attempts'>;

/** The order's state after a settlement. */
export function settledState(s: OrderSettlement): OrderState {
  return s.kind === 'executed' ? 'executed' : s.kind === 'retry' ? 'pending' : 'error';
}

/** `CODE: message`, as the assignment's `last_error` and `idflow provisioning show` give it. */
export function errorText(code: string, message: string): string {
  return `${code}: ${message}`;
}

/**
 * The audit event of a settled order (none for a transient failure: the order row keeps its last error, and an
 * outage of a target would otherwise fill the audit with one row per order per attempt). Never the attributes:
 * the audit says what was done to which account, not its data.
 */
export function settlementAudit(order: SettledOrder, s: OrderSettlement, now: number, actor: string): AuditRecord | undefined {
  if (s.kind === 'retry') return undefined;
  return {
    at: now,
    ...(order.instanceId !== null && { instanceId: order.instanceId }),
    event: s.kind === 'executed' ? 'provisioning-executed' : 'provisioning-failed',
    actor,
    data: {
      order: order.id,
      identity: order.identityId,
      connector: order.connector,
      operation: order.operation,
      attempts: order.attempts,
      ...(order.assignmentId !== null && { assignment: order.assignmentId }),
      ...(s.kind === 'executed' ? { key: s.result.key, outcome: s.result.outcome } : { code: s.errorCode, error: s.message }),
    },
  };
}

/** The audit event of an administrator's retry or cancel. */
export function adminAudit(order: ProvisioningOrder, event: 'provisioning-retried' | 'provisioning-cancelled', actor: string, now: number): AuditRecord {
  return {
    at: now,
    ...(order.instanceId !== null && { instanceId: order.instanceId }),
    event,
    actor,
    data: { order: order.id, identity: order.identityId, connector: order.connector, operation: order.operation, state: order.state },
  };
}
