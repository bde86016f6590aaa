/**
 * Provisioning orders: the outbox rows (`provisioning_orders`, migration 0008) that carry one operation on one
 * account to one connector's target (docs/provisioning.md). A step (Persist) or the identity sweep writes them in
 * its own commit; provisioning workers claim them under leases, call the connector outside any transaction and
 * commit the result.
 */
import type { AccountAttributes, ProvisioningOperation, ProvisioningOperationKind } from '../connectors/connector.js';

/**
 * - `pending`: due at `notBefore`, not held by a worker (new, or handed back after a transient failure);
 * - `transmitted`: a worker holds it and is calling the target (or died doing so: its lease expires and another
 *   worker replays it under the same idempotency key);
 * - `executed`: the target applied it (or found it already applied);
 * - `verified`: reserved for a reconciliation that reads the target back (not written by the worker);
 * - `error`: failed for good (a permanent refusal, or transient failures past the attempt limit): waits for an
 *   administrator's retry or cancel, and holds back the account's later orders meanwhile;
 * - `cancelled`: an administrator gave it up; the account's later orders go on.
 */
export type OrderState = 'pending' | 'transmitted' | 'executed' | 'verified' | 'error' | 'cancelled';

export const ORDER_STATES: readonly OrderState[] = ['pending', 'transmitted', 'executed', 'verified', 'error', 'cancelled'];

/** States after which an instance waiting on the order goes on (docs/decisions/provisioning-waits.md). */
export const SETTLED_ORDER_STATES: readonly OrderState[] = ['executed', 'verified', 'error', 'cancelled'];

/** States that hold back the later orders of the same account (docs/decisions/provisioning-order-per-account.md). */
export const UNFINISHED_ORDER_STATES: readonly OrderState[] = ['pending', 'transmitted', 'error'];

/**
 * What an order asks besides its operation kind (the `payload` column, JSON). The account's key on the target is
 * NOT in it as a rule: it is only known once the account's `create` ran, so the worker takes it from the account
 * row (`accounts.target_key`) when it claims the order; `key` here overrides that (an account adopted by hand).
 * - `create`: `attributes` (with `login`);
 * - `update`: `attributes` (only those that change; `null` removes one);
 * - `rename`: `newLogin`, and optionally `attributes`;
 * - `disable`, `enable`, `delete`: nothing;
 * - `addMember`, `removeMember`: `group`, the group's key on the target (the resource's `target_key`).
 */
export interface OrderPayload {
  readonly attributes?: AccountAttributes;
  readonly newLogin?: string;
  readonly group?: string;
  readonly key?: string;
}

/**
 * A new order, as the identity write (planChangeSet) or a test enqueues it. Ids and idempotency keys are the
 * writer's to derive (from the step's idempotency key), so a replayed step writes nothing twice: an order whose
 * idempotency key is already stored is skipped, not an error.
 */
export interface NewProvisioningOrder {
  readonly id: string;
  readonly identityId: string;
  /** The connector object's name. */
  readonly connector: string;
  /**
   * Its place among the operations of one (identity, connector). Omitted: one more than the highest stored, taken
   * in the transaction that writes it (two commits that race for one number conflict on the unique index).
   */
  readonly accountSeq?: number;
  readonly operation: ProvisioningOperationKind;
  readonly payload: OrderPayload;
  readonly resourceId?: string | null;
  readonly assignmentId?: string | null;
  readonly idempotencyKey: string;
  /** Epoch ms, engine time: not attempted before (a delete after the retention period). Omitted: `createdAt`. */
  readonly notBefore?: number;
  /** The instance that decided it; with `wait`, that instance waits on its result. */
  readonly instanceId?: string | null;
  readonly wait?: boolean;
  readonly createdAt: number;
}

/** What the target answered, stored on an executed order. */
export interface OrderResult {
  readonly key: string;
  readonly outcome: 'created' | 'adopted' | 'changed' | 'unchanged' | 'deleted';
}

/** One stored order. Times are epoch milliseconds. */
export interface ProvisioningOrder {
  readonly id: string;
  readonly identityId: string;
  readonly connector: string;
  readonly accountSeq: number;
  readonly operation: ProvisioningOperationKind;
  readonly payload: OrderPayload;
  readonly resourceId: string | null;
  readonly assignmentId: string | null;
  readonly idempotencyKey: string;
  readonly state: OrderState;
  /** Calls made to the target (claims), this one included while it is `transmitted`. */
  readonly attempts: number;
  readonly notBefore: number;
  readonly leaseOwner: string | null;
  readonly leaseUntil: number | null;
  /** The last failure's code (`CONNECTOR_UNAVAILABLE`, …) and message; cleared when it executes. */
  readonly errorCode: string | null;
  readonly lastError: string | null;
  readonly result: OrderResult | null;
  readonly instanceId: string | null;
  readonly wait: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly finishedAt: number | null;
}

/** A claimed order with what the worker needs to call the target: the account's key as stored when claimed. */
export interface ClaimedOrder extends ProvisioningOrder {
  /** `accounts.target_key` of (identity, connector), or `payload.key`; null before the account's create ran. */
  readonly accountKey: string | null;
  /** `accounts.login`, when the account row exists. */
  readonly accountLogin: string | null;
}

/**
 * The connector operation an order stands for, or a reason it cannot be built (an update of an account whose
 * create never ran). Pure: the worker calls it on a claimed order.
 */
export function orderOperation(order: ClaimedOrder): ProvisioningOperation | { readonly missing: string } {
  const p = order.payload;
  if (order.operation === 'create') return { kind: 'create', attributes: p.attributes ?? {} };
  const key = p.key ?? order.accountKey;
  if (key === null || key === undefined || key === '') return { missing: 'the account has no key on the target yet (its create has not been executed)' };
  switch (order.operation) {
    case 'update':
      return { kind: 'update', key, attributes: p.attributes ?? {} };
    case 'rename':
      if (p.newLogin === undefined) return { missing: 'a rename order names no newLogin' };
      return { kind: 'rename', key, newLogin: p.newLogin, ...(p.attributes && { attributes: p.attributes }) };
    case 'disable':
    case 'enable':
    case 'delete':
      return { kind: order.operation, key };
    case 'addMember':
    case 'removeMember':
      if (p.group === undefined) return { missing: `a ${order.operation} order names no group` };
      return { kind: order.operation, key, group: p.group };
  }
}

/** The account's state after an order of this kind executed. */
export function accountStateAfter(operation: ProvisioningOperationKind): 'active' | 'disabled' | 'deleted' {
  return operation === 'disable' ? 'disabled' : operation === 'delete' ? 'deleted' : 'active';
}

/** The login an order gives the account (`create`: its login attribute; `rename`: the new one), if any. */
export function loginAfter(order: Pick<ProvisioningOrder, 'operation' | 'payload'>): string | undefined {
  if (order.operation === 'rename') return order.payload.newLogin;
  const login = order.payload.attributes?.['login'];
  return typeof login === 'string' ? login : undefined;
}
