/**
 * HR runs (`idflow hr …` records over HTTP): every import of an HR file, applied, refused, stopped by the threshold
 * or dry, with its plan; one run with the workflows it started or will start. HR data is personal data: for
 * administrators and holders of `/Custom/HR/Import`, the same people as the console's HR imports page
 * (`mayImportHr`, docs/decisions/console-hr-imports.md).
 */
import type { FastifyInstance } from 'fastify';
import { requireAllowed } from '../../access/authorize.js';
import { NotFoundError } from '../../errors.js';
import type { HrLaunchRecord, HrRunOutcome, HrRunRecord } from '../../repository/hr-store.js';
import { decodeCursor, instant, page } from '../pagination.js';
import { needs } from '../route-access.js';
import { ERROR_RESPONSES, limitParam, orderParam } from '../schemas.js';
import type { RouteDeps } from '../server.js';
import { callerOf } from './caller-of.js';

const OUTCOMES = ['applied', 'refused', 'stopped', 'dry-run'] as const;
const runSchema = {
  type: 'object',
  required: ['id', 'source', 'createdAt', 'file', 'outcome'],
  properties: {
    id: { type: 'string' },
    source: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    file: { type: 'string' },
    outcome: { type: 'string', enum: OUTCOMES },
    plan: { type: 'object', additionalProperties: true },
  },
} as const;
const launchSchema = { type: 'object', additionalProperties: true } as const;

/** A run as the API shows it: `createdAt` (the lists' cursor and order field) is when it ran. */
function runView(run: HrRunRecord, withPlan: boolean) {
  const { at, plan, ...rest } = run;
  return { ...rest, createdAt: new Date(at).toISOString(), ...(withPlan && { plan }) };
}
function launchView(l: HrLaunchRecord): Record<string, unknown> {
  return { ...l, dueAt: new Date(l.dueAt).toISOString() };
}

export function registerHrRoutes(api: FastifyInstance, { repository, policy }: RouteDeps): void {
  api.get<{ Querystring: { source?: string; outcome?: HrRunOutcome; since?: string; until?: string; order: 'asc' | 'desc'; limit: number; cursor?: string } }>(
    '/hr/runs',
    {
      config: { access: needs('see') },
      schema: {
        tags: ['hr'],
        summary: 'HR runs (without their plans), filtered by source, outcome and time (administrators and HR importers)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            source: { type: 'string', minLength: 1, maxLength: 256 },
            outcome: { type: 'string', enum: OUTCOMES },
            since: { type: 'string', format: 'date-time' },
            until: { type: 'string', format: 'date-time' },
            order: orderParam,
            limit: limitParam,
            cursor: { type: 'string', maxLength: 1024 },
          },
        },
        response: {
          200: { type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: runSchema }, nextCursor: { type: 'string', nullable: true } } },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      requireAllowed(await policy.mayImportHr(caller), 'ACCESS_NOT_HR_IMPORTER', { actor: caller.person });
      const q = request.query;
      const since = instant('since', q.since);
      const until = instant('until', q.until);
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
      const sign = q.order === 'asc' ? 1 : -1;
      // Runs are few (one per HR file imported), so the store answers them all and the page is cut here.
      const rows = (await repository.hr.listRuns(q.source))
        .filter((r) => (q.outcome === undefined || r.outcome === q.outcome) && (since === undefined || r.at >= since) && (until === undefined || r.at < until))
        .filter((r) => after === undefined || sign * (r.at - after.createdAt || (r.id < after.id ? -1 : r.id > after.id ? 1 : 0)) > 0)
        .sort((a, b) => sign * (a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
        .slice(0, q.limit);
      return page(rows.map((r) => runView(r, false)), q.limit);
    },
  );

  api.get<{ Params: { id: string } }>(
    '/hr/runs/:id',
    {
      config: { access: needs('see') },
      schema: {
        tags: ['hr'],
        summary: 'One HR run with its plan (or refusal report) and the workflows it started or will start',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 200 } } },
        response: { 200: { type: 'object', required: ['run', 'launches'], properties: { run: runSchema, launches: { type: 'array', items: launchSchema } } }, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      requireAllowed(await policy.mayImportHr(caller), 'ACCESS_NOT_HR_IMPORTER', { actor: caller.person });
      const run = await repository.hr.getRun(request.params.id);
      if (!run) throw new NotFoundError('HR_RUN_NOT_FOUND', `no HR run ${request.params.id}`, { id: request.params.id });
      const launches = (await repository.hr.listLaunches(run.source)).filter((l) => l.runId === run.id);
      return { run: runView(run, true), launches: launches.map(launchView) };
    },
  );
}
