import type { FastifyInstance } from 'fastify';
import { requireAdministrator } from '../../access/authorize.js';
import { needs } from '../route-access.js';
import { ERROR_RESPONSES, limitParam, listOf } from '../schemas.js';
import type { RouteDeps } from '../server.js';
import { callerOf } from './caller-of.js';

export function registerAuditRoutes(api: FastifyInstance, { repository, policy }: RouteDeps): void {
  api.get<{ Querystring: { instance?: string; limit: number } }>(
    '/audit',
    {
      config: { access: needs('administer') },
      schema: {
        tags: ['audit'],
        summary: 'AuditEvents of every instance, oldest first (administrators; an instance\'s own record is /tasks/{id}/audit)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { instance: { type: 'string', minLength: 1, maxLength: 100 }, limit: { ...limitParam, maximum: 10_000, default: 1000 } },
        },
        response: { 200: listOf('AuditEvent'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      requireAdministrator(policy, caller);
      const events = await repository.runtime.listAudit({ ...(request.query.instance !== undefined && { instanceId: request.query.instance }), limit: request.query.limit });
      return { items: events.map((e) => ({ ...e, at: new Date(e.at).toISOString() })), nextCursor: null };
    },
  );
}
