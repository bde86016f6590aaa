/**
 * Provisioning orders (`idflow provisioning …` over HTTP): list, show, and an administrator's retry or cancel of an
 * order, with the store's own refusals (`PROVISIONING_ORDER_NOT_RETRYABLE`, `…_BUSY`, `…_NOT_CANCELLABLE`). Orders
 * carry account data of identities, so reading them is for administrators as identities are
 * (docs/decisions/http-identity-access.md).
 */
import type { FastifyInstance } from 'fastify';
import { requireAdministrator } from '../../access/authorize.js';
import { NotFoundError } from '../../errors.js';
import { ORDER_STATES, type OrderState, type ProvisioningOrder } from '../../provisioning/provisioning-order.js';
import { decodeCursor, instant, page } from '../pagination.js';
import { needs } from '../route-access.js';
import { ERROR_RESPONSES, limitParam, orderParam } from '../schemas.js';
import type { RouteDeps } from '../server.js';
import { callerOf } from './caller-of.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const nullableString = { type: 'string', nullable: true } as const;
const nullableTime = { type: 'string', format: 'date-time', nullable: true } as const;

const orderSchema = {
  type: 'object',
  required: ['id', 'identityId', 'connector', 'operation', 'state', 'attempts', 'createdAt'],
  properties: {
    id: { type: 'string' },
    identityId: { type: 'string' },
    connector: { type: 'string' },
    accountSeq: { type: 'integer' },
    operation: { type: 'string' },
    payload: { type: 'object', additionalProperties: true },
    resourceId: nullableString,
    assignmentId: nullableString,
    idempotencyKey: { type: 'string' },
    state: { type: 'string', enum: ORDER_STATES },
    attempts: { type: 'integer' },
    notBefore: { type: 'string', format: 'date-time' },
    leaseOwner: nullableString,
    leaseUntil: nullableTime,
    errorCode: nullableString,
    lastError: nullableString,
    result: { type: 'object', nullable: true, additionalProperties: true },
    instanceId: nullableString,
    wait: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    finishedAt: nullableTime,
  },
} as const;
const orderReply = { type: 'object', required: ['order'], properties: { order: orderSchema } } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 200 } } } as const;

function orderView(o: ProvisioningOrder) {
  return {
    ...o,
    notBefore: iso(o.notBefore)!,
    leaseUntil: iso(o.leaseUntil),
    createdAt: iso(o.createdAt)!,
    updatedAt: iso(o.updatedAt)!,
    finishedAt: iso(o.finishedAt),
  };
}

export function registerProvisioningRoutes(api: FastifyInstance, { repository, policy, clock }: RouteDeps): void {
  api.get<{ Querystring: { state?: OrderState; identity?: string; connector?: string; instance?: string; since?: string; until?: string; order: 'asc' | 'desc'; limit: number; cursor?: string } }>(
    '/provisioning/orders',
    {
      config: { access: needs('see') },
      schema: {
        tags: ['provisioning'],
        summary: 'ProvisioningOrders, filtered by state, identity, connector, instance and creation time (administrators)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            state: { type: 'string', enum: ORDER_STATES },
            identity: { type: 'string', minLength: 1, maxLength: 256 },
            connector: { type: 'string', minLength: 1, maxLength: 256 },
            instance: { type: 'string', minLength: 1, maxLength: 100 },
            since: { type: 'string', format: 'date-time' },
            until: { type: 'string', format: 'date-time' },
            order: orderParam,
            limit: limitParam,
            cursor: { type: 'string', maxLength: 1024 },
          },
        },
        response: {
          200: { type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: orderSchema }, nextCursor: { type: 'string', nullable: true } } },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      requireAdministrator(policy, callerOf(request));
      const q = request.query;
      const since = instant('since', q.since);
      const until = instant('until', q.until);
      // An identity may be named by login as in the CLI; an unknown one simply has no orders.
      const identityId = q.identity === undefined ? undefined : ((await repository.identities.findIdentity(q.identity))?.identity.id ?? q.identity);
      const rows = await repository.provisioning.list({
        ...(q.state !== undefined && { state: q.state }),
        ...(identityId !== undefined && { identityId }),
        ...(q.connector !== undefined && { connector: q.connector }),
        ...(q.instance !== undefined && { instanceId: q.instance }),
        ...(since !== undefined && { createdFrom: since }),
        ...(until !== undefined && { createdTo: until }),
        ...(q.cursor !== undefined && { after: decodeCursor(q.cursor) }),
        order: q.order,
        limit: q.limit,
      });
      return page(rows.map(orderView), q.limit);
    },
  );

  api.get<{ Params: { id: string } }>(
    '/provisioning/orders/:id',
    {
      config: { access: needs('see') },
      schema: { tags: ['provisioning'], summary: 'One ProvisioningOrder with its payload, attempts, last error and result', params: idParams, response: { 200: orderReply, ...ERROR_RESPONSES } },
    },
    async (request) => {
      requireAdministrator(policy, callerOf(request));
      const order = await repository.provisioning.get(request.params.id);
      if (!order) throw new NotFoundError('PROVISIONING_ORDER_NOT_FOUND', `no provisioning order ${request.params.id}`, { id: request.params.id });
      return { order: orderView(order) };
    },
  );

  for (const verb of ['retry', 'cancel'] as const) {
    api.post<{ Params: { id: string } }>(
      `/provisioning/orders/:id/${verb}`,
      {
        config: { access: needs('administer') },
        schema: {
          tags: ['provisioning'],
          summary: verb === 'retry' ? 'Retry an order in error (or cancelled): pending again, due now, audited' : 'Give up a pending order or one in error; the account\'s later orders go on',
          params: idParams,
          response: { 200: orderReply, ...ERROR_RESPONSES },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        requireAdministrator(policy, caller);
        const order = verb === 'retry' ? await repository.provisioning.retry(request.params.id, caller.person, clock()) : await repository.provisioning.cancel(request.params.id, caller.person, clock());
        return { order: orderView(order) };
      },
    );
  }
}
