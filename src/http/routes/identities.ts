/**
 * Identities and resources (`idflow identity …` and `idflow resource …` over HTTP). Identity records are personal
 * data, so reading them is for administrators (docs/decisions/http-identity-access.md); a person's own tasks and
 * work items show the identity they are about.
 */
import type { FastifyInstance } from 'fastify';
import { requireAdministrator } from '../../access/authorize.js';
import type { AccountRow, AssignmentRow, IdentityRecordRow, IdentityRow, IdentityState, ResourceKind, ResourceRow } from '../../identity/identity-rows.js';
import { NotFoundError } from '../../errors.js';
import { decodeCursor, instant, page } from '../pagination.js';
import { needs } from '../route-access.js';
import { ERROR_RESPONSES, limitParam, orderParam } from '../schemas.js';
import type { RouteDeps } from '../server.js';
import { callerOf } from './caller-of.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const nullableString = { type: 'string', nullable: true } as const;
const nullableTime = { type: 'string', format: 'date-time', nullable: true } as const;

const identitySchema = {
  type: 'object',
  required: ['id', 'login', 'state', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    login: { type: 'string' },
    employeeId: nullableString,
    state: { type: 'string', enum: ['draft', 'active', 'ended'] },
    managerId: nullableString,
    organization: nullableString,
    revision: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const recordSchema = {
  type: 'object',
  required: ['id', 'kind', 'validFrom', 'data', 'draft', 'recordedAt'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['personal', 'contract', 'position'] },
    validFrom: { type: 'string', format: 'date-time' },
    validUntil: nullableTime,
    data: { type: 'object', additionalProperties: true },
    draft: { type: 'boolean' },
    recordedAt: { type: 'string', format: 'date-time' },
    supersededAt: nullableTime,
    appliedAt: nullableTime,
    instanceId: nullableString,
  },
} as const;

const resourceSchema = {
  type: 'object',
  required: ['id', 'kind', 'name', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['application', 'group', 'device', 'network'] },
    name: { type: 'string' },
    displayName: nullableString,
    description: nullableString,
    connector: nullableString,
    targetKey: nullableString,
    owners: { type: 'array', items: { type: 'string' } },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** Assignments and accounts are shown as the store keeps them, their times as ISO strings. */
const looseRow = { type: 'object', additionalProperties: true } as const;

const listReply = (item: object) => ({ type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: item }, nextCursor: { type: 'string', nullable: true } } });
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 256 } } } as const;

function identityView(row: IdentityRow) {
  return { ...row, createdAt: iso(row.createdAt)!, updatedAt: iso(row.updatedAt)! };
}
function recordView(row: IdentityRecordRow) {
  return {
    ...row,
    validFrom: iso(row.validFrom)!,
    validUntil: iso(row.validUntil),
    recordedAt: iso(row.recordedAt)!,
    supersededAt: iso(row.supersededAt),
    appliedAt: iso(row.appliedAt),
  };
}
function resourceView(row: ResourceRow) {
  return { ...row, createdAt: iso(row.createdAt)!, updatedAt: iso(row.updatedAt)! };
}
/** Every epoch-ms field (`…At`) of a row as an ISO string. */
function timesAsIso(row: AssignmentRow | AccountRow): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, /At$/.test(k) && typeof v === 'number' ? new Date(v).toISOString() : v]));
}

export function registerIdentityRoutes(api: FastifyInstance, { repository, policy }: RouteDeps): void {
  const identities = repository.identities;
  const find = async (idOrLogin: string) => {
    const found = (await identities.getIdentity(idOrLogin)) ?? (await identities.findIdentity(idOrLogin))?.identity;
    if (!found) throw new NotFoundError('IDENTITY_NOT_FOUND', `no identity with id or login ${idOrLogin}`, { identity: idOrLogin });
    return found;
  };

  api.get<{ Querystring: { state?: IdentityState; organization?: string; order: 'asc' | 'desc'; limit: number; cursor?: string; since?: string; until?: string } }>(
    '/identities',
    {
      config: { access: needs('see') },
      schema: {
        tags: ['identities'],
        summary: 'Identities, filtered by state, organization and creation time, in creation order (administrators)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            state: { type: 'string', enum: ['draft', 'active', 'ended'] },
            organization: { type: 'string', minLength: 1, maxLength: 256 },
            since: { type: 'string', format: 'date-time' },
            until: { type: 'string', format: 'date-time' },
            order: orderParam,
            limit: limitParam,
            cursor: { type: 'string', maxLength: 1024 },
          },
        },
        response: { 200: listReply(identitySchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      requireAdministrator(policy, callerOf(request));
      const q = request.query;
      const since = instant('since', q.since);
      const until = instant('until', q.until);
      const rows = await identities.listIdentities({
        ...(q.state !== undefined && { state: q.state }),
        ...(q.organization !== undefined && { organization: q.organization }),
        ...(since !== undefined && { createdFrom: since }),
        ...(until !== undefined && { createdTo: until }),
        ...(q.cursor !== undefined && { after: decodeCursor(q.cursor) }),
        order: q.order,
        limit: q.limit,
      });
      return page(rows.map(identityView), q.limit);
    },
  );

  api.get<{ Params: { id: string }; Querystring: { asOf?: string; knownAt?: string; drafts?: boolean } }>(
    '/identities/:id',
    {
      config: { access: needs('see') },
      schema: {
        tags: ['identities'],
        summary: 'One identity (by id or login) with its records valid at asOf (default now) as known at knownAt, its assignments and accounts',
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { asOf: { type: 'string', format: 'date-time' }, knownAt: { type: 'string', format: 'date-time' }, drafts: { type: 'boolean' } },
        },
        response: {
          200: {
            type: 'object',
            required: ['identity', 'asOf', 'records', 'assignments', 'accounts'],
            properties: {
              identity: identitySchema,
              asOf: { type: 'string', format: 'date-time' },
              records: { type: 'array', items: recordSchema },
              assignments: { type: 'array', items: looseRow },
              accounts: { type: 'array', items: looseRow },
            },
          },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      requireAdministrator(policy, callerOf(request));
      const identity = await find(request.params.id);
      const validAt = instant('asOf', request.query.asOf) ?? Date.now();
      const knownAt = instant('knownAt', request.query.knownAt);
      const [records, assignments, accounts] = await Promise.all([
        identities.recordsAsOf(identity.id, { validAt, ...(knownAt !== undefined && { knownAt }), drafts: request.query.drafts ?? false }),
        identities.listAssignments({ identityId: identity.id }),
        identities.listAccounts(identity.id),
      ]);
      return {
        identity: identityView(identity),
        asOf: new Date(validAt).toISOString(),
        records: records.map(recordView),
        assignments: assignments.map(timesAsIso),
        accounts: accounts.map(timesAsIso),
      };
    },
  );

  api.get<{ Params: { id: string } }>(
    '/identities/:id/history',
    {
      config: { access: needs('see') },
      schema: {
        tags: ['identities'],
        summary: 'Every record of one identity, superseded ones included, in the order they were recorded',
        params: idParams,
        response: { 200: { type: 'object', required: ['identity', 'records'], properties: { identity: identitySchema, records: { type: 'array', items: recordSchema } } }, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      requireAdministrator(policy, callerOf(request));
      const identity = await find(request.params.id);
      return { identity: identityView(identity), records: (await identities.recordHistory(identity.id)).map(recordView) };
    },
  );

  api.get<{ Querystring: { kind?: ResourceKind; connector?: string; order: 'asc' | 'desc'; limit: number; cursor?: string } }>(
    '/resources',
    {
      config: { access: needs('see') },
      schema: {
        tags: ['resources'],
        summary: 'IT resources, filtered by kind and connector, in creation order (administrators)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            kind: { type: 'string', enum: ['application', 'group', 'device', 'network'] },
            connector: { type: 'string', minLength: 1, maxLength: 256 },
            order: orderParam,
            limit: limitParam,
            cursor: { type: 'string', maxLength: 1024 },
          },
        },
        response: { 200: listReply(resourceSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      requireAdministrator(policy, callerOf(request));
      const q = request.query;
      const rows = await identities.listResources({
        ...(q.kind !== undefined && { kind: q.kind }),
        ...(q.connector !== undefined && { connector: q.connector }),
        ...(q.cursor !== undefined && { after: decodeCursor(q.cursor) }),
        order: q.order,
        limit: q.limit,
      });
      return page(rows.map(resourceView), q.limit);
    },
  );

  api.get<{ Params: { id: string } }>(
    '/resources/:id',
    {
      config: { access: needs('see') },
      schema: {
        tags: ['resources'],
        summary: 'One resource (by id or name) with the identities assigned to it',
        params: idParams,
        response: { 200: { type: 'object', required: ['resource', 'assignments'], properties: { resource: resourceSchema, assignments: { type: 'array', items: looseRow } } }, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      requireAdministrator(policy, callerOf(request));
      const resource = await identities.getResource(request.params.id);
      if (!resource) throw new NotFoundError('RESOURCE_NOT_FOUND', `no resource with id or name ${request.params.id}`, { resource: request.params.id });
      return { resource: resourceView(resource), assignments: (await identities.listAssignments({ resourceId: resource.id })).map(timesAsIso) };
    },
  );
}
