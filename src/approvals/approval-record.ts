/**
 * What an approval reports to its process (`WF_APPROVAL`, the Approval subprocess's outputs) and to the audit.
 */
import type { ApprovalMode } from './approval-mode.js';

/** One approver's decision. */
export interface ApprovalDecision {
  readonly approver: string;
  readonly decision: string;
  readonly approved: boolean;
  readonly comment: string | null;
  /** ISO 8601 UTC. */
  readonly at: string;
  /** The approver the item was first meant for, when it was delegated or escalated to `approver`. */
  readonly delegatedFrom: string | null;
  readonly escalated: boolean;
}

export interface ApprovalOutcome {
  readonly approved: boolean;
  readonly mode: ApprovalMode;
  readonly approvals: readonly ApprovalDecision[];
  /** Why nobody was asked (`APPROVAL_NO_APPROVER: …`), or null. */
  readonly error: string | null;
}

const APPROVING = new Set(['approve', 'approved', 'accept', 'accepted', 'yes', 'ok']);

/** Whether a decision approves: `approve`/`Approve` and their synonyms; any other completing decision rejects. */
export function isApproving(decision: string): boolean {
  return APPROVING.has(decision.trim().toLowerCase());
}
