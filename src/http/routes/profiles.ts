import type { FastifyInstance } from 'fastify';
import { requireAdministrator } from '../../access/authorize.js';
import { createAclPermissionResolver } from '../../engine/acl-permission-resolver.js';
import { NotAuthorizedError } from '../../errors.js';
import { needs } from '../route-access.js';
import { ERROR_RESPONSES } from '../schemas.js';
import type { RouteDeps } from '../server.js';
import { callerOf } from './caller-of.js';

const assignment = {
  type: 'object',
  properties: { person: { type: 'string' }, profile: { type: 'string' }, assignedAt: { type: 'string' }, assignedBy: { type: 'string' } },
} as const;
const personParams = { type: 'object', required: ['person'], properties: { person: { type: 'string', minLength: 1, maxLength: 256 } } } as const;

export function registerProfileRoutes(api: FastifyInstance, { repository, policy, clock }: RouteDeps): void {
  const acl = createAclPermissionResolver(repository);

  api.get<{ Querystring: { person?: string } }>(
    '/profiles',
    {
      config: { access: needs('see') },
      schema: {
        tags: ['profiles'],
        summary: "Profile assignments: an administrator's of everybody (or one person), anybody else's own",
        querystring: { type: 'object', additionalProperties: false, properties: { person: { type: 'string', minLength: 1, maxLength: 256 } } },
        response: { 200: { type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: assignment }, nextCursor: { type: 'null' } } }, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const person = caller.administrator ? request.query.person : caller.person;
      if (!caller.administrator && request.query.person !== undefined && request.query.person !== caller.person) {
        throw new NotAuthorizedError('PROFILE_NOT_VISIBLE', `${caller.person} may see their own profiles only`, { person: request.query.person });
      }
      const rows = await repository.profiles.list(person === undefined ? {} : { person });
      return { items: rows.map((r) => ({ ...r, assignedAt: new Date(r.assignedAt).toISOString() })), nextCursor: null };
    },
  );

  api.get<{ Params: { person: string } }>(
    '/profiles/:person/permissions',
    {
      config: { access: needs('see') },
      schema: {
        tags: ['profiles'],
        summary: "A person's profiles and the permissions they grant (one's own, or anybody's for an administrator)",
        params: personParams,
        response: {
          200: {
            type: 'object',
            properties: {
              person: { type: 'string' },
              profiles: { type: 'array', items: { type: 'string' } },
              unknownProfiles: { type: 'array', items: { type: 'string' } },
              grants: { type: 'array', items: { type: 'object', additionalProperties: true } },
            },
          },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      if (!caller.administrator && request.params.person !== caller.person) {
        throw new NotAuthorizedError('PROFILE_NOT_VISIBLE', `${caller.person} may see their own permissions only`, { person: request.params.person });
      }
      return acl.permissionsOf(request.params.person);
    },
  );

  api.put<{ Params: { person: string }; Body: { profiles: string[] } }>(
    '/profiles/:person',
    {
      config: { access: needs('administer') },
      schema: {
        tags: ['profiles'],
        summary: 'Give a person profiles (administrators); profiles held already stay as they were',
        params: personParams,
        body: { type: 'object', required: ['profiles'], additionalProperties: false, properties: { profiles: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 256 } } } },
        response: { 200: { type: 'object', properties: { results: { type: 'array', items: { type: 'object', additionalProperties: true } } } }, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      requireAdministrator(policy, caller);
      return { results: await repository.profiles.assign(request.params.person, request.body.profiles, caller.person, clock()) };
    },
  );

  api.delete<{ Params: { person: string; profile: string } }>(
    '/profiles/:person/:profile',
    {
      config: { access: needs('administer') },
      schema: {
        tags: ['profiles'],
        summary: 'Take a profile away from a person (administrators)',
        params: { type: 'object', required: ['person', 'profile'], properties: { person: { type: 'string', minLength: 1, maxLength: 256 }, profile: { type: 'string', minLength: 1, maxLength: 256 } } },
        response: { 204: { type: 'null' }, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      requireAdministrator(policy, caller);
      await repository.profiles.unassign(request.params.person, [request.params.profile]);
      return reply.status(204).send();
    },
  );
}
