/**
 * The `hrwave` part of `npm run bench` (`--only hrwave`): an HR wave of joiners, end to end, beside slapd's own add
 * rate in the same run. Target (issue 9): at least 1,000 identities per second and at least 0.5× slapd's rate.
 *
 * End to end: one CSV file of `count` joiners is imported with the real import code (`importHrFile`, what `idflow hr
 * import` runs: read and check the file, diff it against the source's snapshot, write the snapshot, the run and its
 * launches, start what is due). Each row starts the onboarding of bench/fixtures/hr-wave-onboarding.xml with its
 * Request executed by the feed (firstTransition); the onboarding persists the change set (the identity created
 * active and, by the `directory` resource's birthright rule `all`, its assignment, LDAP account and `create` order,
 * in the step's commit); a provisioning worker (`concurrency` calls in flight) creates the entries in slapd through the
 * LDAP connector. The clock runs from the start of the import until the last order is executed, i.e. the last LDAP
 * entry exists; the entries are counted in slapd afterwards. On an SQLite file, in two shapes, each a row: one process
 * (the provisioning worker beside the engine's, one core for both), and engine + provisioning process (the
 * provisioning worker in an `idflow worker --no-instances` of its own, as a deployment runs it on SQLite:
 * docs/workers.md), with the CPU of both processes counted. The targets apply to the second: the deployment that
 * reaches them.
 *
 * The run is profiled (the V8 sampling profiler, as `node --cpu-prof` writes it) and each sample is charged to the
 * phase whose code it is in ({@link phaseOf}): CPU ms per identity per phase, whatever else the shared machine runs.
 */
import { Session } from 'node:inspector/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'ldapts';
import { importHrFile, parseHrSource } from '../src/connectors/hr/index.js';
import { openEngine } from '../src/engine/engine.js';
import { parseBirthrightRule } from '../src/identity/birthright.js';
import { SLAPD_ADMIN_DN, SLAPD_ADMIN_PASSWORD, SLAPD_PEOPLE, startSlapd, type Slapd } from '../test/support/slapd.js';
import { openDirectoryBench, orderProgress, processCpuMs, provisioningProcess } from './directory-bench-setup.js';
import { slapdAddRate, type LdapRate } from './ldap-baseline.js';
import { markdownTable } from './report.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/hr-wave-onboarding.xml', import.meta.url));

export const PHASES = ['parse+diff', 'launch', 'run', 'persist', 'provision', 'gc', 'other'] as const;
export type Phase = (typeof PHASES)[number];

export type HrWaveShape = 'one process' | 'engine + provisioning process';
export const HR_WAVE_SHAPES: readonly HrWaveShape[] = ['one process', 'engine + provisioning process'];
/** The shape the targets apply to: how a deployment on SQLite runs (docs/workers.md). */
export const TARGET_SHAPE: HrWaveShape = 'engine + provisioning process';

export interface HrWaveRow {
  readonly shape: HrWaveShape;
  readonly identities: number;
  readonly concurrency: number;
  readonly seconds: number;
  /** Identities imported, onboarded and provisioned per second, end to end. */
  readonly perSecond: number;
  /** Of which: until the import returned (every onboarding launched, its Request executed, persisted). */
  readonly importSeconds: number;
  /** CPU ms (user + system) per identity, end to end: this process, plus the provisioning process when separate. */
  readonly cpuMsPerIdentity: number;
  /** The provisioning worker ran in a process of its own. */
  readonly separate: boolean;
  /** Of {@link cpuMsPerIdentity}: the provisioning process's CPU (separate only). */
  readonly provisioningCpuMsPerIdentity?: number;
  /**
   * CPU ms per identity by phase: this process's CPU time split as the profile's busy samples split (on a loaded
   * machine a sample's interval also holds the time the process waited for a core, so sampled time overstates CPU).
   */
  readonly phases: Readonly<Record<Phase, number>>;
  /** The 1-minute load average when the run ended: how shared the machine was. */
  readonly loadAverage: number;
  /** The wave's profile, for `bench/summarise-profile.ts`. */
  readonly profile?: string;
  /** slapd through bare ldapts at the same concurrency, in the same run. */
  readonly raw: LdapRate;
}

/**
 * The phase a profile sample belongs to, from the source files on its stack (leaf to root), first match by
 * priority: the provisioning worker and the LDAP client (with their own database work); reading and diffing the
 * file; the database and the identity store (every statement of the import, the launches and the advances, and the
 * change-set planning); the interpreter and the worker's advances; the launch (checks, records, the HR launcher).
 */
export function phaseOf(urls: readonly string[], leafName: string): Phase {
  if (leafName === '(garbage collector)') return 'gc';
  const has = (...parts: string[]) => urls.some((u) => parts.some((p) => u.includes(p)));
  if (has('/src/provisioning/', '/src/connectors/ldap/', '/node_modules/ldapts/')) return 'provision';
  if (has('/connectors/hr/hr-file', '/connectors/hr/hr-plan', '/node_modules/csv-parse/', '/node_modules/luxon/')) return 'parse+diff';
  if (has('/src/repository/', '/src/identity/', '/node_modules/better-sqlite3/', '/node_modules/pg')) return 'persist';
  if (has('/src/engine/interpreter/', '/src/expression/', '/src/services/', '/src/engine/worker', '/src/engine/checkpoint', '/src/engine/outcome-write', '/src/engine/launch-decision', '/src/engine/run-context')) return 'run';
  if (has('/src/engine/', '/src/connectors/hr/', '/src/access/')) return 'launch';
  return 'other';
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/** Sampled milliseconds per phase; idle samples are not CPU and are left out. */
export function phaseTimes(profile: CpuProfile): Record<Phase, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const phaseById = new Map<number, Phase | null>();
  const phase = (id: number): Phase | null => {
    let p = phaseById.get(id);
    if (p !== undefined) return p;
    const leaf = byId.get(id)!;
    if (leaf.callFrame.functionName === '(idle)') p = null;
    else {
      const urls: string[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) urls.push(byId.get(at)!.callFrame.url);
      p = phaseOf(urls, leaf.callFrame.functionName);
    }
    phaseById.set(id, p);
    return p;
  };
  const out = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, k) => {
    const p = phase(id);
    // A sample's delta is the time since the previous one: charged to this sample.
    if (p !== null) out[p] += (deltas[k] ?? 0) / 1000;
  });
  return out;
}

/** CPU ms shared out in proportion to the sampled time of each phase. */
function splitCpu(sampled: Readonly<Record<Phase, number>>, cpuMs: number): Record<Phase, number> {
  const busy = PHASES.reduce((a, p) => a + sampled[p], 0);
  return Object.fromEntries(PHASES.map((p) => [p, busy > 0 ? (sampled[p] / busy) * cpuMs : 0])) as Record<Phase, number>;
}

function addTo(phases: Record<Phase, number>, phase: Phase, ms: number): Record<Phase, number> {
  return { ...phases, [phase]: phases[phase] + ms };
}

/** Rows of `header` then one joiner per line, logins `<prefix>-<i>`. */
function waveFile(count: number, prefix: string): Uint8Array {
  const lines = ['EmployeeID,Login,FirstName,LastName,Mail,Department'];
  for (let i = 0; i < count; i++) lines.push(`${prefix}E${i},${prefix}-${i},Bench,Person ${i},${prefix}-${i}@example.org,Dept${i % 20}`);
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

async function entriesIn(slapd: Slapd, prefix: string): Promise<number> {
  const client = new Client({ url: slapd.url, timeout: 60_000 });
  try {
    await client.bind(SLAPD_ADMIN_DN, SLAPD_ADMIN_PASSWORD);
    const { searchEntries } = await client.search(SLAPD_PEOPLE, { scope: 'one', filter: `(uid=${prefix}-*)`, attributes: ['uid'], sizeLimit: 0 });
    return searchEntries.length;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/**
 * How often the profiler samples the engine process, in µs. V8's default (1 ms) cost the measured run about 5% of
 * its CPU; one sample per 5 ms still gives some 2,000 samples for the phase split of a 10,000-joiner wave.
 */
const PROFILE_INTERVAL_US = 5000;

/** One wave, timed and profiled. */
export async function hrWave(slapd: Slapd, dir: string, count: number, concurrency: number, prefix: string, separate = false): Promise<Omit<HrWaveRow, 'raw'>> {
  const { repository, connectors, provisioning } = await openDirectoryBench(slapd, join(dir, `${prefix}.db`), FIXTURE, concurrency, parseBirthrightRule('all')!);
  const now = Date.now();
  const source = parseHrSource({
    name: 'wave',
    key: 'EmployeeID',
    columns: { EmployeeID: 'EmployeeId', Login: 'Login', FirstName: 'FirstName', LastName: 'LastName', Mail: 'Mail', Department: 'Department' },
    subject: 'Login',
    added: { workflow: 'HrWave_Onboarding', firstTransition: 'ActionWithRefine-ActionPending-Execute' },
  });
  await repository.hr.putSource('wave', source as unknown as Record<string, unknown>, now);
  const bytes = waveFile(count, prefix);
  const engine = await openEngine({ repository, workerId: 'bench-engine', idleMs: 20 });
  const other = separate ? await provisioningProcess(join(dir, `${prefix}.db`), concurrency) : undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  const stop = new AbortController();
  const workers = Promise.all([engine.runWorker(stop.signal, { concurrency: 1 }), other ? Promise.resolve() : provisioning.run(stop.signal)]);
  try {
    await session.post('Profiler.setSamplingInterval', { interval: PROFILE_INTERVAL_US });
    await session.post('Profiler.start');
    const cpu = process.cpuUsage();
    const otherCpu = other ? processCpuMs(other.pid) : 0;
    const started = process.hrtime.bigint();
    const result = await importHrFile({ repository, engine }, { source: 'wave', file: `${prefix}.csv`, bytes, force: true });
    const imported = process.hrtime.bigint();
    if (result.launches?.failed) throw new Error(`launches failed: ${JSON.stringify(result.launches.results.filter((r) => r.error).slice(0, 3))}`);
    // The import returned: every order is written. What is left reads from the partial index of unfinished orders
    // (nothing once they are done), not a count of every order at every poll.
    const progress = orderProgress(repository);
    for (;;) {
      if (progress.failed() > 0) throw new Error(`provisioning orders failed: ${JSON.stringify(await repository.provisioning.list({ state: 'error', limit: 3 }))}`);
      if (progress.unfinished() === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    const provisionCpuMs = other ? processCpuMs(other.pid) - otherCpu : 0;
    const { profile } = await session.post('Profiler.stop');
    const executed = (await repository.provisioning.countByState()).executed ?? 0;
    if (executed < count) throw new Error(`${executed} orders executed, not ${count}`);
    const load = loadavg()[0]!;
    const sampled = phaseTimes(profile as CpuProfile);
    const file = join(tmpdir(), `idflow-hrwave-${prefix}-${process.pid}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    const found = await entriesIn(slapd, prefix);
    if (found !== count) throw new Error(`slapd holds ${found} entries of the wave, not ${count}`);
    return {
      shape: separate ? 'engine + provisioning process' : 'one process',
      identities: count,
      concurrency,
      seconds,
      perSecond: count / seconds,
      importSeconds: Number(imported - started) / 1e9,
      cpuMsPerIdentity: ((used.user + used.system) / 1000 + provisionCpuMs) / count,
      separate,
      ...(other && { provisioningCpuMsPerIdentity: provisionCpuMs / count }),
      // The provisioning process is not profiled: all of its CPU is provisioning.
      phases: addTo(splitCpu(sampled, (used.user + used.system) / 1000 / count), 'provision', provisionCpuMs / count),
      loadAverage: load,
      profile: file,
    };
  } finally {
    stop.abort();
    await workers;
    await other?.stop();
    await session.post('Profiler.disable').catch(() => undefined);
    session.disconnect();
    await connectors.close();
    await engine.close();
    await repository.close();
  }
}

const better = <T extends { perSecond: number }>(a: T | undefined, b: T): T => (!a || b.perSecond > a.perSecond ? b : a);

export async function runHrWaveBench(options: {
  count: number;
  concurrency: number;
  repeat: number;
  /** Which shapes to run. @default both */
  shapes?: readonly HrWaveShape[];
  log: (line: string) => void;
}): Promise<HrWaveRow[]> {
  const shapes = options.shapes ?? HR_WAVE_SHAPES;
  const slapd = await startSlapd();
  const dir = mkdtempSync(join(tmpdir(), 'idflow-hrwave-bench-'));
  try {
    let raw: LdapRate | undefined;
    const best = new Map<HrWaveShape, Omit<HrWaveRow, 'raw'>>();
    for (let k = 1; k <= options.repeat; k++) {
      for (const shape of shapes) {
        options.log(`· HR wave run ${k}/${options.repeat}, ${shape}: ${options.count} joiners imported, onboarded and provisioned (concurrency ${options.concurrency})`);
        const separate = shape !== 'one process';
        best.set(shape, better(best.get(shape), await hrWave(slapd, dir, options.count, options.concurrency, `wave${k}${separate ? 's' : ''}`, separate)));
      }
      options.log(`· HR wave run ${k}/${options.repeat}: ${options.count} adds through bare ldapts (concurrency ${options.concurrency})`);
      raw = better(raw, await slapdAddRate({ url: slapd.url, bindDn: SLAPD_ADMIN_DN, password: SLAPD_ADMIN_PASSWORD, base: SLAPD_PEOPLE }, { count: options.count, concurrency: options.concurrency, prefix: `raw-wave${k}` }));
    }
    return shapes.map((shape) => ({ ...best.get(shape)!, raw: raw! }));
  } finally {
    await slapd.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function hrWaveTable(rows: readonly HrWaveRow[]): string {
  const n = (x: number): string => Math.round(x).toLocaleString('en-US');
  const met = (ok: boolean, what: string) => `${what} ${ok ? 'met' : 'MISSED'}`;
  const name = (row: HrWaveRow): string => `HR wave, ${row.shape}${row.shape === TARGET_SHAPE ? ' (targets)' : ''}`;
  const table = markdownTable(
    ['row', 'identities', 'concurrency', 'identities/s end to end', 'of which import', 'CPU per identity', 'slapd adds/s (bare ldapts)', 'ratio', 'targets', 'load average'],
    rows.map((row) => {
      const ratio = row.perSecond / row.raw.perSecond;
      return [
        name(row),
        n(row.identities),
        String(row.concurrency),
        n(row.perSecond),
        `${row.importSeconds.toFixed(1)} s of ${row.seconds.toFixed(1)} s`,
        `${row.cpuMsPerIdentity.toFixed(2)} ms${row.provisioningCpuMsPerIdentity === undefined ? '' : ` (${row.provisioningCpuMsPerIdentity.toFixed(2)} in the provisioning process)`}`,
        n(row.raw.perSecond),
        `${ratio.toFixed(2)}×`,
        `${met(row.perSecond >= 1000, '≥ 1,000/s')}; ${met(ratio >= 0.5, '≥ 0.5×')}`,
        row.loadAverage.toFixed(1),
      ];
    }),
  );
  const phases = markdownTable(
    ['CPU ms per identity', ...PHASES, 'total'],
    rows.map((row) => [name(row), ...PHASES.map((p) => row.phases[p].toFixed(3)), row.cpuMsPerIdentity.toFixed(2)]),
  );
  const profiles = rows.flatMap((row) => (row.profile ? [`profile (${row.shape}, engine process): ${row.profile}`] : []));
  return `${table}\n\n${phases}${profiles.length ? `\n\n${profiles.join('\n')}\n(node --import tsx bench/summarise-profile.ts FILE 30)` : ''}`;
}

// `node --import tsx bench/hr-wave-bench.ts [count] [concurrency] [one|separate]`: this part alone, both shapes unless
// one is named (`separate`: the engine + provisioning process shape).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 10_000);
  const concurrency = Number(process.argv[3] ?? 16);
  const only = process.argv[4];
  const shapes = only === 'one' ? (['one process'] as const) : only === 'separate' || only === 'two' ? (['engine + provisioning process'] as const) : undefined;
  const rows = await runHrWaveBench({ count, concurrency, repeat: 1, ...(shapes && { shapes }), log: (l) => console.error(l) });
  console.log(hrWaveTable(rows));
}
