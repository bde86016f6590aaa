/**
 * What each route needs, declared on the route itself (`config.access`) so that one hook enforces it and the route
 * tests can enumerate it: `public` (no caller), or a caller allowed the action's token scope. What a particular
 * caller may do with a particular object is the authorisation module's answer (src/access/authorize.ts), asked by
 * the engine or the route.
 */
import type { AccessAction, Caller } from '../access/caller.js';
import type { SessionRecord } from '../repository/access-store.js';

export type RouteAccess = { readonly kind: 'public' } | { readonly kind: 'caller'; readonly action: AccessAction; readonly sessionOnly?: boolean };

export const PUBLIC: RouteAccess = { kind: 'public' };

export function needs(action: AccessAction, options: { readonly sessionOnly?: boolean } = {}): RouteAccess {
  return { kind: 'caller', action, ...options };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** Set by the access hook on every route that is not public. */
    caller?: Caller;
    /** The browser session, for session callers. */
    session?: SessionRecord;
    /** The cookie value of that session. */
    sessionId?: string;
  }
}
