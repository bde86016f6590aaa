/**
 * `npm run bench [-- --quick] [-- --only a|b|rss]`: completed instances per second of idflow on SQLite beside two
 * baselines measured in the same run (bare better-sqlite3 writing what the engine writes, and bpmn-engine with
 * its state saved to SQLite), and the RSS with many instances waiting on work items. Prints a table and writes
 * bench/results/<timestamp>.json. What is measured and why: docs/benchmarks.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBareSqlite } from './bare-sqlite-baseline.js';
import { runBpmnFourTasks, runBpmnUserTask, type BpmnRun } from './bpmn-baseline.js';
import type { ScenarioName } from './idflow-scenarios.js';
import { nominalTrace } from './nominal-traces.js';
import { describeMachine, markdownTable, throughputTable, type ScenarioResult } from './report.js';
import type { RssResult } from './rss-child.js';
import { perInstance, totalsOf, type WriteTrace } from './write-recorder.js';

type Part = 'a' | 'b' | 'rss';

interface Options {
  readonly quick: boolean;
  readonly only: ReadonlySet<Part>;
  readonly keep: boolean;
}

const USAGE = 'usage: npm run bench -- [--quick] [--only a|b|rss[,…]] [--keep]';

function parseArgs(argv: readonly string[]): Options {
  let quick = false;
  let keep = false;
  const only = new Set<Part>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--keep') keep = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      for (const p of (value ?? '').split(',')) {
        if (p !== 'a' && p !== 'b' && p !== 'rss') throw new Error(`--only takes a, b or rss, not '${p}'\n${USAGE}`);
        only.add(p);
      }
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  return { quick, keep, only: only.size ? only : new Set<Part>(['a', 'b', 'rss']) };
}

/** Instance counts: large enough that a run lasts seconds, not milliseconds. */
function counts(quick: boolean) {
  return quick
    ? { idflowA: 2_000, idflowB: 1_000, bpmnA: 500, bpmnB: 300, trace: 200, rss: 10_000 }
    : { idflowA: 20_000, idflowB: 10_000, bpmnA: 4_000, bpmnB: 2_000, trace: 1_000, rss: 100_000 };
}

type Scenarios = typeof import('./idflow-scenarios.js');
interface IdflowSide {
  readonly scenarios: Scenarios;
  readonly openEngine: NonNullable<Awaited<ReturnType<Scenarios['loadOpenEngine']>>>;
}

/**
 * The engine side, loaded on its own so that the baselines still run while the engine (or anything it imports)
 * is missing or broken; the bare-SQLite baseline then replays the nominal write pattern.
 */
async function loadIdflowSide(): Promise<IdflowSide | undefined> {
  try {
    const scenarios = await import('./idflow-scenarios.js');
    const openEngine = await scenarios.loadOpenEngine();
    if (openEngine) return { scenarios, openEngine };
    console.error('! src/engine/engine.ts is not there yet: idflow rows are skipped; the bare-SQLite baseline uses the nominal write pattern');
  } catch (e) {
    console.error(`! the engine cannot be loaded (${e instanceof Error ? e.message : String(e)}): idflow rows are skipped; the bare-SQLite baseline uses the nominal write pattern`);
  }
  return undefined;
}

const perSecond = (instances: number, seconds: number): number => instances / seconds;

async function scenario(
  dir: string,
  name: ScenarioName,
  description: string,
  n: number,
  traceN: number,
  idflowSide: IdflowSide | undefined,
  bpmn: BpmnRun | undefined,
): Promise<ScenarioResult> {
  let trace: WriteTrace = nominalTrace(name);
  let traced: 'recorded' | 'nominal' = 'nominal';
  let idflow: ScenarioResult['idflow'];
  let error: string | undefined;
  if (idflowSide) {
    const { scenarios, openEngine } = idflowSide;
    try {
      trace = await scenarios.traceIdflow(openEngine, dir, name, traceN);
      traced = 'recorded';
      const run = await scenarios.runIdflow(openEngine, dir, name, n);
      idflow = { instances: run.instances, perSecond: perSecond(run.instances, run.seconds) };
    } catch (e) {
      error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      console.error(`! idflow ${name} failed: ${error}`);
    }
  }
  const bare = runBareSqlite(dir, `bare-${name}.db`, trace, n);
  return {
    scenario: name,
    description,
    ...(idflow ? { idflow } : {}),
    bare: { instances: bare.instances, perSecond: perSecond(bare.instances, bare.seconds), trace: traced },
    ...(bpmn ? { bpmn: { instances: bpmn.instances, perSecond: perSecond(bpmn.instances, bpmn.seconds), stateBytes: Math.round(bpmn.stateBytes) } } : {}),
    perInstance: perInstance(trace),
    byTable: totalsOf(trace).byTable,
    ...(error ? { error } : {}),
  };
}

function measureRss(dir: string, count: number): RssResult | { unavailable: string } | { error: string } {
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(new URL('./rss-child.ts', import.meta.url)), dir, String(count)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !line.startsWith('{')) return { error: `rss child exited ${child.status}: ${child.stderr.trim().slice(-2000)}` };
  return JSON.parse(line) as RssResult | { unavailable: string };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const n = counts(options.quick);
  const dir = mkdtempSync(join(tmpdir(), 'idflow-bench-'));
  const idflowSide = await loadIdflowSide();
  const started = new Date();
  const results: ScenarioResult[] = [];
  let rss: ReturnType<typeof measureRss> | undefined;
  try {
    if (options.only.has('a')) {
      console.error(`· (a) bpmn-engine, ${n.bpmnA} instances`);
      const bpmnA = await runBpmnFourTasks(dir, n.bpmnA);
      console.error(`· (a) idflow async + worker, ${n.idflowA} instances`);
      results.push(await scenario(dir, 'a-async', 'four automatic activities; async launches advanced by runWorkerOnce batches', n.idflowA, n.trace, idflowSide, bpmnA));
      console.error(`· (a) idflow sync launches, ${n.idflowA} instances`);
      results.push(await scenario(dir, 'a-sync', 'four automatic activities; sync launches', n.idflowA, n.trace, idflowSide, bpmnA));
    }
    if (options.only.has('b')) {
      console.error(`· (b) bpmn-engine, ${n.bpmnB} instances`);
      const bpmnB = await runBpmnUserTask(dir, n.bpmnB);
      console.error(`· (b) idflow, ${n.idflowB} instances`);
      results.push(await scenario(dir, 'b', 'one work item: sync launch to the work item, then decide', n.idflowB, n.trace, idflowSide, bpmnB));
    }
    if (options.only.has('rss')) {
      console.error(`· RSS with ${n.rss} instances waiting on work items`);
      rss = measureRss(dir, n.rss);
    }
  } finally {
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
    else console.error(`· databases kept in ${dir}`);
  }

  const machine = describeMachine();
  console.log(`\nidflow benchmark, ${started.toISOString()}, ${machine.cpu} × ${machine.cores}, Node ${machine.node}${options.quick ? ' (quick)' : ''}\n`);
  if (results.length) console.log(throughputTable(results));
  if (rss) {
    console.log('');
    if ('rssAfterMB' in rss) {
      console.log(
        markdownTable(
          ['instances waiting', 'RSS before', 'RSS after (GC)', 'heap used', 'launch + advance inst/s'],
          [[rss.waiting.toLocaleString('en-US'), `${rss.rssBeforeMB} MB`, `${rss.rssAfterMB} MB`, `${rss.heapUsedMB} MB`, Math.round(rss.instances / rss.seconds).toLocaleString('en-US')]],
        ),
      );
    } else console.log(`RSS: ${'unavailable' in rss ? rss.unavailable : rss.error}`);
  }

  const outDir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ date: started.toISOString(), machine, quick: options.quick, counts: n, results, rss }, null, 2)}\n`);
  console.log(`\nresults written to ${file}`);
  if (results.some((r) => r.error) || (rss && 'error' in rss)) process.exitCode = 1;
}

await main();
