/**
 * The provisioning outbox in the repository (`repo.provisioning`): orders written by steps, claimed by provisioning
 * workers under leases in database time, exactly like instances (src/engine/worker.ts), and settled with what the
 * target answered. Both databases implement it; the contract suite runs against both.
 *
 * Nothing here calls a target: the worker claims (one short transaction), calls the connector outside any
 * transaction, then settles (another short transaction).
 */
import type { ListPaging } from './runtime-store.js';
import type { ClaimedOrder, NewProvisioningOrder, OrderResult, OrderState, ProvisioningOrder } from '../provisioning/provisioning-order.js';

/** What became of one claimed order. */
export type OrderSettlement =
  /** The target applied it: the order is `executed`, the account gets its key and state, the assignment `executed`. */
  | { readonly id: string; readonly kind: 'executed'; readonly result: OrderResult }
  /** A transient failure: `pending` again, due at `notBefore` (engine time). */
  | { readonly id: string; readonly kind: 'retry'; readonly notBefore: number; readonly errorCode: string; readonly message: string }
  /** A permanent failure: `error`; the assignment shows it; it waits for an administrator. */
  | { readonly id: string; readonly kind: 'error'; readonly errorCode: string; readonly message: string };

export interface OrderFilter extends ListPaging {
  readonly state?: OrderState;
  readonly identityId?: string;
  readonly connector?: string;
  readonly instanceId?: string;
  readonly limit?: number;
}

export interface ProvisioningStore {
  readonly kind: 'provisioning';

  /**
   * Writes new orders in one transaction; `accountSeq`, when omitted, is one more than the highest of the account
   * (counting the orders written before it in the same call). An order whose idempotency key is stored already is
   * skipped (a replayed step). Returns the ids written.
   */
  enqueue(orders: readonly NewProvisioningOrder[]): Promise<string[]>;

  /**
   * Claims up to `limit` orders due at `now` (engine time: `not_before <= now`), `pending` or `transmitted` with an
   * expired lease (a worker that died calling the target), and never one whose account has an earlier order still
   * `pending`, `transmitted` or `error`. Claimed orders become `transmitted`, held by `owner` for `leaseMs` of
   * database time, with one more attempt. Oldest due first.
   */
  claim(owner: string, now: number, leaseMs: number, limit: number): Promise<ClaimedOrder[]>;
  /** Extends `owner`'s leases on these orders; returns the ids still held. */
  renew(owner: string, ids: readonly string[], leaseMs: number): Promise<string[]>;
  /**
   * Hands back `owner`'s orders (all, or only `ids`) that it has not settled: `pending` again at once, the attempt
   * the claim added taken back. A clean shutdown (SIGTERM) does this. Returns how many.
   */
  release(owner: string, ids?: readonly string[]): Promise<number>;
  /**
   * Settles claimed orders in one transaction: each order's state, its account (`target_key`, `state`, `login`),
   * its assignment (`provisioning_state`, `last_error`), an audit event per order; and wakes every instance that
   * waits on an order that is now settled. An order `owner` no longer holds (its lease expired and another worker
   * took it) is left alone: its id is missing from the answer.
   */
  settle(owner: string, settlements: readonly OrderSettlement[], now: number): Promise<string[]>;
  /** {@link settle} of one executed order. */
  complete(owner: string, id: string, result: OrderResult, now: number): Promise<boolean>;
  /** {@link settle} of one failed order: transient with `notBefore` (retry), permanent without (error). */
  fail(owner: string, id: string, failure: { readonly errorCode: string; readonly message: string; readonly notBefore?: number }, now: number): Promise<boolean>;

  /**
   * An administrator's retry of an order in `error` (or `cancelled`): `pending`, due now, attempts from 0; audited
   * with `actor`. `PROVISIONING_ORDER_NOT_FOUND`, `PROVISIONING_ORDER_NOT_RETRYABLE`.
   */
  retry(id: string, actor: string, now: number): Promise<ProvisioningOrder>;
  /**
   * An administrator gives an order up: `cancelled` from `pending` or `error`; the account's later orders go on, an
   * instance waiting on it goes on. A `transmitted` order (a worker is calling the target) is refused:
   * `PROVISIONING_ORDER_BUSY`; a settled one `PROVISIONING_ORDER_NOT_CANCELLABLE`.
   */
  cancel(id: string, actor: string, now: number): Promise<ProvisioningOrder>;

  get(id: string): Promise<ProvisioningOrder | undefined>;
  /** These orders, in the order asked (missing ids left out). */
  getMany(ids: readonly string[]): Promise<ProvisioningOrder[]>;
  list(filter?: OrderFilter): Promise<ProvisioningOrder[]>;
  /** How many orders are in each state (for `idflow provisioning list` summaries and the benchmark). */
  countByState(): Promise<Partial<Record<OrderState, number>>>;
}
