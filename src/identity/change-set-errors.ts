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
  /** `attribute`: the change set's attribute that named it (`Manager`). */
  constructor(idOrLogin: string, role = 'identity', attribute?: string) {
    super('IDENTITY_NOT_FOUND', `no identity has the id or login ${JSON.stringify(idOrLogin)}${role === 'identity' ? '' : ` (the ${role})`}`, {
      identity: idOrLogin,
      role,
      ...(attribute !== undefined && { attribute }),
    });
  }
}

/** `IDENTITY_EMPLOYEE_ID_TAKEN`: an employee id (the HR key, unique) another identity holds. */
export class IdentityEmployeeIdTakenError extends ConflictError {
  constructor(employeeId: string) {
    super('IDENTITY_EMPLOYEE_ID_TAKEN', `the employee id ${JSON.stringify(employeeId)} belongs to another identity`, { employeeId, attribute: 'EmployeeId' });
  }
}

/** `IDENTITY_LOGIN_TAKEN`: a rename (or a creation) to a login another identity holds. */
export class IdentityLoginTakenError extends ConflictError {
  constructor(login: string) {
    super('IDENTITY_LOGIN_TAKEN', `the login ${JSON.stringify(login)} belongs to another identity`, { login, attribute: 'login' });
  }
}
