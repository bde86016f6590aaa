/**
 * The coded errors of approver resolution (docs/approvals.md). They surface as the approval's `error` and the
 * action's WF_ACTION_ERROR (`<code>: <message>`), never as a thrown refusal of a person's call.
 */
import { InvalidInputError } from '../errors.js';

/** The scheme names an unknown source, or a source without the resource, profile or person it needs. */
export class ApprovalSchemeError extends InvalidInputError {
  constructor(message: string) {
    super('APPROVAL_SCHEME_INVALID', message);
  }
}

/** The mode is not `any`, `serial` or `parallel`. */
export class ApprovalModeError extends InvalidInputError {
  constructor(mode: string) {
    super('APPROVAL_MODE_INVALID', `approval mode '${mode}' is not one of any, serial, parallel`, { mode });
  }
}

/** Four-eyes left nobody to ask, and no fallback is named. */
export class NoApproverError extends InvalidInputError {
  constructor(message: string, details: Readonly<Record<string, unknown>>) {
    super('APPROVAL_NO_APPROVER', message, details);
  }
}
