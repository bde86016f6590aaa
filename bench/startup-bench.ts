/**
 * Start-up of the `idflow` command (`npm run bench -- --only startup`): `idflow --version` and
 * `idflow workitems --owner approver` on a repository holding `items` open work items of that person, each beside a
 * bare `node -e ''` measured in the same rounds. Every round runs the three commands one after the other, so load
 * from other work on the machine falls on all three alike; the figure is the fastest of the rounds (as for the
 * throughput figures) with the median beside it. docs/decisions/cli-start-up.md says what runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APPROVER, loadOpenEngine, ONE_APPROVAL, openBenchEngine } from './idflow-scenarios.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin', 'idflow.js');

export interface StartupFigure {
  readonly command: string;
  readonly bestMs: number;
  readonly medianMs: number;
  /**
   * CPU time (user + system) of the process, best of the rounds, when /usr/bin/time is there to measure it. On a
   * machine shared with other work, wall time mostly measures the others; the CPU a command itself spends much less.
   */
  readonly bestCpuMs?: number;
}

const TIME = '/usr/bin/time';
const hasTime = existsSync(TIME);

export interface StartupResult {
  readonly items: number;
  readonly rounds: number;
  /** `dist` when the launcher ran the compiled code, `tsx` when it ran the sources (a stale or missing build). */
  readonly ran: 'dist' | 'tsx';
  readonly bare: StartupFigure;
  readonly version: StartupFigure;
  readonly workitems: StartupFigure;
}

/** A repository with `items` open work items of {@link APPROVER} (sync launches of the one-approval bench flow). */
async function prepareInbox(dir: string, items: number): Promise<string> {
  const openEngine = await loadOpenEngine();
  if (!openEngine) throw new Error('src/engine/engine.ts is missing');
  const file = 'idflow-startup.db';
  const bench = await openBenchEngine(openEngine, dir, file);
  try {
    for (let i = 0; i < items; i++) await bench.engine.launch({ definition: ONE_APPROVAL, launcher: 'bench', mode: 'sync' });
  } finally {
    await bench.close();
  }
  return join(dir, file);
}

interface Sample {
  readonly ms: number;
  readonly cpuMs?: number;
}

function timeOnce(args: readonly string[]): Sample {
  const start = process.hrtime.bigint();
  // /usr/bin/time adds a fork and an exec, the same for every command measured; its CPU figure is the child's own.
  const [file, argv] = hasTime ? [TIME, ['-f', 'cpu %U %S', process.execPath, ...args]] : [process.execPath, [...args]];
  const r = spawnSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, IDFLOW_DB: '' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.slice(-2000)}`);
  const cpu = /cpu (\d+\.\d+) (\d+\.\d+)\s*$/.exec(r.stderr);
  return { ms, ...(cpu && { cpuMs: (Number(cpu[1]) + Number(cpu[2])) * 1000 }) };
}

function figure(command: string, samples: readonly Sample[]): StartupFigure {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const cpu = samples.flatMap((s) => (s.cpuMs === undefined ? [] : [s.cpuMs])).sort((a, b) => a - b);
  return { command, bestMs: sorted[0]!, medianMs: sorted[Math.floor(sorted.length / 2)]!, ...(cpu.length && { bestCpuMs: cpu[0]! }) };
}

/** Builds dist/ (so the launcher runs compiled code, as an installed idflow does), fills an inbox, and measures. */
export async function measureStartup(dir: string, items: number, rounds: number): Promise<StartupResult> {
  console.error(`· start-up: filling an inbox of ${items.toLocaleString('en-US')} open work items`);
  const db = await prepareInbox(dir, items);
  // Built just before measuring, so no source edit made during the (long) filling leaves dist/ stale.
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { encoding: 'utf8' });
  const ran = build.status === 0 ? 'dist' : 'tsx';
  if (build.status !== 0) console.error(`! npm run build failed; measuring the sources through tsx:\n${build.stderr.slice(-2000)}`);
  const commands = {
    bare: ['-e', ''],
    version: [BIN, '--version'],
    workitems: [BIN, 'workitems', '--owner', APPROVER, '--db', db],
  } as const;
  // One unmeasured round: the file cache then holds node, the code and the database for every measured one.
  for (const args of Object.values(commands)) timeOnce(args);
  const samples = { bare: [] as Sample[], version: [] as Sample[], workitems: [] as Sample[] };
  for (let k = 0; k < rounds; k++) {
    for (const [name, args] of Object.entries(commands) as [keyof typeof commands, readonly string[]][]) samples[name].push(timeOnce(args));
  }
  return {
    items,
    rounds,
    ran,
    bare: figure("node -e ''", samples.bare),
    version: figure('idflow --version', samples.version),
    workitems: figure(`idflow workitems --owner ${APPROVER} (${items.toLocaleString('en-US')} open items)`, samples.workitems),
  };
}

/** The start-up table: each command, its best and median, and how far above bare Node it is. */
export function startupLines(r: StartupResult, targetMs = 150): string[] {
  const rows = [r.bare, r.version, r.workitems];
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const lines = [
    `start-up (${r.ran === 'dist' ? 'compiled dist/' : 'sources through tsx: the build failed'}; best and median of ${r.rounds} rounds)`,
    '',
    '| command | best | median | above bare node (best) | ratio to bare node (best) | CPU (best) | CPU above bare node |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((f) => {
      const cpu = f.bestCpuMs === undefined ? 'n/a' : ms(f.bestCpuMs);
      const cpuAbove = f === r.bare || f.bestCpuMs === undefined || r.bare.bestCpuMs === undefined ? '' : `+${ms(f.bestCpuMs - r.bare.bestCpuMs)}`;
      return `| ${f.command} | ${ms(f.bestMs)} | ${ms(f.medianMs)} | ${f === r.bare ? '' : `+${ms(f.bestMs - r.bare.bestMs)}`} | ${f === r.bare ? '' : `${(f.bestMs / r.bare.bestMs).toFixed(2)}×`} | ${cpu} | ${cpuAbove} |`;
    }),
    '',
  ];
  for (const f of [r.version, r.workitems]) {
    const above = f.bestMs - r.bare.bestMs;
    lines.push(`${above <= targetMs ? 'met' : 'MISSED'}: ${f.command} starts ${ms(above)} above bare node (target under ${targetMs} ms)`);
  }
  return lines;
}
