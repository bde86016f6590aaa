/**
 * Shared set-up for the runtime tests: a fresh repository (an SQLite file by default, or any database of the
 * contract suite's factory), fixtures from test/fixtures/engine/ imported, and the real engine on a fake clock.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import type { EngineOptions } from '../../src/engine/engine-api.js';
import { openEngine, type RuntimeEngine } from '../../src/engine/engine.js';
import type { Repository } from '../../src/repository/repository.js';
import { DATABASES, type RepositoryFactory } from '../repository/repository-factory.js';

/** 2030-01-01T00:00:00Z. */
export const T0 = Date.UTC(2030, 0, 1);

export function engineFixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/engine/${name}`, import.meta.url));
}

export interface RuntimeWorld {
  readonly engine: RuntimeEngine;
  readonly repository: Repository;
  /** The database the world runs on. */
  readonly database: RepositoryFactory;
  /** A temp dir for the test's own files. */
  readonly dir: string;
  now(): number;
  advance(ms: number): void;
  /** Imports more fixture files (a new version of a definition). */
  importFixtures(...names: string[]): Promise<void>;
  close(): Promise<void>;
}

export async function openRuntimeWorld(
  fixtures: readonly string[] = ['task-parameters.xml'],
  options: Partial<Omit<EngineOptions, 'repository' | 'clock'>> = {},
  database: RepositoryFactory = DATABASES[0]!,
): Promise<RuntimeWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'idflow-runtime-'));
  let clock = T0;
  // One fake clock for the engine and for database time (leases), so `advance` expires leases too.
  const repository = await database.open({ databaseClock: () => clock });
  const importFixtures = async (...names: string[]): Promise<void> => {
    const loaded = await loadDefinitionFiles(names.map(engineFixture));
    assert.deepEqual(
      loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.location.file}:${d.location.line} ${d.code} ${d.message}`),
      [],
      'the engine fixtures load without errors',
    );
    await repository.objects.putMany(loaded.objects);
  };
  await importFixtures(...fixtures);
  const engine = await openEngine({ ...options, repository, clock: () => clock, workerId: 'test-worker' });
  return {
    engine,
    repository,
    database,
    dir,
    now: () => clock,
    advance: (ms) => {
      clock += ms;
    },
    importFixtures,
    close: async () => {
      await engine.close();
      await repository.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` and returns the IdflowError code it threw (fails when it did not throw). */
export async function errorCode(fn: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await fn();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return { code, message: (e as Error).message };
    throw e;
  }
  assert.fail('expected an error');
}
