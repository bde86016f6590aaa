/**
 * A provisioning order as people and programs see it (`idflow provisioning list|show --json`, later the HTTP API):
 * times as ISO 8601, the lease only while one is held, the result or the error only when there is one.
 */
import type { OrderState, ProvisioningOrder } from './provisioning-order.js';

export interface ProvisioningOrderView {
  readonly id: string;
  readonly state: OrderState;
  readonly identity: string;
  readonly connector: string;
  readonly operation: string;
  readonly accountSeq: number;
  readonly payload: ProvisioningOrder['payload'];
  readonly resource?: string;
  readonly assignment?: string;
  readonly idempotencyKey: string;
  readonly attempts: number;
  readonly notBefore: string;
  readonly lease?: { readonly owner: string; readonly until: string };
  readonly error?: { readonly code: string; readonly message: string };
  readonly result?: ProvisioningOrder['result'];
  readonly instance?: string;
  readonly wait: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function toOrderView(o: ProvisioningOrder): ProvisioningOrderView {
  return {
    id: o.id,
    state: o.state,
    identity: o.identityId,
    connector: o.connector,
    operation: o.operation,
    accountSeq: o.accountSeq,
    payload: o.payload,
    ...(o.resourceId !== null && { resource: o.resourceId }),
    ...(o.assignmentId !== null && { assignment: o.assignmentId }),
    idempotencyKey: o.idempotencyKey,
    attempts: o.attempts,
    notBefore: iso(o.notBefore),
    ...(o.leaseOwner !== null && o.leaseUntil !== null && o.state === 'transmitted' && { lease: { owner: o.leaseOwner, until: iso(o.leaseUntil) } }),
    ...(o.errorCode !== null && { error: { code: o.errorCode, message: o.lastError ?? '' } }),
    ...(o.result !== null && { result: o.result }),
    ...(o.instanceId !== null && { instance: o.instanceId }),
    wait: o.wait,
    createdAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt),
    ...(o.finishedAt !== null && { finishedAt: iso(o.finishedAt) }),
  };
}
