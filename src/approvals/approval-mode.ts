/**
 * Approval modes (docs/decisions/approval-modes.md): `any` (one item per approver, the first decision decides),
 * `serial` (one at a time, in order; a rejection ends it), `parallel` (all at once, all must approve; the first
 * rejection ends it and cancels the rest).
 */
import { ApprovalModeError } from './approval-errors.js';

export type ApprovalMode = 'any' | 'serial' | 'parallel';

export const APPROVAL_MODES: readonly ApprovalMode[] = ['any', 'serial', 'parallel'];

/**
 * Reads a mode as written, in any case; empty means `any`. Netwrix's ApprovalWorkflowType words are accepted too,
 * so a configuration can say what its resources say: `One` is any, `Two` and `Three` are serial.
 */
export function parseApprovalMode(text: string | null | undefined): ApprovalMode {
  const t = (text ?? '').trim().toLowerCase();
  if (t === '' || t === 'any' || t === 'one') return 'any';
  if (t === 'serial' || t === 'two' || t === 'three') return 'serial';
  if (t === 'parallel' || t === 'all') return 'parallel';
  throw new ApprovalModeError(text ?? '');
}
