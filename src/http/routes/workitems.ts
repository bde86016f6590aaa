import type { FastifyInstance } from 'fastify';
import type { XValue } from '../../expression/env.js';
import type { WorkItemView } from '../../engine/engine-api.js';
import { toWorkItemView } from '../../engine/task-view.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { decodeCursor, page } from '../pagination.js';
import { needs } from '../route-access.js';
import { ERROR_RESPONSES, limitParam, listOf, orderParam, ref } from '../schemas.js';
import type { RouteDeps } from '../server.js';
import { callerOf } from './caller-of.js';

/** Counting stops here: an inbox says "1000 or more" rather than reading a hundred thousand rows per request. */
const COUNT_CAP = 1000;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 120 } } } as const;
const decideReply = {
  type: 'object',
  required: ['instance', 'workItems'],
  properties: { instance: ref('TaskInstance'), next: ref('WorkItem'), workItems: { type: 'array', items: ref('WorkItem') } },
} as const;

export function registerWorkItemRoutes(api: FastifyInstance, { engine, repository, policy, clock }: RouteDeps): void {
  api.get<{
    Querystring: { state: WorkItemView['state']; instance?: string; owner?: string; order: 'asc' | 'desc'; limit: number; cursor?: string; counts?: boolean };
  }>(
    '/workitems',
    {
      config: { access: needs('see') },
      schema: {
        tags: ['workitems'],
        summary: "The caller's inbox (items they own, were delegated, or hold the permission of), or one visible instance's items; counts=true adds open and overdue counts",
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            state: { type: 'string', enum: ['open', 'decided', 'cancelled', 'timeout'], default: 'open' },
            instance: { type: 'string', minLength: 1, maxLength: 100 },
            owner: { type: 'string', minLength: 1, maxLength: 256 },
            order: { ...orderParam, default: 'asc' },
            limit: limitParam,
            cursor: { type: 'string', maxLength: 1024 },
            counts: { type: 'boolean' },
          },
        },
        response: {
          200: listOf('WorkItem', {
            counts: { type: 'object', properties: { open: { type: 'integer' }, overdue: { type: 'integer' }, capped: { type: 'boolean' } } },
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const q = request.query;
      // Without an instance, the list is somebody's inbox: the caller's own unless an administrator names another.
      const owner = q.instance === undefined ? (q.owner ?? caller.person) : q.owner;
      const base = { state: q.state, ...(owner !== undefined && { owner }), ...(q.instance !== undefined && { instanceId: q.instance }) };
      const items = await engine.listWorkItems({ ...base, order: q.order, limit: q.limit, ...(q.cursor !== undefined && { after: decodeCursor(q.cursor) }) }, caller);
      const result: Record<string, unknown> = { ...page(items, q.limit) };
      if (q.counts) {
        const open = await engine.listWorkItems({ ...base, state: 'open', limit: COUNT_CAP }, caller);
        const now = clock();
        result.counts = { open: open.length, overdue: open.filter((w) => w.dueAt !== undefined && Date.parse(w.dueAt) < now).length, capped: open.length >= COUNT_CAP };
      }
      return result;
    },
  );

  api.get<{ Params: { id: string } }>(
    '/workitems/:id',
    {
      config: { access: needs('see') },
      schema: {
        tags: ['workitems'],
        summary: 'One work item: its request, exposed and editable variables and the decisions it offers',
        params: idParams,
        response: { 200: { type: 'object', required: ['workItem'], properties: { workItem: ref('WorkItem'), mayDecide: { type: 'boolean' } } }, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const row = await repository.runtime.getWorkItem(request.params.id);
      if (!row) throw new NotFoundError('WORKITEM_NOT_FOUND', `no work item ${request.params.id}`, { workItemId: request.params.id });
      const item = toWorkItemView(row);
      // With its instance, so that the four-eyes rule counts: the requester's own review says false here.
      const instance = await repository.runtime.getInstance(item.instanceId);
      const mayDecide = item.state === 'open' && instance !== undefined && (await policy.mayDecide(caller, item, instance)).allowed;
      // Who may not decide it sees it only when they may see its instance (refused otherwise).
      if (!mayDecide) await engine.getTask(item.instanceId, caller);
      return { workItem: item, mayDecide };
    },
  );

  api.post<{ Params: { id: string }; Body: { decision: string; comment?: string; variables?: Record<string, XValue>; assignee?: string } }>(
    '/workitems/:id/decide',
    {
      config: { access: needs('decide') },
      schema: {
        tags: ['workitems'],
        summary: 'Decide a work item, with a comment kept in the audit; editable variables may be changed',
        params: idParams,
        body: {
          type: 'object',
          required: ['decision'],
          additionalProperties: false,
          properties: {
            decision: { type: 'string', minLength: 1, maxLength: 256 },
            comment: { type: 'string', maxLength: 4000 },
            variables: { type: 'object', additionalProperties: true },
            assignee: { type: 'string', minLength: 1, maxLength: 256 },
          },
        },
        response: { 200: decideReply, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const b = request.body;
      return engine.decide({
        workItemId: request.params.id,
        decision: b.decision,
        actor: callerOf(request),
        ...(b.variables !== undefined && { variables: b.variables }),
        ...(b.comment !== undefined && { comment: b.comment }),
        ...(b.assignee !== undefined && { assignee: b.assignee }),
      });
    },
  );

  api.post<{ Params: { id: string }; Body: { to: string; comment?: string } }>(
    '/workitems/:id/delegate',
    {
      config: { access: needs('delegate') },
      schema: {
        tags: ['workitems'],
        summary: "Delegate a work item to another person (the item's Delegate decision); the delegate holds it next",
        params: idParams,
        body: {
          type: 'object',
          required: ['to'],
          additionalProperties: false,
          properties: { to: { type: 'string', minLength: 1, maxLength: 256 }, comment: { type: 'string', maxLength: 4000 } },
        },
        response: { 200: decideReply, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const row = await repository.runtime.getWorkItem(request.params.id);
      if (!row) throw new NotFoundError('WORKITEM_NOT_FOUND', `no work item ${request.params.id}`, { workItemId: request.params.id });
      const delegate = row.decisions.find((d) => d.kind === 'assign' && /delegate/i.test(d.name)) ?? row.decisions.find((d) => d.kind === 'assign');
      if (!delegate) {
        throw new ConflictError('WORKITEM_NO_DELEGATION', `work item ${row.id} offers no delegation; its decisions are ${row.decisions.map((d) => d.name).join(', ') || 'free'}`, {
          workItemId: row.id,
        });
      }
      return engine.decide({
        workItemId: row.id,
        decision: delegate.name,
        actor: callerOf(request),
        assignee: request.body.to,
        ...(request.body.comment !== undefined && { comment: request.body.comment }),
      });
    },
  );
}
