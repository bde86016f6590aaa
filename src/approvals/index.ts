/** Approvals: schemes, modes, resolution of approvers, escalation targets (docs/approvals.md). */
export { ApprovalModeError, ApprovalSchemeError, NoApproverError } from './approval-errors.js';
export { APPROVAL_MODES, parseApprovalMode, type ApprovalMode } from './approval-mode.js';
export { DEFAULT_SCHEME, parseApprovalScheme, type ApproverSource } from './approval-scheme.js';
export { directoryOver, EMPTY_DIRECTORY, type ApproverDirectory } from './approver-directory.js';
export { escalationTarget, isOneOf, resolveApprovers, type ApprovalRequest, type ResolvedApprovers } from './resolve-approvers.js';
export { isApproving, type ApprovalDecision, type ApprovalOutcome } from './approval-record.js';
