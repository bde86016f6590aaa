/**
 * `POST /api/v1/imports`: `idflow import` over HTTP. The uploaded documents go through the same loader, validation
 * and diagnostics as the CLI's (loaded together, so references between them resolve), and are stored in one
 * transaction only when none has an error: all or nothing. Administrators only; the body has its own size limit
 * (docs/decisions/http-import.md).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { requireAllowed } from '../../access/authorize.js';
import { importResultJson, loadForRepository } from '../../cli/definitions.js';
import { InvalidInputError } from '../../errors.js';
import { needs } from '../route-access.js';
import { ERROR_RESPONSES } from '../schemas.js';
import type { RouteDeps } from '../server.js';
import { callerOf } from './caller-of.js';

/** Largest import request: a whole Waveset export of several hundred objects fits; the default body limit does not. */
export const IMPORT_BODY_LIMIT = 8 * 1024 * 1024;
const MAX_FILES = 200;

interface Upload {
  readonly name: string;
  readonly xml: string;
}

/** The file name the diagnostics show: the uploaded one's last path part, safe to write in a directory of ours. */
function safeName(name: string, index: number): string {
  const base = name.split(/[\\/]/).pop()!.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${String(index).padStart(3, '0')}-${base === '' || base.startsWith('.') ? `upload${base}` : base}`;
}

export function registerImportRoutes(api: FastifyInstance, { repository, policy }: RouteDeps): void {
  api.post<{ Body: { files: Upload[] } }>(
    '/imports',
    {
      config: { access: needs('import') },
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['definitions'],
        summary: 'Import definitions from uploaded XML (Waveset, Netwrix or idflow documents) as `idflow import` does: all or nothing, administrators only',
        body: {
          type: 'object',
          required: ['files'],
          additionalProperties: false,
          properties: {
            files: {
              type: 'array',
              minItems: 1,
              maxItems: MAX_FILES,
              items: {
                type: 'object',
                required: ['name', 'xml'],
                additionalProperties: false,
                properties: { name: { type: 'string', minLength: 1, maxLength: 255 }, xml: { type: 'string', minLength: 1 } },
              },
            },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['imported', 'diagnostics'],
            properties: {
              imported: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { status: { type: 'string' }, type: { type: 'string' }, name: { type: 'string' }, version: { type: 'integer' }, id: { type: 'string' }, file: { type: 'string', nullable: true } },
                },
              },
              diagnostics: { type: 'array', items: { type: 'string' } },
            },
          },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      requireAllowed(policy.mayAdminister(caller, 'import'), 'ACCESS_NOT_ADMINISTRATOR', { actor: caller.person });
      const dir = await mkdtemp(join(tmpdir(), 'idflow-import-'));
      try {
        // The loader reads files (size limits, XML sniffing, dialect detection): the uploads become files of ours.
        const names = new Map<string, string>();
        const paths: string[] = [];
        for (const [i, file] of request.body.files.entries()) {
          const path = join(dir, safeName(file.name, i));
          await writeFile(path, file.xml, 'utf8');
          names.set(path, file.name);
          paths.push(path);
        }
        const load = await loadForRepository(paths, repository);
        const shown = (file: string) => names.get(file) ?? file;
        const diagnostics = load.diagnostics.map((d) => `${shown(d.location.file)}:${d.location.line}:${d.location.column}: ${d.severity} ${d.code}: ${d.message}`);
        if (!load.ok) {
          const errors = load.diagnostics.filter((d) => d.severity === 'error');
          throw new InvalidInputError('IMPORT_REFUSED', `nothing imported: ${errors.length} error${errors.length === 1 ? '' : 's'} in the uploaded documents (${errors[0]?.code ?? 'none'} first)`, {
            diagnostics,
          });
        }
        // Stored under the uploaded names, not our temporary paths; one transaction for all of them.
        const results = await repository.objects.putMany(load.objects.map((o) => ({ ...o, file: shown(o.file) })));
        return { imported: results.map(importResultJson), diagnostics };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
}
