import type { FastifyInstance } from 'fastify';
import { clearedSessionCookie, sessionCookie } from '../cookies.js';
import { needs, PUBLIC } from '../route-access.js';
import { ERROR_RESPONSES, ref } from '../schemas.js';
import type { RouteDeps } from '../server.js';
import { callerOf } from './caller-of.js';

const sessionReply = {
  type: 'object',
  required: ['caller'],
  properties: { caller: ref('Caller'), csrfToken: { type: 'string' }, expiresAt: { type: 'string' } },
} as const;

export function registerSessionRoutes(api: FastifyInstance, { accounts, secure }: RouteDeps): void {
  api.post<{ Body: { name: string; password: string } }>(
    '/session',
    {
      config: { access: PUBLIC },
      schema: {
        tags: ['session'],
        summary: 'Sign in: sets the httpOnly session cookie and returns the CSRF token to echo in x-csrf-token',
        security: [],
        body: {
          type: 'object',
          required: ['name', 'password'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 256 }, password: { type: 'string', minLength: 1, maxLength: 1024 } },
        },
        response: { 200: sessionReply, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const signedIn = await accounts.signIn(request.body.name, request.body.password, request.ip);
      void reply.header('Set-Cookie', sessionCookie(signedIn.sessionId, Math.floor(accounts.sessionTtlMs / 1000), secure));
      return { caller: signedIn.caller, csrfToken: signedIn.csrfToken, expiresAt: new Date(signedIn.expiresAt).toISOString() };
    },
  );

  api.get(
    '/session',
    {
      config: { access: needs('see') },
      schema: { tags: ['session'], summary: 'Who is calling; for a browser session also its CSRF token', response: { 200: sessionReply, ...ERROR_RESPONSES } },
    },
    async (request) => ({
      caller: callerOf(request),
      ...(request.session && { csrfToken: request.session.csrfToken, expiresAt: new Date(request.session.expiresAt).toISOString() }),
    }),
  );

  api.delete(
    '/session',
    {
      config: { access: needs('see', { sessionOnly: true }) },
      schema: { tags: ['session'], summary: 'Sign out: ends the session and clears its cookie', response: { 204: { type: 'null' }, ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      if (request.sessionId !== undefined) await accounts.signOut(request.sessionId);
      void reply.header('Set-Cookie', clearedSessionCookie(secure));
      return reply.status(204).send();
    },
  );
}
