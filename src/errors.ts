/**
 * Error classes shared by every part of idflow.
 *
 * Every error idflow raises on purpose is an {@link IdflowError} with a stable, SCREAMING_SNAKE `code`
 * (for example `XML_MALFORMED`, `XPRESS_UNKNOWN_FUNCTION`, `WORKITEM_NOT_OWNER`). Codes are the contract:
 * messages may improve, codes do not change. `docs/errors.md` lists them.
 */

/** Extra, machine-readable facts about an error (ids, names, limits). Plain JSON. */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/** Base class of every deliberate idflow error. */
export class IdflowError extends Error {
  /** Stable code, e.g. `TASK_NOT_FOUND`. */
  readonly code: string;
  readonly details: ErrorDetails;

  constructor(code: string, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  /** The JSON shape used by the CLI (`--json`) and, later, the HTTP API. */
  toJSON(): { error: { code: string; message: string; details: ErrorDetails } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** Bad input given to idflow by a person or a program: wrong option, unknown name, wrong type. */
export class InvalidInputError extends IdflowError {}

/** Something named does not exist (definition, task instance, work item, object). */
export class NotFoundError extends IdflowError {}

/** The caller is known but may not do this (not an owner, not visible, four-eyes rule). */
export class NotAuthorizedError extends IdflowError {}

/** The request conflicts with the current state (instance not suspendable, subject locked, stale revision). */
export class ConflictError extends IdflowError {}

/** A feature that idflow deliberately does not support (C# expressions, `script`, unknown entity types). */
export class UnsupportedError extends IdflowError {}

/** True when `err` is an {@link IdflowError} carrying `code`. */
export function hasErrorCode(err: unknown, code: string): boolean {
  return err instanceof IdflowError && err.code === code;
}
