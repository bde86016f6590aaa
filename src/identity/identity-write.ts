/**
 * What one step (or the dated-record sweep, or the CLI) writes to the identity store, computed in memory by
 * `planChangeSet` and applied by a store in ONE transaction, as a compare-and-set on the identity's revision.
 * Runtime stores apply it in the same transaction as the instance that produced it ({@link InstanceWrite.identity}):
 * a step's change set, its provisioning orders and the instance's new state are committed together or not at all.
 */
import type { XValue } from '../expression/env.js';
import type { ProvisioningOperation } from '../connectors/connector.js';
import type { AccountRow, AssignmentRow, IdentityRecordRow, IdentityRow } from './identity-rows.js';

/**
 * A provisioning order to insert (a row of `provisioning_orders` in state `pending`). `accountSeq` is not chosen by
 * the planner: the store takes the next number of the (identity, connector) inside the transaction, in the order the
 * write lists its orders. `id` and `idempotencyKey` are derived from the step's idempotency key, so a replayed step
 * writes the same ones (and a second insert of a key already there is a conflict, never a second order).
 */
export interface ProvisioningOrderInsert {
  readonly id: string;
  readonly identityId: string;
  readonly connector: string;
  readonly operation: ProvisioningOperation['kind'];
  /**
   * What the provisioning worker needs to build the connector call. The account key is NOT in it (a create's key is
   * known only once its order ran): the worker reads `accounts.target_key` when it claims the order.
   * `{ attributes?: AccountAttributes, newLogin?: string, group?: string }`.
   */
  readonly payload: Readonly<Record<string, XValue>>;
  readonly resourceId: string | null;
  readonly assignmentId: string | null;
  readonly idempotencyKey: string;
  /** Earliest attempt (a disable on the leaving date, a delete after the retention period); usually now. */
  readonly notBefore: number;
  /** The instance that ordered it; with `wait`, that instance waits for its result. */
  readonly instanceId: string | null;
  readonly wait: boolean;
  readonly createdAt: number;
}

export interface IdentityWrite {
  /** The identity row after the write; its `revision` is `expectedRevision + 1` (1 for a new identity). */
  readonly identity: IdentityRow;
  /** null: insert a new identity; a number: update it only if its stored revision is still this (else `conflict`). */
  readonly expectedRevision: number | null;
  /** Records to insert. */
  readonly records?: readonly IdentityRecordRow[];
  /** Records replaced by this write (their `superseded_at` set; rows stay for history). */
  readonly supersede?: readonly string[];
  /** Future-dated records whose consequences this write computed (the sweep): their `applied_at` set. */
  readonly markApplied?: readonly string[];
  /** Assignments inserted or updated (by id). */
  readonly assignments?: readonly AssignmentRow[];
  /** Accounts inserted or updated (by identity and connector). */
  readonly accounts?: readonly AccountRow[];
  readonly orders?: readonly ProvisioningOrderInsert[];
  /** The time written in `superseded_at` and `applied_at`. */
  readonly at: number;
}

/** `committed`, or `conflict` when the identity's revision moved (or a new identity's login or id is taken). */
export type IdentityWriteStatus = 'committed' | 'conflict';
