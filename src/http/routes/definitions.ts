import type { FastifyInstance } from 'fastify';
import type { ProcessObject } from '../../definition/model/objects.js';
import { NotFoundError } from '../../errors.js';
import type { StoredObject, StoredObjectSummary } from '../../repository/object-store.js';
import { decodeCursor } from '../pagination.js';
import { needs } from '../route-access.js';
import { ERROR_RESPONSES, limitParam, listOf, ref } from '../schemas.js';
import type { RouteDeps } from '../server.js';
import { callerOf } from './caller-of.js';

type DefinitionType = 'TaskDefinition' | 'Workflow';
const TYPES: readonly DefinitionType[] = ['TaskDefinition', 'Workflow'];
const typeParam = { type: 'string', enum: TYPES } as const;

function summary(s: StoredObjectSummary) {
  return { id: s.id, type: s.type, name: s.name, version: s.version, digest: s.digest, sourceFile: s.sourceFile, createdAt: s.createdAt };
}

export function registerDefinitionRoutes(api: FastifyInstance, { repository, policy }: RouteDeps): void {
  api.get<{ Querystring: { type?: DefinitionType; launchable?: boolean; name?: string; limit: number; cursor?: string } }>(
    '/definitions',
    {
      config: { access: needs('see') },
      schema: {
        tags: ['definitions'],
        summary: 'The latest version of every TaskDefinition and Workflow, by name; launchable=true keeps those the caller may start',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { type: typeParam, launchable: { type: 'boolean' }, name: { type: 'string', maxLength: 256 }, limit: limitParam, cursor: { type: 'string', maxLength: 1024 } },
        },
        response: { 200: listOf('Definition'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { type, launchable, name, limit, cursor } = request.query;
      const after = cursor === undefined ? undefined : decodeCursor(cursor).id;
      const stored: StoredObject[] = [];
      for (const t of type ? [type] : TYPES) stored.push(...(await repository.objects.listLatest(t)));
      const sorted = stored
        .filter((s) => name === undefined || s.name.toLowerCase().includes(name.toLowerCase()))
        .sort((a, b) => (a.name === b.name ? a.type.localeCompare(b.type) : a.name < b.name ? -1 : 1))
        .filter((s) => after === undefined || `${s.name}\u0000${s.type}` > after);
      const items: ReturnType<typeof summary>[] = [];
      let last: StoredObject | undefined;
      for (const s of sorted) {
        if (items.length >= limit) break;
        last = s;
        if (launchable) {
          const params = 'parameters' in s.model ? s.model.parameters : undefined;
          const visible = params === undefined || params.visibility === 'runschedule' || params.visibility === 'run';
          if (!visible || !(await policy.mayLaunch(caller, { name: s.name, object: s.model as ProcessObject })).allowed) continue;
        }
        items.push(summary(s));
      }
      const more = last !== undefined && sorted.indexOf(last) < sorted.length - 1;
      const nextCursor = more && last ? Buffer.from(JSON.stringify([0, `${last.name}\u0000${last.type}`])).toString('base64url') : null;
      return { items, nextCursor };
    },
  );

  api.get<{ Params: { type: DefinitionType; name: string }; Querystring: { version?: number } }>(
    '/definitions/:type/:name',
    {
      config: { access: needs('see') },
      schema: {
        tags: ['definitions'],
        summary: 'One definition version (the latest unless version=N) with its parameters and stored XML',
        params: { type: 'object', required: ['type', 'name'], properties: { type: typeParam, name: { type: 'string', minLength: 1, maxLength: 256 } } },
        querystring: { type: 'object', additionalProperties: false, properties: { version: { type: 'integer', minimum: 1 } } },
        response: {
          200: { type: 'object', required: ['definition', 'xml'], properties: { definition: ref('Definition'), parameters: { type: 'object', additionalProperties: true }, xml: { type: 'string' } } },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const { type, name } = request.params;
      const { version } = request.query;
      const stored = version === undefined ? await repository.objects.getLatest(type, name) : await repository.objects.getVersion(type, name, version);
      if (!stored) {
        throw new NotFoundError('DEFINITION_NOT_FOUND', `no ${type} named "${name}"${version !== undefined ? ` with version ${version}` : ''}`, { type, name });
      }
      return { definition: summary(stored), ...('parameters' in stored.model && { parameters: stored.model.parameters }), xml: stored.xml };
    },
  );

  api.get<{ Params: { type: DefinitionType; name: string } }>(
    '/definitions/:type/:name/versions',
    {
      config: { access: needs('see') },
      schema: {
        tags: ['definitions'],
        summary: 'Every version of one definition, oldest first',
        params: { type: 'object', required: ['type', 'name'], properties: { type: typeParam, name: { type: 'string', minLength: 1, maxLength: 256 } } },
        response: { 200: listOf('Definition'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { type, name } = request.params;
      const versions = await repository.objects.versions(type, name);
      if (versions.length === 0) throw new NotFoundError('DEFINITION_NOT_FOUND', `no ${type} named "${name}"`, { type, name });
      return { items: versions.map(summary), nextCursor: null };
    },
  );
}
