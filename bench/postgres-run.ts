/**
 * `npm run bench -- --postgres URL [--quick] [--workers N]`: idflow's scenarios on PostgreSQL.
 *
 * URL names a database the benchmark may create schemas in (each run gets a fresh one, dropped afterwards).
 * - (a) async, (a) sync, (b): the same scenarios as on SQLite (bench/idflow-scenarios.ts), one process.
 * - a-fleet: the fleet benchmark's scenario (a) (bench/fleet-bench.ts) with 1 and N worker processes: N async
 *   launches committed first, then the workers claim (`FOR UPDATE SKIP LOCKED`) and complete them in batches.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Engine, EngineOptions } from '../src/engine/engine-api.js';
import { runFleetA } from './fleet-bench.js';
import { runIdflow, type ScenarioName } from './idflow-scenarios.js';

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

export async function runPostgresBench(argv: readonly string[]): Promise<void> {
  const at = argv.indexOf('--postgres');
  const base = argv[at + 1] ?? process.env['IDFLOW_BENCH_POSTGRES_URL'];
  if (!base) throw new Error('usage: npm run bench -- --postgres URL [--quick] [--workers N]');
  const quick = argv.includes('--quick');
  const w = argv.indexOf('--workers');
  const workers = w >= 0 ? Number(argv[w + 1]) : 4;
  const n = quick ? { a: 1_000, b: 500, fleet: 4_000 } : { a: 5_000, b: 2_000, fleet: 20_000 };
  const { openEngine } = await import('../src/engine/engine.js');
  const dir = mkdtempSync(join(tmpdir(), 'idflow-bench-pg-'));
  console.log(`idflow on PostgreSQL (${new URL(base).host}), ${quick ? 'quick' : 'full'} run`);
  try {
    for (const scenario of ['a-async', 'a-sync', 'b'] as ScenarioName[]) {
      const schema = await newSchema(base);
      try {
        const r = await runIdflow(openEngine as (o: EngineOptions) => Promise<Engine>, dir, scenario, scenario === 'b' ? n.b : n.a, schema.url);
        console.log(`  ${scenario.padEnd(8)} ${String(r.instances).padStart(6)} instances  ${(r.instances / r.seconds).toFixed(0).padStart(6)} /s`);
      } finally {
        await schema.drop();
      }
    }
    for (const k of [...new Set([1, workers])]) {
      const schema = await newSchema(base);
      try {
        const f = await runFleetA(dir, n.fleet, k, schema.url);
        console.log(`  a-fleet  ${String(f.instances).padStart(6)} instances  ${f.perSecond.toFixed(0).padStart(6)} /s completed by ${k} worker process${k === 1 ? '' : 'es'}`);
      } finally {
        await schema.drop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
