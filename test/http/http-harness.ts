/**
 * Shared set-up for the HTTP tests: a fresh SQLite repository with the default configuration (config/default/), the
 * real engine and the real Fastify server on a clock the test controls, driven through `inject` (no socket) or a
 * loopback port. Four accounts: `ada` (administrator), `hana` (HR: launches onboardings), `mona` (Manager: reviews
 * them) and `sam` (no profile at all). Passwords are `<name>-password-1`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { AccessService } from '../../src/access/access-service.js';
import { argon2Hashing } from '../../src/access/passwords.js';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import { openEngine, type RuntimeEngine } from '../../src/engine/engine.js';
import { createHttpServer, type HttpServerOptions } from '../../src/http/server.js';
import { openRepository } from '../../src/repository/open-repository.js';
import type { Repository } from '../../src/repository/repository.js';

/** 2030-01-01T00:00:00Z. */
export const T0 = Date.UTC(2030, 0, 1);
/** Cheap argon2id for tests: the same algorithm, a fraction of the cost. */
export const TEST_HASHING = argon2Hashing({ memoryCost: 1024, timeCost: 1 });
export const PEOPLE = { ada: [], hana: ['HR'], mona: ['Manager'], sam: [] } as const;
export type Person = keyof typeof PEOPLE;
export const password = (name: string): string => `${name}-password-1`;

export interface Signed {
  readonly cookie: string;
  readonly csrf: string;
}

/** Who a request is sent as: nobody, a browser session, or a bearer token. */
export type As = undefined | Signed | { readonly token: string };

export interface HttpWorld {
  readonly app: FastifyInstance;
  readonly engine: RuntimeEngine;
  readonly repository: Repository;
  now(): number;
  advance(ms: number): void;
  signIn(name: string, pw?: string): Promise<Signed>;
  call(as: As, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function openHttpWorld(options: Partial<HttpServerOptions> = {}): Promise<HttpWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'idflow-http-'));
  let clock = T0;
  const repository = await openRepository({ db: join(dir, 'idflow.db'), env: {} });
  const configDir = fileURLToPath(new URL('../../config/default/', import.meta.url));
  const loaded = await loadDefinitionFiles(readdirSync(configDir).filter((f) => f.endsWith('.xml')).map((f) => join(configDir, f)));
  assert.deepEqual(loaded.diagnostics.filter((d) => d.severity === 'error'), []);
  await repository.objects.putMany(loaded.objects);
  const engine = await openEngine({ repository, clock: () => clock, workerId: 'http-test' });
  const accounts = new AccessService({ repository, hashing: TEST_HASHING, clock: () => clock });
  for (const [name, profiles] of Object.entries(PEOPLE)) {
    await accounts.createAccount({ name, password: password(name), administrator: name === 'ada', by: 'test' });
    if (profiles.length > 0) await repository.profiles.assign(name, profiles, 'test', clock);
  }
  const app = await createHttpServer({ engine, repository, hashing: TEST_HASHING, clock: () => clock, ...options });
  const call: HttpWorld['call'] = async (as, method, url, body, headers = {}) => {
    const h: Record<string, string> = { ...headers };
    if (as && 'token' in as) h.authorization = `Bearer ${as.token}`;
    else if (as) {
      h.cookie = as.cookie;
      if (method !== 'GET') h['x-csrf-token'] = as.csrf;
    }
    return app.inject({ method, url, headers: h, ...(body !== undefined && { payload: body as object }) });
  };
  return {
    app,
    engine,
    repository,
    now: () => clock,
    advance: (ms) => {
      clock += ms;
    },
    async signIn(name, pw = password(name)) {
      const r = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { name, password: pw } });
      assert.equal(r.statusCode, 200, r.body);
      const setCookie = r.headers['set-cookie'];
      const cookie = String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0]!;
      return { cookie, csrf: (r.json() as { csrfToken: string }).csrfToken };
    },
    call,
    async close() {
      await app.close();
      await engine.close();
      await repository.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
