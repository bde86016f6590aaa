/**
 * The neutral change set: what a workflow asks the identity store to change about ONE identity. The Netwrix
 * `changes` variable is read into it (src/identity/netwrix-change-set.ts); the Waveset user view maps to it
 * (src/services/waveset-*.ts). `planChangeSet` turns it into an {@link IdentityWrite}. docs/change-sets.md is the
 * reference; dates here are epoch milliseconds (readers parse dates given as text).
 */
import type { XValue } from '../expression/env.js';
import type { RecordKind } from './identity-rows.js';

export interface RecordChange {
  readonly kind: RecordKind;
  /**
   * The record's start. A change whose start equals a live record's start replaces that record; a change without
   * one changes the record of its kind valid at the change set's `effectiveFrom` (the current one by default).
   */
  readonly validFrom?: number;
  /** Its end, exclusive; `null` clears an end; absent keeps the record's end. */
  readonly validUntil?: number | null;
  /** Attributes of this kind under their neutral names; `null` removes one. */
  readonly data: Readonly<Record<string, XValue>>;
}

export interface ResourceAddition {
  /** The resource's name (compared by key) or id. */
  readonly resource: string;
  readonly validFrom?: number;
  readonly validUntil?: number;
}

export interface ChangeSet {
  /**
   * The identity's login. With no identity found by the step's subject or by this login, the change set CREATES an
   * identity with it (it is then required). When the identity exists and this differs from its login, it is renamed.
   */
  readonly login?: string;
  readonly employeeId?: string | null;
  /** The manager's login (or id). */
  readonly manager?: string | null;
  readonly organization?: string | null;
  /** When record changes without their own dates take effect. @default the step's time */
  readonly effectiveFrom?: number;
  readonly records?: readonly RecordChange[];
  readonly resources?: { readonly add?: readonly ResourceAddition[]; readonly remove?: readonly string[] };
  /**
   * The person leaves at this date: every account is disabled then, and deleted after the retention period; the
   * identity ends (state `ended`) when the date has come.
   */
  readonly leaveAt?: number;
  /** Days a leaver's disabled accounts are kept before they are deleted. @default the plan's retention (30 days) */
  readonly retentionDays?: number;
}
