/**
 * The idflow side of the benchmark: the Engine facade on an SQLite file, used the way production uses it.
 * - (a) async: instances launched asynchronously (one commit each), then advanced by `runWorkerOnce` rounds,
 *   which claim and commit them in batches.
 * - (a) sync: each launch runs the instance to its end before returning.
 * - (b): each launch runs (sync, as from the console) to its work item; then every work item is decided.
 * Launches are unnamed, as most are in production: the engine names each instance after its definition and id.
 */
import { join } from 'node:path';
import { loadDefinitionFiles } from '../src/definition/load.js';
import type { Engine, EngineOptions } from '../src/engine/engine-api.js';
import { openRepository } from '../src/repository/open-repository.js';
import type { Repository } from '../src/repository/repository.js';
import { recordWrites, type WriteTrace } from './write-recorder.js';

export const FOUR_STEPS = 'Bench Four Steps';
export const ONE_APPROVAL = 'Bench One Approval';
export const APPROVER = 'approver';
const LAUNCHER = 'bench';

const FIXTURES = [new URL('./fixtures/four-steps.xml', import.meta.url).pathname, new URL('./fixtures/one-work-item.xml', import.meta.url).pathname];

export type ScenarioName = 'a-async' | 'a-sync' | 'b';

export interface IdflowRun {
  readonly instances: number;
  readonly seconds: number;
}

type OpenEngine = (options: EngineOptions) => Engine | Promise<Engine>;

/**
 * The engine facade, or undefined while src/engine/engine.ts does not exist yet (the baselines still run).
 * Imported by a computed path so that the benchmark type-checks before the engine lands.
 */
export async function loadOpenEngine(): Promise<OpenEngine | undefined> {
  const path = '../src/engine/engine.js';
  try {
    const mod = (await import(path)) as { openEngine?: OpenEngine };
    return mod.openEngine;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes('engine')) return undefined;
    throw e;
  }
}

export interface BenchEngine {
  readonly engine: Engine;
  readonly repository: Repository;
  close(): Promise<void>;
}

/** A fresh repository file in `dir` with both bench definitions imported, and an engine on it. */
export async function openBenchEngine(
  openEngine: OpenEngine,
  dir: string,
  file: string,
  options: Partial<EngineOptions> & { readonly url?: string } = {},
): Promise<BenchEngine> {
  const { url, ...engineOptions } = options;
  // A database URL (PostgreSQL, bench/fleet-bench.ts) instead of a fresh file in `dir`.
  const repository = await openRepository(url !== undefined ? { url } : { db: join(dir, file) });
  const loaded = await loadDefinitionFiles(FIXTURES);
  if (!loaded.ok || loaded.objects.length < 2) {
    await repository.close();
    const why = loaded.diagnostics.map((d) => `${d.location.file}:${d.location.line}: ${d.code}: ${d.message}`).join('\n');
    throw new Error(`the bench definitions do not load:\n${why || `${loaded.objects.length} objects loaded`}`);
  }
  await repository.objects.putMany(loaded.objects);
  const engine = await openEngine({ repository, ...engineOptions });
  return {
    engine,
    repository,
    async close() {
      await engine.close();
      await repository.close();
    },
  };
}

/** Runs worker rounds until one advances nothing. */
export async function drainWorker(engine: Engine): Promise<number> {
  let total = 0;
  for (;;) {
    const round = await engine.runWorkerOnce();
    total += round.advanced;
    if (round.advanced === 0) return total;
  }
}

async function runAsync(engine: Engine, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await engine.launch({ definition: FOUR_STEPS, launcher: LAUNCHER, mode: 'async' });
  await drainWorker(engine);
}

async function runSync(engine: Engine, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await engine.launch({ definition: FOUR_STEPS, launcher: LAUNCHER, mode: 'sync' });
    if (r.instance.state !== 'finished') throw new Error(`sync launch ended in state ${r.instance.state}, expected finished`);
  }
}

async function runApprovals(engine: Engine, n: number): Promise<void> {
  const items: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await engine.launch({ definition: ONE_APPROVAL, launcher: LAUNCHER, mode: 'sync' });
    const item = r.workItems[0];
    if (!item) throw new Error(`launch of ${ONE_APPROVAL} returned no open work item (state ${r.instance.state})`);
    items.push(item.id);
  }
  for (const workItemId of items) {
    const r = await engine.decide({ workItemId, decision: 'approve', actor: APPROVER });
    if (r.instance.state !== 'finished') await drainWorker(engine);
  }
}

const RUNNERS: Record<ScenarioName, (engine: Engine, n: number) => Promise<void>> = {
  'a-async': runAsync,
  'a-sync': runSync,
  b: runApprovals,
};

/** Checks, outside the timed part, that exactly `n` instances of the scenario's definition finished. */
async function verifyFinished(engine: Engine, scenario: ScenarioName, n: number): Promise<void> {
  const definition = scenario === 'b' ? ONE_APPROVAL : FOUR_STEPS;
  const finished = await engine.listTasks({ definition, state: 'finished', limit: n + 1 });
  if (finished.length !== n) throw new Error(`${scenario}: ${finished.length} instances finished, expected ${n}`);
  if (scenario !== 'b') {
    const wrong = finished.find((t) => Number(t.variables['count']) !== 4);
    if (wrong) throw new Error(`${scenario}: instance ${wrong.id} ran ${String(wrong.variables['count'])} steps, expected 4`);
  }
}

/** Times `n` instances of a scenario on a fresh repository file (or the empty database `url`: PostgreSQL). */
export async function runIdflow(openEngine: OpenEngine, dir: string, scenario: ScenarioName, n: number, url?: string): Promise<IdflowRun> {
  const bench = await openBenchEngine(openEngine, dir, `idflow-${scenario}.db`, url !== undefined ? { url } : {});
  try {
    // A few instances first, so that definition caches and prepared statements are warm as in a running server.
    await RUNNERS[scenario](bench.engine, Math.min(50, n));
    const start = process.hrtime.bigint();
    await RUNNERS[scenario](bench.engine, n);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    await verifyFinished(bench.engine, scenario, n + Math.min(50, n));
    return { instances: n, seconds };
  } finally {
    await bench.close();
  }
}

/** Records what the engine commits for `n` instances of a scenario (untimed; the driver is patched meanwhile). */
export async function traceIdflow(openEngine: OpenEngine, dir: string, scenario: ScenarioName, n: number): Promise<WriteTrace> {
  const bench = await openBenchEngine(openEngine, dir, `trace-${scenario}.db`);
  try {
    await RUNNERS[scenario](bench.engine, Math.min(50, n));
    const recorder = recordWrites();
    let trace: WriteTrace;
    try {
      await RUNNERS[scenario](bench.engine, n);
    } finally {
      trace = recorder.stop(n);
    }
    return trace;
  } finally {
    await bench.close();
  }
}
