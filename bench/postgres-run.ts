/**
 * `npm run bench -- --postgres URL [--quick] [--workers N]`: idflow's scenarios on PostgreSQL.
 *
 * URL names a database the benchmark may create schemas in (each run gets a fresh one, dropped afterwards).
 * - (a) async, (a) sync, (b): the same scenarios as on SQLite (bench/idflow-scenarios.ts), one process.
 * - fleet: N async launches committed first (one commit each, as `idflow run` does), then K worker processes
 *   started together claim and complete them in batches (`FOR UPDATE SKIP LOCKED`); the figure is completed
 *   instances per second from the workers' start to the last completion, for K = 1 and K = N workers.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadDefinitionFiles } from '../src/definition/load.js';
import { openEngine } from '../src/engine/engine.js';
import type { Engine, EngineOptions } from '../src/engine/engine-api.js';
import { openRepository } from '../src/repository/open-repository.js';
import { FOUR_STEPS, runIdflowOn, type ScenarioName } from './idflow-scenarios.js';

const CHILD = fileURLToPath(new URL('./postgres-worker-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = [fileURLToPath(new URL('./fixtures/four-steps.xml', import.meta.url)), fileURLToPath(new URL('./fixtures/one-work-item.xml', import.meta.url))];

interface Schema {
  readonly url: string;
  drop(): Promise<void>;
}

async function admin(base: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function newSchema(base: string): Promise<Schema> {
  const name = `idflow_bench_${randomBytes(4).toString('hex')}`;
  await admin(base, `CREATE SCHEMA ${name}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${name}`);
  return { url: url.toString(), drop: () => admin(base, `DROP SCHEMA ${name} CASCADE`) };
}

function runChild(url: string, id: string, batch: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url, id, String(batch)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve((JSON.parse(out) as { advanced: number }).advanced) : reject(new Error(`worker ${id} exited ${code}`))));
  });
}

async function fleet(base: string, n: number, workers: number, batch: number): Promise<{ launchesPerSecond: number; completedPerSecond: number }> {
  const schema = await newSchema(base);
  try {
    const repository = await openRepository({ url: schema.url });
    const loaded = await loadDefinitionFiles(FIXTURES);
    await repository.objects.putMany(loaded.objects);
    const engine = await openEngine({ repository, workerId: 'launcher' });
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await engine.launch({ definition: FOUR_STEPS, launcher: 'bench', mode: 'async' });
    const launchSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    await engine.close();
    await repository.close();
    const t1 = process.hrtime.bigint();
    const done = await Promise.all(Array.from({ length: workers }, (_, k) => runChild(schema.url, `bench-${k}`, batch)));
    const seconds = Number(process.hrtime.bigint() - t1) / 1e9;
    const total = done.reduce((a, b) => a + b, 0);
    if (total !== n) throw new Error(`fleet: ${total} instances advanced, expected ${n}`);
    return { launchesPerSecond: n / launchSeconds, completedPerSecond: n / seconds };
  } finally {
    await schema.drop();
  }
}

export async function runPostgresBench(argv: readonly string[]): Promise<void> {
  const at = argv.indexOf('--postgres');
  const base = argv[at + 1] ?? process.env['IDFLOW_BENCH_POSTGRES_URL'];
  if (!base) throw new Error('usage: npm run bench -- --postgres URL [--quick] [--workers N]');
  const quick = argv.includes('--quick');
  const w = argv.indexOf('--workers');
  const workers = w >= 0 ? Number(argv[w + 1]) : 4;
  const n = quick ? { a: 1_000, b: 500, fleet: 4_000 } : { a: 5_000, b: 2_000, fleet: 20_000 };
  const { openEngine: open } = await import('../src/engine/engine.js');
  console.log(`idflow on PostgreSQL (${new URL(base).host}), ${quick ? 'quick' : 'full'} run`);
  for (const scenario of ['a-async', 'a-sync', 'b'] as ScenarioName[]) {
    const schema = await newSchema(base);
    try {
      const r = await runIdflowOn(open as (o: EngineOptions) => Promise<Engine>, { url: schema.url }, scenario, scenario === 'b' ? n.b : n.a);
      console.log(`  ${scenario.padEnd(8)} ${String(r.instances).padStart(6)} instances  ${(r.instances / r.seconds).toFixed(0).padStart(6)} /s`);
    } finally {
      await schema.drop();
    }
  }
  for (const k of [...new Set([1, workers])]) {
    const f = await fleet(base, n.fleet, k, 100);
    console.log(
      `  fleet    ${String(n.fleet).padStart(6)} instances  ${f.completedPerSecond.toFixed(0).padStart(6)} /s completed by ${k} worker process${k === 1 ? '' : 'es'} (launched at ${f.launchesPerSecond.toFixed(0)} /s)`,
    );
  }
}
