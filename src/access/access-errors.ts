import { IdflowError, type ErrorDetails } from '../errors.js';

/** The request carries no valid session or token, or a sign-in failed (HTTP 401). */
export class UnauthenticatedError extends IdflowError {}

/** Too many failed sign-ins (HTTP 429); `retryAfterSeconds` goes into Retry-After. */
export class RateLimitedError extends IdflowError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, details: ErrorDetails = {}) {
    super('HTTP_RATE_LIMITED', message, { ...details, retryAfterSeconds });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
