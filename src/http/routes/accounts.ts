import type { FastifyInstance } from 'fastify';
import { requireAdministrator } from '../../access/authorize.js';
import { NotFoundError } from '../../errors.js';
import type { AccountRecord } from '../../repository/access-store.js';
import { needs } from '../route-access.js';
import { ERROR_RESPONSES, listOf, ref } from '../schemas.js';
import type { RouteDeps } from '../server.js';
import { callerOf } from './caller-of.js';

function shown(a: AccountRecord) {
  return { name: a.name, administrator: a.administrator, disabled: a.disabled, passwordSignIn: a.passwordHash !== null, createdAt: new Date(a.createdAt).toISOString(), createdBy: a.createdBy };
}

export function registerAccountRoutes(api: FastifyInstance, { accounts, repository, policy }: RouteDeps): void {
  const nameParams = { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 256 } } } as const;

  api.get(
    '/accounts',
    {
      config: { access: needs('administer') },
      schema: { tags: ['accounts'], summary: 'Every account (administrators)', response: { 200: listOf('Account'), ...ERROR_RESPONSES } },
    },
    async (request) => {
      const caller = callerOf(request);
      requireAdministrator(policy, caller);
      return { items: (await repository.access.listAccounts()).map(shown), nextCursor: null };
    },
  );

  api.post<{ Body: { name: string; password?: string; administrator?: boolean } }>(
    '/accounts',
    {
      config: { access: needs('administer') },
      schema: {
        tags: ['accounts'],
        summary: 'Create an account: a person login, named as work items name people (administrators)',
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 256 }, password: { type: 'string', maxLength: 1024 }, administrator: { type: 'boolean' } },
        },
        response: { 201: ref('Account'), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      requireAdministrator(policy, caller);
      const b = request.body;
      const made = await accounts.createAccount({
        name: b.name,
        by: caller.person,
        ...(b.password !== undefined && { password: b.password }),
        ...(b.administrator !== undefined && { administrator: b.administrator }),
      });
      return reply.status(201).send(shown(made));
    },
  );

  api.patch<{ Params: { name: string }; Body: { password?: string; administrator?: boolean; disabled?: boolean } }>(
    '/accounts/:name',
    {
      config: { access: needs('administer') },
      schema: {
        tags: ['accounts'],
        summary: 'Change an account: new password, administrator flag, disabled (administrators)',
        params: nameParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { password: { type: 'string', maxLength: 1024 }, administrator: { type: 'boolean' }, disabled: { type: 'boolean' } },
        },
        response: { 200: ref('Account'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      requireAdministrator(policy, caller);
      const { name } = request.params;
      const { password, ...flags } = request.body;
      if (password !== undefined) await accounts.setPassword(name, password);
      if (!(await repository.access.updateAccount(name, flags))) throw new NotFoundError('ACCOUNT_NOT_FOUND', `no account named ${name}`, { name });
      return shown((await repository.access.getAccount(name))!);
    },
  );
}
