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
 * Usage: node --import tsx bench/fleet-bench.ts [DATABASE_URL] (SQLite files in a temp dir without one).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openEngine } from '../src/engine/engine.js';
import { FOUR_STEPS, openBenchEngine } from './idflow-scenarios.js';

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
  const done = children.map((c) => new Promise<void>((resolve) => c.lines((l) => l === 'done' && resolve())));
  const start = process.hrtime.bigint();
  for (const c of children) c.child.stdin!.write('go\n');
  const codes = await Promise.all(children.map((c) => c.exited));
  await Promise.race([Promise.all(done), Promise.resolve()]);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (codes.some((c) => c !== 0)) throw new Error(`b-fleet with ${processes} processes: a process exited ${codes.join(', ')}`);
  return { scenario: 'b-fleet', processes, instances: each * processes, seconds, perSecond: (each * processes) / seconds };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const url = process.argv[2];
  const dir = mkdtempSync(join(tmpdir(), 'idflow-fleet-bench-'));
  try {
    for (const p of [1, 2, 4]) {
      const a = await runFleetA(dir, 10_000, p, url);
      console.log(`a-fleet ${p} workers: ${Math.round(a.perSecond)} inst/s (${a.instances} in ${a.seconds.toFixed(2)} s)`);
      const b = await runFleetB(dir, 4_000, p, url);
      console.log(`b-fleet ${p} processes: ${Math.round(b.perSecond)} inst/s (${b.instances} in ${b.seconds.toFixed(2)} s)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
