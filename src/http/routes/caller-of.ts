import type { FastifyRequest } from 'fastify';
import type { Caller } from '../../access/caller.js';
import { UnauthenticatedError } from '../../access/access-errors.js';

/** The authenticated caller of a route that is not public (the access hook set it). */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new UnauthenticatedError('HTTP_UNAUTHENTICATED', 'sign in first (POST /api/v1/session) or send an API token', {});
  return request.caller;
}
