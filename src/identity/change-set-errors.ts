import { InvalidInputError, NotFoundError, ConflictError } from '../errors.js';

/**
 * A change set refused before anything of it is applied. `details.attribute` names the attribute (as the change
 * set wrote it, with its path: `Records[1].ContractEndDate`) whenever one is to blame.
 * Codes: `CHANGESET_INVALID`, `CHANGESET_ATTRIBUTE_UNKNOWN`, `CHANGESET_TYPE_INVALID`, `CHANGESET_DATE_INVALID`,
 * `CHANGESET_DATES_REVERSED`, `CHANGESET_LOGIN_REQUIRED`, `CHANGESET_RESOURCE_UNKNOWN` (docs/change-sets.md).
 */
export class ChangeSetError extends InvalidInputError {
  constructor(code: string, message: string, attribute?: string, details: Readonly<Record<string, unknown>> = {}) {
    super(code, message, { ...(attribute !== undefined && { attribute }), ...details });
  }
}

/** `IDENTITY_NOT_FOUND`: no identity has this id or login. */
export class IdentityNotFoundError extends NotFoundError {
  constructor(idOrLogin: string, role = 'identity') {
    super('IDENTITY_NOT_FOUND', `no identity has the id or login ${JSON.stringify(idOrLogin)}${role === 'identity' ? '' : ` (the ${role})`}`, { identity: idOrLogin, role });
  }
}

/** `IDENTITY_LOGIN_TAKEN`: a rename (or a creation) to a login another identity holds. */
export class IdentityLoginTakenError extends ConflictError {
  constructor(login: string) {
    super('IDENTITY_LOGIN_TAKEN', `the login ${JSON.stringify(login)} belongs to another identity`, { login, attribute: 'login' });
  }
}
