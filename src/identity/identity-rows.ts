/**
 * The rows of the identity store (migration 0008, whose comment gives every column's meaning), as the store reads
 * and writes them. Times are epoch milliseconds; JSON columns are parsed. Nothing here knows SQL.
 */
import type { XValue } from '../expression/env.js';
import type { BirthrightRule } from './birthright.js';

export type IdentityState = 'draft' | 'active' | 'ended';
export type RecordKind = 'personal' | 'contract' | 'position';
export type ResourceKind = 'application' | 'group' | 'device' | 'network';
export type AssignmentWorkflowState = 'requested' | 'pending_approval' | 'approved' | 'declined';
export type AssignmentProvisioningState = 'pending' | 'transmitted' | 'executed' | 'verified' | 'error';
export type AccountState = 'pending' | 'active' | 'disabled' | 'deleted';

export const RECORD_KINDS: readonly RecordKind[] = ['personal', 'contract', 'position'];
export const RESOURCE_KINDS: readonly ResourceKind[] = ['application', 'group', 'device', 'network'];

/** A person. `revision` is the compare-and-set counter every write checks. */
export interface IdentityRow {
  readonly id: string;
  readonly login: string;
  /** `subjectKey(login)`: what logins are compared by (unique). */
  readonly loginKey: string;
  readonly employeeId: string | null;
  readonly state: IdentityState;
  readonly managerId: string | null;
  readonly organization: string | null;
  readonly revision: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A dated record: every attribute of its kind, valid from `validFrom` until `validUntil` (exclusive; null: open). */
export interface IdentityRecordRow {
  readonly id: string;
  readonly identityId: string;
  readonly kind: RecordKind;
  readonly validFrom: number;
  readonly validUntil: number | null;
  /** Attributes under their neutral names (docs/change-sets.md). */
  readonly data: Readonly<Record<string, XValue>>;
  /** Saved by PersistOnlyResources: never applied, never provisioned, replaced by the next Persist. */
  readonly draft: boolean;
  readonly recordedAt: number;
  /** When a later write replaced it; it stays for history. */
  readonly supersededAt: number | null;
  /** When its provisioning consequences were computed; null for a future-dated record until the sweep reaches it. */
  readonly appliedAt: number | null;
  readonly instanceId: string | null;
}

export interface ResourceRow {
  readonly id: string;
  readonly kind: ResourceKind;
  readonly name: string;
  /** `subjectKey(name)`: resource names are compared like logins (unique). */
  readonly nameKey: string;
  readonly displayName: string | null;
  readonly description: string | null;
  /** The connector object that provisions it; null: nothing to provision. */
  readonly connector: string | null;
  /** A group's key on its target (LDAP DN, SCIM group name or id, CSV group name); null for an application. */
  readonly targetKey: string | null;
  /** Logins, or `profile:<name>` entries. */
  readonly owners: readonly string[];
  /** Who is given it without asking (src/identity/birthright.ts); null or absent: only on request. */
  readonly birthright?: BirthrightRule | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface AssignmentRow {
  readonly id: string;
  readonly identityId: string;
  readonly resourceId: string;
  readonly workflowState: AssignmentWorkflowState;
  readonly provisioningState: AssignmentProvisioningState;
  /** `workflow:<instance id>`, `cli`, `sweep`, … : who asked for it. */
  readonly source: string;
  readonly validFrom: number | null;
  readonly validUntil: number | null;
  readonly instanceId: string | null;
  readonly lastError: string | null;
  readonly removedAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** The account one identity holds on one connector's target, under the target's own key once it is known. */
export interface AccountRow {
  readonly identityId: string;
  readonly connector: string;
  readonly targetKey: string | null;
  readonly login: string;
  readonly state: AccountState;
  readonly createdAt: number;
  readonly updatedAt: number;
}
