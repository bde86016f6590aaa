/**
 * Several idflow processes on one database (docs/workers.md, "Sizing"): completed instances per second with 1, 2
 * and 4 processes.
 * - (a) `a-fleet`: N async launches of the four-step process committed first (untimed), then P worker processes
 *   (`runWorker`, batches of 100) started at once; timed from the start signal until the workers reported N
 *   instances finished.
 * - (b) `b-fleet`: P processes each running scenario (b) for N/P instances (a sync launch to the work item, then
 *   its decision), all at once; timed until the last one is done.
 * Child processes are started and open their engine before the clock starts (bench/fleet-child.ts).
 *
 * Run through `npm run bench -- --only fleet` (SQLite files and a throwaway PostgreSQL server, runFleetPart) or
 * `npm run bench -- --postgres URL` ((a) on a server you name, bench/postgres-run.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newInstanceId } from '../src/engine/instance-id.js';
import { openEngine } from '../src/engine/engine.js';
import { openRepository } from '../src/repository/open-repository.js';
import { runBarePostgres } from './bare-postgres-baseline.js';
import { APPROVER, drainWorker, FOUR_STEPS, ONE_APPROVAL, openBenchEngine } from './idflow-scenarios.js';
import { recordPgWrites } from './pg-write-recorder.js';
import type { WriteTrace } from './write-recorder.js';

const CHILD = fileURLToPath(new URL('./fleet-child.ts', import.meta.url));

export interface FleetRun {
  readonly scenario: 'a-fleet' | 'b-fleet';
  readonly processes: number;
  readonly instances: number;
  readonly seconds: number;
  readonly perSecond: number;
}

interface Child {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly lines: (fn: (line: string) => void) => void;
  readonly exited: Promise<number | null>;
}

function startChild(args: readonly string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const listeners: ((line: string) => void)[] = [];
  let buffer = '';
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line === 'ready') resolveReady();
      else for (const l of listeners) l(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  exited.then((code) => code !== 0 && resolveReady());
  return { child, ready, lines: (fn) => listeners.push(fn), exited };
}

/** A fresh database: a temp SQLite file, or the PostgreSQL database `url` (the caller gives a fresh one). */
async function prepare(dir: string, file: string, url: string | undefined): Promise<string> {
  const bench = await openBenchEngine(openEngine, dir, file, url ? { url } : {});
  await bench.close();
  return url ?? join(dir, file);
}

export async function runFleetA(dir: string, n: number, processes: number, url?: string, concurrency = 1): Promise<FleetRun> {
  const database = url ?? join(dir, `fleet-a-${processes}.db`);
  const bench = await openBenchEngine(openEngine, dir, `fleet-a-${processes}.db`, url ? { url } : {});
  try {
    for (let i = 0; i < n; i++) await bench.engine.launch({ definition: FOUR_STEPS, launcher: 'bench', mode: 'async' });
  } finally {
    await bench.close();
  }
  const children = Array.from({ length: processes }, () => startChild(['worker', database, String(n), String(concurrency)]));
  await Promise.all(children.map((c) => c.ready));
  let finished = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  for (const c of children) {
    c.lines((line) => {
      finished += (JSON.parse(line) as { finished: number }).finished;
      if (finished >= n) resolveDone();
    });
    void c.exited.then((code) => code !== 0 && resolveDone());
  }
  const start = process.hrtime.bigint();
  for (const c of children) c.child.stdin!.write('go\n');
  await done;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  for (const c of children) c.child.kill('SIGTERM');
  await Promise.all(children.map((c) => c.exited));
  if (finished < n) throw new Error(`a-fleet with ${processes} workers: ${finished} of ${n} finished`);
  return { scenario: 'a-fleet', processes, instances: n, seconds, perSecond: n / seconds };
}

export async function runFleetB(dir: string, n: number, processes: number, url?: string): Promise<FleetRun> {
  const database = await prepare(dir, `fleet-b-${processes}.db`, url);
  const each = Math.ceil(n / processes);
  const children = Array.from({ length: processes }, () => startChild(['approver', database, String(each)]));
  await Promise.all(children.map((c) => c.ready));
  const start = process.hrtime.bigint();
  for (const c of children) c.child.stdin!.write('go\n');
  // Timed until the last process exits (each prints `done` just before; its exit status says whether it did).
  const codes = await Promise.all(children.map((c) => c.exited));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (codes.some((c) => c !== 0)) throw new Error(`b-fleet with ${processes} processes: a process exited ${codes.join(', ')}`);
  return { scenario: 'b-fleet', processes, instances: each * processes, seconds, perSecond: (each * processes) / seconds };
}

/** One row of the fleet table: a scenario on a database with P processes, best of the runs. */
export interface FleetRow {
  readonly database: 'sqlite' | 'postgres';
  readonly scenario: FleetRun['scenario'];
  readonly processes: number;
  readonly instances: number;
  readonly perSecond: number;
  /** PostgreSQL: idflow's recorded writes replayed bare over P connections (bare-postgres-baseline.ts), inst/s. */
  readonly barePerSecond?: number;
  readonly runs: number;
}

/** What idflow writes on PostgreSQL for `n` instances of a fleet scenario, recorded in this process (untimed). */
export async function tracePostgres(url: string, scenario: FleetRun['scenario'], n: number): Promise<{ setup?: WriteTrace; timed: WriteTrace }> {
  const bench = await openBenchEngine(openEngine, '', '', { url });
  try {
    if (scenario === 'a-fleet') {
      const launches = recordPgWrites();
      let setup: WriteTrace;
      try {
        for (let i = 0; i < n; i++) await bench.engine.launch({ definition: FOUR_STEPS, launcher: 'bench', mode: 'async' });
      } finally {
        setup = launches.stop(n);
      }
      const rounds = recordPgWrites();
      let timed: WriteTrace;
      try {
        await drainWorker(bench.engine);
      } finally {
        timed = rounds.stop(n);
      }
      return { setup, timed };
    }
    const recorder = recordPgWrites();
    let timed: WriteTrace;
    try {
      for (let i = 0; i < n; i++) {
        const r = await bench.engine.launch({ definition: ONE_APPROVAL, launcher: 'bench', mode: 'sync' });
        await bench.engine.decide({ workItemId: r.workItems[0]!.id, decision: 'approve', actor: APPROVER });
      }
    } finally {
      timed = recorder.stop(n);
    }
    return { timed };
  } finally {
    await bench.close();
  }
}

/** Where a fleet run writes: a fresh SQLite file in `dir`, or a fresh PostgreSQL database made by `fresh`. */
export interface FleetDatabase {
  readonly kind: 'sqlite' | 'postgres';
  /** A new empty database's URL (PostgreSQL); undefined for SQLite (a new file each run). */
  readonly fresh?: () => string;
}

/**
 * The fleet part of `npm run bench`: (a) and (b) with 1, 2 and 4 processes, best of `repeat`, the runs of all rows
 * interleaved as in the rest of the benchmark.
 */
export async function runFleetPart(dir: string, database: FleetDatabase, counts: { a: number; b: number }, repeat: number, log: (line: string) => void): Promise<FleetRow[]> {
  const best = new Map<string, FleetRow>();
  const traces = new Map<string, { setup?: WriteTrace; timed: WriteTrace }>();
  if (database.fresh) {
    for (const scenario of ['a-fleet', 'b-fleet'] as const) {
      log(`· ${scenario} on postgres: recording what idflow writes (untimed)`);
      traces.set(scenario, await tracePostgres(database.fresh(), scenario, Math.min(1000, scenario === 'a-fleet' ? counts.a : counts.b)));
    }
  }
  const bareBest = new Map<string, number>();
  for (let k = 1; k <= repeat; k++) {
    for (const processes of [1, 2, 4]) {
      for (const scenario of ['a-fleet', 'b-fleet'] as const) {
        log(`· run ${k}/${repeat}: ${scenario} on ${database.kind}, ${processes} processes`);
        const sub = mkdtempSync(join(dir, `${scenario}-${processes}-`));
        const url = database.fresh?.();
        try {
          const run = scenario === 'a-fleet' ? await runFleetA(sub, counts.a, processes, url) : await runFleetB(sub, counts.b, processes, url);
          const key = `${scenario}:${processes}`;
          const trace = traces.get(scenario);
          if (trace && database.fresh) {
            // The bare replay of idflow's writes, over as many connections as idflow had processes, in the same run.
            const bareUrl = database.fresh();
            await (await openRepository({ url: bareUrl })).close();
            const bare = await runBarePostgres(bareUrl, trace.setup, trace.timed, scenario === 'a-fleet' ? counts.a : counts.b, processes, newInstanceId);
            bareBest.set(key, Math.max(bareBest.get(key) ?? 0, bare.instances / bare.seconds));
          }
          const previous = best.get(key);
          if (!previous || run.perSecond > previous.perSecond) {
            best.set(key, { database: database.kind, scenario, processes, instances: run.instances, perSecond: run.perSecond, runs: k });
          }
        } finally {
          rmSync(sub, { recursive: true, force: true });
        }
      }
    }
  }
  return [...best.values()].map((r) => {
    const bare = bareBest.get(`${r.scenario}:${r.processes}`);
    return { ...r, runs: repeat, ...(bare !== undefined && { barePerSecond: bare }) };
  });
}

