import { ConflictError, NotFoundError } from '../errors.js';
import type { OrderState } from './provisioning-order.js';

/** `PROVISIONING_ORDER_NOT_FOUND`: no order has this id. */
export class OrderNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('PROVISIONING_ORDER_NOT_FOUND', `no provisioning order ${id}`, { id });
  }
}

/** An administrator's retry or cancel does not apply to an order in this state. */
export class OrderStateError extends ConflictError {
  constructor(id: string, state: OrderState, verb: 'retry' | 'cancel') {
    const code = verb === 'retry' ? 'PROVISIONING_ORDER_NOT_RETRYABLE' : state === 'transmitted' ? 'PROVISIONING_ORDER_BUSY' : 'PROVISIONING_ORDER_NOT_CANCELLABLE';
    const why =
      verb === 'retry'
        ? `only an order in error or cancelled can be retried; ${id} is ${state}`
        : state === 'transmitted'
          ? `a worker is calling the target for ${id} right now; cancel it once it is back to pending or in error`
          : `only a pending order or one in error can be cancelled; ${id} is ${state}`;
    super(code, why, { id, state });
  }
}
