import type { FastifyInstance } from 'fastify';
import type { XValue } from '../../expression/env.js';
import type { TaskState } from '../../engine/engine-api.js';
import { decodeCursor, encodeAfter, instant } from '../pagination.js';
import { needs } from '../route-access.js';
import { ERROR_RESPONSES, limitParam, listOf, orderParam, ref } from '../schemas.js';
import type { RouteDeps } from '../server.js';
import { callerOf } from './caller-of.js';

const STATES = ['ready', 'executing', 'suspended', 'finished', 'terminated'] as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 100 } } } as const;
const instanceReply = { type: 'object', required: ['instance'], properties: { instance: ref('TaskInstance') } } as const;
const filterProperties = {
  state: { type: 'string', enum: STATES },
  definition: { type: 'string', minLength: 1, maxLength: 256 },
  subject: { type: 'string', minLength: 1, maxLength: 256 },
  since: { type: 'string', format: 'date-time' },
  until: { type: 'string', format: 'date-time' },
} as const;

interface Filter {
  state?: TaskState;
  definition?: string;
  subject?: string;
  since?: string;
  until?: string;
}

function engineFilter(q: Filter) {
  const since = instant('since', q.since);
  const until = instant('until', q.until);
  return {
    ...(q.state !== undefined && { state: q.state }),
    ...(q.definition !== undefined && { definition: q.definition }),
    ...(q.subject !== undefined && { subject: q.subject }),
    ...(since !== undefined && { since }),
    ...(until !== undefined && { until }),
  };
}

export function registerTaskRoutes(api: FastifyInstance, { engine, repository }: RouteDeps): void {
  api.post<{
    Body: { definition: string; type?: 'TaskDefinition' | 'Workflow'; version?: number; variables?: Record<string, XValue>; subject?: string; mode?: 'sync' | 'async'; name?: string };
  }>(
    '/tasks',
    {
      config: { access: needs('launch') },
      schema: {
        tags: ['tasks'],
        summary: 'Launch a TaskDefinition or Workflow as the caller',
        body: {
          type: 'object',
          required: ['definition'],
          additionalProperties: false,
          properties: {
            definition: { type: 'string', minLength: 1, maxLength: 256 },
            type: { type: 'string', enum: ['TaskDefinition', 'Workflow'] },
            version: { type: 'integer', minimum: 1 },
            variables: { type: 'object', additionalProperties: true },
            subject: { type: 'string', minLength: 1, maxLength: 256 },
            mode: { type: 'string', enum: ['sync', 'async'] },
            name: { type: 'string', minLength: 1, maxLength: 256 },
          },
        },
        response: {
          201: { type: 'object', required: ['instance', 'workItems'], properties: { instance: ref('TaskInstance'), workItems: { type: 'array', items: ref('WorkItem') } } },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const result = await engine.launch({
        definition: b.definition,
        launcher: callerOf(request),
        ...(b.type !== undefined && { type: b.type }),
        ...(b.version !== undefined && { version: b.version }),
        ...(b.variables !== undefined && { variables: b.variables }),
        ...(b.subject !== undefined && { subject: b.subject }),
        ...(b.mode !== undefined && { mode: b.mode }),
        ...(b.name !== undefined && { taskName: b.name }),
      });
      return reply.status(201).send(result);
    },
  );

  api.get<{ Querystring: Filter & { order: 'asc' | 'desc'; limit: number; cursor?: string } }>(
    '/tasks',
    {
      config: { access: needs('see') },
      schema: {
        tags: ['tasks'],
        summary: 'The TaskInstances the caller may see, newest first unless order=asc; filtered by state, definition, subject and creation time',
        querystring: { type: 'object', additionalProperties: false, properties: { ...filterProperties, order: orderParam, limit: limitParam, cursor: { type: 'string', maxLength: 1024 } } },
        response: { 200: listOf('TaskInstance'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const q = request.query;
      const { items, next } = await engine.listTasksPage(
        { ...engineFilter(q), order: q.order, limit: q.limit, ...(q.cursor !== undefined && { after: decodeCursor(q.cursor) }) },
        callerOf(request),
      );
      return { items, nextCursor: next ? encodeAfter(next) : null };
    },
  );

  api.get<{ Params: { id: string } }>(
    '/tasks/:id',
    {
      config: { access: needs('see') },
      schema: { tags: ['tasks'], summary: 'One TaskInstance, with its history', params: idParams, response: { 200: instanceReply, ...ERROR_RESPONSES } },
    },
    async (request) => ({ instance: await engine.getTask(request.params.id, callerOf(request)) }),
  );

  api.get<{ Params: { id: string }; Querystring: { limit: number } }>(
    '/tasks/:id/audit',
    {
      config: { access: needs('see') },
      schema: {
        tags: ['tasks', 'audit'],
        summary: 'The AuditEvents of one TaskInstance, oldest first',
        params: idParams,
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { ...limitParam, maximum: 10_000, default: 1000 } } },
        response: { 200: listOf('AuditEvent'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      await engine.getTask(request.params.id, callerOf(request));
      const events = await repository.runtime.listAudit({ instanceId: request.params.id, limit: request.query.limit });
      return { items: events.map((e) => ({ ...e, at: new Date(e.at).toISOString() })), nextCursor: null };
    },
  );

  for (const action of ['suspend', 'resume', 'terminate', 'purge'] as const) {
    api.post<{ Params: { id: string } }>(
      `/tasks/:id/${action}`,
      {
        config: { access: needs(action) },
        schema: {
          tags: ['tasks'],
          summary:
            action === 'purge'
              ? 'Purge an instance that ended aborted (needs the Aborted permission of its activity)'
              : `${action[0]!.toUpperCase()}${action.slice(1)} a TaskInstance (administrators and supervisors)`,
          params: idParams,
          response: { 200: instanceReply, ...ERROR_RESPONSES },
        },
      },
      async (request) => ({ instance: await engine[action](request.params.id, callerOf(request)) }),
    );
  }

  api.post<{ Body: Filter & { limit: number; confirm: boolean } }>(
    '/tasks/terminate',
    {
      config: { access: needs('terminate') },
      schema: {
        tags: ['tasks'],
        summary: 'Bulk terminate the unfinished instances a filter selects, at most limit of them; confirm must be true',
        body: {
          type: 'object',
          required: ['limit', 'confirm'],
          additionalProperties: false,
          properties: { ...filterProperties, limit: { type: 'integer', minimum: 1, maximum: 100_000 }, confirm: { type: 'boolean', const: true } },
        },
        response: { 200: { type: 'object', required: ['terminated'], properties: { terminated: { type: 'integer' } } }, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { limit, ...filter } = request.body;
      return { terminated: await engine.terminateMany({ ...engineFilter(filter), limit }, callerOf(request)) };
    },
  );
}
