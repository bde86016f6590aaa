import type { FastifyInstance } from 'fastify';
import { InvalidInputError, NotAuthorizedError } from '../../errors.js';
import type { AbsenceRecord } from '../../repository/absence-store.js';
import { needs } from '../route-access.js';
import { ERROR_RESPONSES } from '../schemas.js';
import type { RouteDeps } from '../server.js';
import { callerOf } from './caller-of.js';

const absence = {
  type: 'object',
  required: ['person', 'delegate', 'from', 'until'],
  properties: {
    person: { type: 'string' },
    delegate: { type: 'string' },
    from: { type: 'string' },
    until: { type: ['string', 'null'] },
    note: { type: ['string', 'null'] },
    setBy: { type: 'string' },
    setAt: { type: 'string' },
  },
} as const;
const personParams = { type: 'object', required: ['person'], properties: { person: { type: 'string', minLength: 1, maxLength: 256 } } } as const;

function view(a: AbsenceRecord) {
  return { ...a, from: new Date(a.from).toISOString(), until: a.until === null ? null : new Date(a.until).toISOString(), setAt: new Date(a.setAt).toISOString() };
}

function instant(text: string | undefined, field: 'from' | 'until'): number | undefined {
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  if (!Number.isFinite(t)) throw new InvalidInputError('OOO_PERIOD_INVALID', `${field} must be a date-time such as 2026-12-24T08:00:00Z, not "${text}"`, { [field]: text });
  return t;
}

/** Out of office (docs/decisions/out-of-office.md): declare, clear and list absences and their delegates. */
export function registerOutOfOfficeRoutes(api: FastifyInstance, { engine }: RouteDeps): void {
  api.get<{ Querystring: { person?: string } }>(
    '/out-of-office',
    {
      config: { access: needs('see') },
      schema: {
        tags: ['out-of-office'],
        summary: "Absences: an administrator's view of everybody's; anybody else's own and those naming them as delegate",
        querystring: { type: 'object', additionalProperties: false, properties: { person: { type: 'string', minLength: 1, maxLength: 256 } } },
        response: { 200: { type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: absence }, nextCursor: { type: 'null' } } }, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const person = request.query.person;
      if (person !== undefined && person !== caller.person && !caller.administrator) {
        throw new NotAuthorizedError('OOO_NOT_ALLOWED', `${caller.person} may see their own absence and those naming them as delegate, not ${person}'s`, { person });
      }
      const rows = (await engine.listAbsences(caller)).filter((a) => person === undefined || a.person === person);
      return { items: rows.map(view), nextCursor: null };
    },
  );

  api.put<{ Params: { person: string }; Body: { delegate: string; from?: string; until?: string; note?: string; handOver?: boolean } }>(
    '/out-of-office/:person',
    {
      config: { access: needs('decide') },
      schema: {
        tags: ['out-of-office'],
        summary: "Declare (or replace) a person's absence: their new work items go to the delegate meanwhile; handOver moves their open items too",
        params: personParams,
        body: {
          type: 'object',
          required: ['delegate'],
          additionalProperties: false,
          properties: {
            delegate: { type: 'string', minLength: 1, maxLength: 256 },
            from: { type: 'string', maxLength: 64 },
            until: { type: 'string', maxLength: 64 },
            note: { type: 'string', maxLength: 1000 },
            handOver: { type: 'boolean' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['absence', 'handedOver', 'kept'],
            properties: {
              absence,
              handedOver: { type: 'array', items: { type: 'string' } },
              kept: { type: 'array', items: { type: 'object', properties: { workItemId: { type: 'string' }, code: { type: 'string' }, reason: { type: 'string' } } } },
            },
          },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const b = request.body;
      const from = instant(b.from, 'from');
      const until = instant(b.until, 'until');
      const result = await engine.declareAbsence(
        {
          person: request.params.person,
          delegate: b.delegate,
          ...(from !== undefined && { from }),
          ...(until !== undefined && { until }),
          ...(b.note !== undefined && { note: b.note }),
          ...(b.handOver === true && { handOver: true }),
        },
        callerOf(request),
      );
      return { absence: view(result.absence), handedOver: result.handedOver, kept: result.kept };
    },
  );

  api.delete<{ Params: { person: string } }>(
    '/out-of-office/:person',
    {
      config: { access: needs('decide') },
      schema: {
        tags: ['out-of-office'],
        summary: "End a person's absence (one's own, or anybody's for an administrator); items already handed over stay with the delegate",
        params: personParams,
        response: { 200: { type: 'object', properties: { person: { type: 'string' }, cleared: { type: 'boolean' } } }, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      await engine.clearAbsence(request.params.person, callerOf(request));
      return { person: request.params.person, cleared: true };
    },
  );
}
