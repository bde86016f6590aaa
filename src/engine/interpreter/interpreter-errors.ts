/**
 * Errors the interpreter throws. A thrown error means the advance is refused and nothing changes: the caller
 * keeps the state it passed in. Failures that belong to the instance (maxSteps, a transition that cannot be
 * decided) are not thrown; they end the instance with status `failed` and an error in its result.
 */
import { ConflictError, InvalidInputError, NotFoundError, UnsupportedError, type ErrorDetails } from '../../errors.js';

/** The state handed to `resume` is not one this interpreter wrote (`ENGINE_STATE_INVALID`). */
export class InstanceStateError extends InvalidInputError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('ENGINE_STATE_INVALID', message, details);
  }
}

/** The instance already ended (`ENGINE_INSTANCE_ENDED`). */
export class InstanceEndedError extends ConflictError {
  constructor(instanceId: string, status: string) {
    super('ENGINE_INSTANCE_ENDED', `task instance ${instanceId} is ${status}; it cannot be advanced`, { instanceId, status });
  }
}

/** The work item is unknown or no longer open (`ENGINE_WORKITEM_NOT_OPEN`). */
export class WorkItemNotOpenError extends NotFoundError {
  constructor(workItemId: string, instanceId: string) {
    super('ENGINE_WORKITEM_NOT_OPEN', `work item ${workItemId} is not open in task instance ${instanceId}`, { workItemId, instanceId });
  }
}

/** A decision the work item does not offer (`ENGINE_DECISION_REFUSED`). */
export class DecisionRefusedError extends InvalidInputError {
  constructor(workItemId: string, decision: string, allowed: readonly string[]) {
    super(
      'ENGINE_DECISION_REFUSED',
      `work item ${workItemId} does not offer the decision '${decision}'; allowed: ${allowed.join(', ')}`,
      { workItemId, decision, allowed: [...allowed] },
    );
  }
}

/** A Delegate/Refine decision without the person to hand the item to (`ENGINE_ASSIGNEE_REQUIRED`). */
export class AssigneeRequiredError extends InvalidInputError {
  constructor(workItemId: string, decision: string) {
    super('ENGINE_ASSIGNEE_REQUIRED', `the decision '${decision}' on work item ${workItemId} needs an assignee`, { workItemId, decision });
  }
}

/** The definition object carries no process (a Configuration without `<WFProcess>`) (`ENGINE_NOT_A_PROCESS`). */
export class NotAProcessError extends InvalidInputError {
  constructor(name: string) {
    super('ENGINE_NOT_A_PROCESS', `'${name}' has no process to run`, { name });
  }
}

/** A Netwrix assert aspect refused a transition; the message is the aspect's `Message_L1` (`ASPECT_ASSERTION_FAILED`). */
export class AspectAssertionError extends InvalidInputError {
  constructor(message: string, details: ErrorDetails) {
    super('ASPECT_ASSERTION_FAILED', message, details);
  }
}

/** A BuildUniqueValueAspect found no value that passes its check (`ASPECT_UNIQUE_VALUE_EXHAUSTED`). */
export class AspectUniqueValueError extends InvalidInputError {
  constructor(message: string, details: ErrorDetails) {
    super('ASPECT_UNIQUE_VALUE_EXHAUSTED', message, details);
  }
}

/** An aspect kind idflow does not run (InvokeScriptAspect) (`ENGINE_ASPECT_UNSUPPORTED`). */
export class AspectUnsupportedError extends UnsupportedError {
  constructor(kind: string, identifier: string) {
    super('ENGINE_ASPECT_UNSUPPORTED', `${kind} '${identifier}' is not supported by idflow`, { kind, identifier });
  }
}

/**
 * A failure that ends the instance (recorded in the result, not thrown to the caller). Used internally to unwind
 * the advance loop; `code` is one of ENGINE_MAX_STEPS, ENGINE_NO_TRANSITION, ENGINE_ACTIVITY_NOT_FOUND,
 * ENGINE_NO_OWNER, ENGINE_EXPRESSION_FAILED, ENGINE_PROCESS_NOT_FOUND, ENGINE_STATE_INVALID.
 */
export class InstanceFailure extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'InstanceFailure';
  }
}
