/**
 * The errors of email notifications. Settings are checked once, when a mail worker starts; the codes of failed
 * sends are stored on the outbox row (`error_code`) and in the audit.
 */
import { ConflictError, IdflowError, InvalidInputError, NotFoundError } from '../errors.js';

/** The mail settings are not what idflow can work with (a field missing, of the wrong type, out of range). */
export class MailSettingsError extends InvalidInputError {
  constructor(field: string, message: string, details: Record<string, unknown> = {}) {
    super('MAIL_SETTINGS_INVALID', `mail settings: ${field} ${message}`, { field, ...details });
  }
}

/** The settings name an environment variable for the SMTP password that is not set. */
export class MailPasswordMissingError extends InvalidInputError {
  constructor(variable: string) {
    super('MAIL_PASSWORD_MISSING', `mail settings: smtp.passwordEnv names the environment variable ${variable}, which is not set`, { variable });
  }
}

/** `idflow notification retry` of an id that is no notification. */
export class NotificationNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('NOTIFICATION_NOT_FOUND', `no notification has the id ${id}`, { id });
  }
}

/** `idflow notification retry` of a notification that was already sent: sending it again would duplicate it. */
export class NotificationAlreadySentError extends ConflictError {
  constructor(id: string) {
    super('NOTIFICATION_ALREADY_SENT', `notification ${id} was already sent; it is not sent twice`, { id });
  }
}

/**
 * Why a send failed, as stored on the row: `MAIL_REJECTED` (the server refused it for good: a 5xx answer),
 * `MAIL_TRANSIENT` (a 4xx answer, a connection that failed or timed out: retried), `MAIL_NO_RECIPIENT` (no recipient
 * resolved to an address), `MAIL_ATTEMPTS_EXHAUSTED` (still failing transiently after the last attempt).
 */
export type MailFailureCode = 'MAIL_REJECTED' | 'MAIL_TRANSIENT' | 'MAIL_NO_RECIPIENT' | 'MAIL_ATTEMPTS_EXHAUSTED';

/** A send that did not go through, classified. Thrown by the transport, caught by the mail worker. */
export class MailSendError extends IdflowError {
  readonly transient: boolean;
  constructor(code: MailFailureCode, message: string, transient: boolean, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.transient = transient;
  }
}
