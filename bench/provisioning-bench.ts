/**
 * The `provisioning` row of `npm run bench` (`--only provisioning`): identities persisted and provisioned to slapd
 * per second, end to end, beside slapd's own add rate through bare ldapts at the same concurrency, in the same run
 * against the same throwaway slapd. Target: at least 0.5× slapd's rate (issue 8).
 *
 * End to end: `count` async launches of a one-step process that persists a joiner's change set (Netwrix Persist on
 * the identity store, which writes the identity, its assignment of the `directory` resource, its account and the
 * `create` order, in the step's commit); an engine worker advances them while a provisioning worker (`parallel` =
 * the concurrency) claims the orders and creates the entries through the LDAP connector (look before create). The
 * clock runs from the first launch until the last order is executed. On an SQLite file, in two shapes: one process
 * (the provisioning worker beside the engine's), and two (the provisioning worker in an `idflow worker
 * --no-instances` process of its own, as a deployment runs it beside a `--no-provisioning` worker).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openEngine } from '../src/engine/engine.js';
import type { SqliteRepository } from '../src/repository/sqlite/sqlite-repository.js';
import { SLAPD_ADMIN_DN, SLAPD_ADMIN_PASSWORD, SLAPD_PEOPLE, startSlapd, type Slapd } from '../test/support/slapd.js';
import { openDirectoryBench, orderProgress, processCpuMs, provisioningProcess } from './directory-bench-setup.js';
import { slapdAddRate, type LdapRate } from './ldap-baseline.js';
import { markdownTable } from './report.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/persist-and-provision.xml', import.meta.url));
/** Launches per `engine.launchMany` (the HR launcher's batch size). */
const LAUNCH_BATCH = 500;

export interface ProvisioningBenchRow {
  /** `one process`: the provisioning worker beside the engine's; `two processes`: in `idflow worker --no-instances`. */
  readonly shape: 'one process' | 'two processes';
  readonly identities: number;
  readonly concurrency: number;
  readonly seconds: number;
  /** Identities persisted and provisioned per second, end to end. */
  readonly perSecond: number;
  /** Of which: until every instance had persisted (its orders committed). */
  readonly persistedSeconds: number;
  /**
   * CPU milliseconds (user + system) idflow spent per identity, end to end (both processes in the two-process
   * shape): what the figure costs whatever else the machine runs (slapd's own CPU not included).
   */
  readonly cpuMsPerIdentity: number;
  /** Of which the provisioning process (two-process shape only). */
  readonly provisioningCpuMsPerIdentity?: number;
  /** slapd through bare ldapts at the same concurrency. */
  readonly raw: LdapRate;
}

/** One end-to-end run (also bench/profile-provisioning.ts). */
export async function endToEnd(slapd: Slapd, dir: string, count: number, concurrency: number, prefix: string, separate = false): Promise<Omit<ProvisioningBenchRow, 'raw'>> {
  const { repository, connectors, provisioning } = await openDirectoryBench(slapd, join(dir, `${prefix}.db`), FIXTURE, concurrency);
  const engine = await openEngine({ repository, workerId: 'bench-engine', idleMs: 20 });
  const other = separate ? await provisioningProcess(join(dir, `${prefix}.db`), concurrency) : undefined;
  // Progress from the partial indexes, not from a count of every order at every poll: what is left to persist
  // (live instances: the process deletes its own when it ends) and to execute (unfinished orders).
  const live = (repository as SqliteRepository).db.prepare('SELECT COUNT(*) FROM task_instances').pluck();
  const progress = orderProgress(repository);
  const stop = new AbortController();
  const otherCpu = other ? processCpuMs(other.pid) : 0;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  let persistedAt: bigint | undefined;
  const workers = Promise.all([engine.runWorker(stop.signal, { concurrency: 1 }), other ? Promise.resolve() : provisioning.run(stop.signal)]);
  try {
    // Batched launches, each batch launched and advanced to its end (the Persist) in a few commits, as the HR
    // launcher does (docs/decisions/batched-launches.md): the persist phase is not one launch commit per identity.
    for (let at = 0; at < count; at += LAUNCH_BATCH) {
      const requests = Array.from({ length: Math.min(LAUNCH_BATCH, count - at) }, (_, k) => {
        const i = at + k;
        const login = `${prefix}-${i}`;
        return {
          definition: 'Bench Persist',
          launcher: 'hr-feed',
          variables: { changes: { Login: login, FirstName: 'Bench', LastName: `Person ${i}`, Email: `${login}@example.org`, Resources: { Add: ['directory'] } } },
        };
      });
      const results = await engine.launchMany(requests, { advance: true });
      const refused = results.flatMap((r) => (r.ok ? [] : [r.error.message]));
      if (refused.length > 0) throw new Error(`launches refused: ${JSON.stringify(refused.slice(0, 3))}`);
    }
    for (;;) {
      const persisted = persistedAt !== undefined || (live.get() as number) === 0;
      if (persisted) persistedAt ??= process.hrtime.bigint();
      if (persisted && progress.unfinished() === 0) break;
      if (progress.failed() > 0) throw new Error(`provisioning orders failed: ${JSON.stringify(await repository.provisioning.list({ state: 'error', limit: 3 }))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    const provisioningCpu = other ? processCpuMs(other.pid) - otherCpu : 0;
    const executed = (await repository.provisioning.countByState()).executed ?? 0;
    if (executed !== count) throw new Error(`${executed} orders executed, not ${count}`);
    return {
      shape: separate ? 'two processes' : 'one process',
      identities: count,
      concurrency,
      seconds,
      perSecond: count / seconds,
      persistedSeconds: Number((persistedAt ?? started) - started) / 1e9,
      cpuMsPerIdentity: ((used.user + used.system) / 1000 + provisioningCpu) / count,
      ...(other && { provisioningCpuMsPerIdentity: provisioningCpu / count }),
    };
  } finally {
    stop.abort();
    await workers;
    await other?.stop();
    await connectors.close();
    await engine.close();
    await repository.close();
  }
}

const better = <T extends { perSecond: number }>(a: T | undefined, b: T): T => (!a || b.perSecond > a.perSecond ? b : a);

export async function runProvisioningBench(options: {
  count: number;
  concurrency: number;
  repeat: number;
  /** Which shapes to run. @default both */
  shapes?: readonly ('one process' | 'two processes')[];
  log: (line: string) => void;
}): Promise<ProvisioningBenchRow[]> {
  const shapes = options.shapes ?? ['one process', 'two processes'];
  const slapd = await startSlapd();
  const dir = mkdtempSync(join(tmpdir(), 'idflow-provisioning-bench-'));
  try {
    let raw: LdapRate | undefined;
    const best = new Map<string, Omit<ProvisioningBenchRow, 'raw'>>();
    for (let k = 1; k <= options.repeat; k++) {
      for (const shape of shapes) {
        options.log(`· provisioning run ${k}/${options.repeat}, ${shape}: ${options.count} identities persisted and provisioned (concurrency ${options.concurrency})`);
        best.set(shape, better(best.get(shape), await endToEnd(slapd, dir, options.count, options.concurrency, `e2e-${shape === 'one process' ? 1 : 2}-r${k}`, shape === 'two processes')));
      }
      // slapd's own rate in the same run, between the end-to-end runs of this round and the next.
      options.log(`· provisioning run ${k}/${options.repeat}: ${options.count} adds through bare ldapts (concurrency ${options.concurrency})`);
      raw = better(raw, await slapdAddRate({ url: slapd.url, bindDn: SLAPD_ADMIN_DN, password: SLAPD_ADMIN_PASSWORD, base: SLAPD_PEOPLE }, { count: options.count, concurrency: options.concurrency, prefix: `raw-r${k}` }));
    }
    return shapes.map((shape) => ({ ...best.get(shape)!, raw: raw! }));
  } finally {
    await slapd.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function provisioningTable(rows: readonly ProvisioningBenchRow[]): string {
  const n = (x: number): string => Math.round(x).toLocaleString('en-US');
  return markdownTable(
    ['row', 'shape', 'identities', 'concurrency', 'persisted + provisioned/s', 'of which persisted by', 'CPU per identity', 'slapd adds/s (bare ldapts)', 'ratio', 'target'],
    rows.map((row) => [
      'provisioning',
      // The targets apply to the two-process row: the deployment that reaches them on SQLite (docs/workers.md).
      row.shape === 'two processes' ? 'two processes (targets)' : row.shape,
      n(row.identities),
      String(row.concurrency),
      n(row.perSecond),
      `${row.persistedSeconds.toFixed(1)} s of ${row.seconds.toFixed(1)} s`,
      `${row.cpuMsPerIdentity.toFixed(2)} ms${row.provisioningCpuMsPerIdentity === undefined ? '' : ` (${row.provisioningCpuMsPerIdentity.toFixed(2)} in the provisioning process)`}`,
      n(row.raw.perSecond),
      `${(row.perSecond / row.raw.perSecond).toFixed(2)}×`,
      row.perSecond >= 0.5 * row.raw.perSecond ? '≥ 0.5× met' : '≥ 0.5× MISSED',
    ]),
  );
}

// `node --import tsx bench/provisioning-bench.ts [count] [concurrency] [one|two]`: these rows alone (both shapes
// unless one is named).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 10_000);
  const concurrency = Number(process.argv[3] ?? 16);
  const only = process.argv[4];
  const shapes = only === 'one' ? (['one process'] as const) : only === 'two' ? (['two processes'] as const) : undefined;
  const rows = await runProvisioningBench({ count, concurrency, repeat: 1, ...(shapes && { shapes }), log: (l) => console.error(l) });
  console.log(provisioningTable(rows));
}
