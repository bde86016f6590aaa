/**
 * Errors of the HTTP layer and the one mapping from any error to a response: `{ error: { code, message, details } }`
 * with the status of the error's class (docs/api.md, "Errors"). The codes are the CLI's; nothing else is sent, and
 * never a stack trace.
 */
import { ConflictError, IdflowError, InvalidInputError, NotAuthorizedError, NotFoundError, UnsupportedError, type ErrorDetails } from '../errors.js';
import { StorageError } from '../repository/storage-error.js';
import { RateLimitedError, UnauthenticatedError } from '../access/access-errors.js';

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details: ErrorDetails };
}

/** HTTP status by error class; anything not deliberate is a 500 that says nothing about the inside. */
export function statusOf(error: unknown): number {
  if (error instanceof UnauthenticatedError) return 401;
  if (error instanceof RateLimitedError) return 429;
  if (error instanceof NotAuthorizedError) return 403;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof InvalidInputError) return 400;
  if (error instanceof UnsupportedError) return 422;
  if (error instanceof StorageError) return error.transient ? 503 : 500;
  if (error instanceof IdflowError) return 500;
  return 500;
}

/** Fastify's own errors (validation, body size, media type, bad JSON) as idflow codes. */
export function fastifyErrorBody(error: { code?: string; statusCode?: number; message: string; validation?: unknown }): { status: number; body: ErrorBody } | undefined {
  if (error.validation !== undefined) {
    return { status: 400, body: { error: { code: 'HTTP_INVALID_REQUEST', message: error.message, details: { validation: error.validation as never } } } };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: { error: { code: 'HTTP_BODY_TOO_LARGE', message: 'the request body is larger than this server accepts', details: {} } } };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: { error: { code: 'HTTP_UNSUPPORTED_MEDIA_TYPE', message: 'send the body as application/json', details: {} } } };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: { error: { code: 'HTTP_INVALID_REQUEST', message: 'the request body is not valid JSON', details: {} } } };
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return { status: error.statusCode, body: { error: { code: 'HTTP_INVALID_REQUEST', message: error.message, details: {} } } };
  }
  return undefined;
}

export function errorBody(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof IdflowError) {
    const status = statusOf(error);
    if (status === 500 && !(error instanceof StorageError)) return internal();
    return { status, body: { error: { code: error.code, message: error.message, details: error.details } } };
  }
  const fromFastify = typeof error === 'object' && error !== null && 'message' in error ? fastifyErrorBody(error as never) : undefined;
  return fromFastify ?? internal();
}

function internal(): { status: number; body: ErrorBody } {
  return { status: 500, body: { error: { code: 'HTTP_INTERNAL', message: 'the server failed to answer this request; the failure is in its log', details: {} } } };
}
