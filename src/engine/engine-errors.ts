/**
 * Errors the runtime raises from more than one module, as classes, so that each code is built in one place with
 * one message shape and one set of details.
 */
import { IdflowError, InvalidInputError, NotFoundError } from '../errors.js';

/**
 * No task instance with that id (`TASK_NOT_FOUND`). `gone` tells how it went when the caller held it a moment ago
 * (e.g. `ended and was deleted while the decision was applied`).
 */
export class TaskNotFoundError extends NotFoundError {
  constructor(id: string, gone?: string, hint = '') {
    super('TASK_NOT_FOUND', gone === undefined ? `no task instance ${id}${hint}` : `task instance ${id} ${gone}`, { id });
  }
}

/** The definition version an instance is pinned to is no longer in the repository (`DEFINITION_VERSION_MISSING`). */
export class DefinitionVersionMissingError extends NotFoundError {
  constructor(definitionId: string, definition: string) {
    super('DEFINITION_VERSION_MISSING', `the version of "${definition}" this instance was launched from (${definitionId}) is no longer in the repository`, {
      definitionId,
      definition,
    });
  }
}

/**
 * Variables a caller passes (launch inputs, a decision's edits) are larger than the instance may store
 * (`ENGINE_STATE_TOO_LARGE`): refused before anything is written. An advance that would store too much ends the
 * instance as failed with the same code instead (docs/engine.md, "Budgets and size limits").
 */
export class StateTooLargeError extends InvalidInputError {
  constructor(what: string, bytes: number, limit: number, limitName: string) {
    super('ENGINE_STATE_TOO_LARGE', `${what} would store more than ${limit} bytes (at least ${bytes}); the limit is ${limitName}`, { bytes, limit, limitName });
  }
}

/**
 * Workers claimed this instance more times than allowed without ever committing it or handing it back
 * (`WORKER_ATTEMPTS_EXHAUSTED`): each of them died or lost its lease while running it. The instance ends as failed
 * instead of taking down worker after worker.
 */
export class WorkerAttemptsExhaustedError extends IdflowError {
  constructor(id: string, attempts: number, maxAttempts: number) {
    super(
      'WORKER_ATTEMPTS_EXHAUSTED',
      `task instance ${id} was claimed ${attempts} times without a commit (the limit is ${maxAttempts}): every worker that ran it died or lost its lease`,
      { id, attempts, maxAttempts },
    );
  }
}
