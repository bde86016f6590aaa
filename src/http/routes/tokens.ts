import type { FastifyInstance } from 'fastify';
import { TOKEN_SCOPES, type TokenScope } from '../../access/caller.js';
import { NotAuthorizedError } from '../../errors.js';
import type { TokenRecord } from '../../repository/access-store.js';
import { instant } from '../pagination.js';
import { needs } from '../route-access.js';
import { ERROR_RESPONSES, listOf, ref } from '../schemas.js';
import type { RouteDeps } from '../server.js';
import { callerOf } from './caller-of.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
function shown(t: Omit<TokenRecord, 'secretHash'>) {
  return { id: t.id, account: t.account, name: t.name, scopes: t.scopes, createdAt: iso(t.createdAt), expiresAt: iso(t.expiresAt), revokedAt: iso(t.revokedAt) };
}

export function registerTokenRoutes(api: FastifyInstance, { accounts, repository }: RouteDeps): void {
  api.post<{ Body: { name: string; scopes: TokenScope[]; expiresAt?: string } }>(
    '/tokens',
    {
      config: { access: needs('see', { sessionOnly: true }) },
      schema: {
        tags: ['tokens'],
        summary: 'A new API token for the signed-in account (shown once; only its hash is kept). Scopes: read, launch, decide, control, admin',
        body: {
          type: 'object',
          required: ['name', 'scopes'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            scopes: { type: 'array', minItems: 1, maxItems: TOKEN_SCOPES.length, items: { type: 'string', enum: TOKEN_SCOPES } },
            expiresAt: { type: 'string', format: 'date-time' },
          },
        },
        response: { 201: { type: 'object', required: ['token', 'record'], properties: { token: { type: 'string' }, record: ref('ApiToken') } }, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const expiresAt = instant('expiresAt', request.body.expiresAt);
      const made = await accounts.createToken(callerOf(request), { name: request.body.name, scopes: request.body.scopes, ...(expiresAt !== undefined && { expiresAt }) });
      return reply.status(201).send({ token: made.token, record: shown(made.record) });
    },
  );

  api.get<{ Querystring: { account?: string } }>(
    '/tokens',
    {
      config: { access: needs('see') },
      schema: {
        tags: ['tokens'],
        summary: "The caller's API tokens (an administrator: anybody's with account=)",
        querystring: { type: 'object', additionalProperties: false, properties: { account: { type: 'string', minLength: 1, maxLength: 256 } } },
        response: { 200: listOf('ApiToken'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const account = request.query.account ?? caller.person;
      if (account !== caller.person && !caller.administrator) {
        throw new NotAuthorizedError('TOKEN_NOT_VISIBLE', `${caller.person} may list their own tokens only`, { account });
      }
      return { items: (await repository.access.listTokens(account)).map(shown), nextCursor: null };
    },
  );

  api.delete<{ Params: { id: string } }>(
    '/tokens/:id',
    {
      config: { access: needs('see') },
      schema: {
        tags: ['tokens'],
        summary: "Revoke an API token (one's own; an administrator: any); it is refused from the next request on",
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 100 } } },
        response: { 204: { type: 'null' }, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await accounts.revokeToken(callerOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
}
