/**
 * The `provisioning` row of `npm run bench` (`--only provisioning`): identities persisted and provisioned to slapd
 * per second, end to end, beside slapd's own add rate through bare ldapts at the same concurrency, in the same run
 * against the same throwaway slapd. Target: at least 0.5× slapd's rate (issue 8).
 *
 * End to end: `count` async launches of a one-step process that persists a joiner's change set (Netwrix Persist on
 * the identity store, which writes the identity, its assignment of the `directory` resource, its account and the
 * `create` order, in the step's commit); an engine worker advances them while a provisioning worker (`parallel` =
 * the concurrency) claims the orders and creates the entries through the LDAP connector (look before create). The
 * clock runs from the first launch until the last order is executed. On an SQLite file, one process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDefinitionFiles } from '../src/definition/load.js';
import { openEngine } from '../src/engine/engine.js';
import { repositoryConnectors } from '../src/provisioning/connector-source.js';
import { ProvisioningWorker } from '../src/provisioning/provisioning-worker.js';
import { openRepository } from '../src/repository/open-repository.js';
import { SLAPD_ADMIN_DN, SLAPD_ADMIN_PASSWORD, SLAPD_PEOPLE, startSlapd, type Slapd } from '../test/support/slapd.js';
import { slapdAddRate, type LdapRate } from './ldap-baseline.js';
import { markdownTable } from './report.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/persist-and-provision.xml', import.meta.url));
const PASSWORD_ENV = 'IDFLOW_BENCH_LDAP_PASSWORD';
const PROCESS = fileURLToPath(new URL('../test/provisioning/fixtures/provisioning-worker-process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ProvisioningBenchRow {
  readonly identities: number;
  readonly concurrency: number;
  readonly seconds: number;
  /** Identities persisted and provisioned per second, end to end. */
  readonly perSecond: number;
  /** Of which: until every instance had persisted (its orders committed). */
  readonly persistedSeconds: number;
  /**
   * CPU milliseconds (user + system) this process spent per identity, end to end: what the figure costs whatever
   * else the machine runs (slapd's own CPU not included).
   */
  readonly cpuMsPerIdentity: number;
  /** slapd through bare ldapts at the same concurrency. */
  readonly raw: LdapRate;
}

/** A provisioning worker in a process of its own (the fault tests' worker process), ready to claim. */
async function provisioningProcess(db: string, concurrency: number): Promise<{ stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', PROCESS, db, '60000', String(concurrency)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, IDFLOW_FAULT_LDAP_PASSWORD: SLAPD_ADMIN_PASSWORD, [PASSWORD_ENV]: SLAPD_ADMIN_PASSWORD },
  });
  child.stdout!.resume();
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the provisioning process exited (${code}) before it was ready`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function endToEnd(slapd: Slapd, dir: string, count: number, concurrency: number, prefix: string, separate = false): Promise<Omit<ProvisioningBenchRow, 'raw'>> {
  const repository = await openRepository({ db: join(dir, `${prefix}.db`), env: {} });
  const loaded = await loadDefinitionFiles([FIXTURE]);
  if (!loaded.ok) throw new Error(`the bench fixture does not load: ${JSON.stringify(loaded.diagnostics)}`);
  await repository.objects.putMany([
    ...loaded.objects,
    {
      object: {
        type: 'Connector',
        dialect: 'idflow',
        name: 'directory',
        kind: 'ldap',
        settings: { url: slapd.url, bindDn: SLAPD_ADMIN_DN, passwordEnv: PASSWORD_ENV, peopleBase: SLAPD_PEOPLE, poolSize: String(Math.min(concurrency, 8)) },
        location: { file: 'bench', line: 1, column: 1 },
      },
      xml: '<Connector name="directory" kind="ldap"/>',
      file: 'bench',
    },
  ]);
  const now = Date.now();
  await repository.identities.putResource({
    id: 'res-directory', kind: 'application', name: 'directory', nameKey: 'directory', displayName: 'Directory', description: null,
    connector: 'directory', targetKey: null, owners: [], createdAt: now, updatedAt: now,
  });
  const engine = await openEngine({ repository, workerId: 'bench-engine', idleMs: 20 });
  const connectors = repositoryConnectors(repository.objects, { env: { [PASSWORD_ENV]: SLAPD_ADMIN_PASSWORD } });
  const provisioning = new ProvisioningWorker({ repository, connectors, workerId: 'bench-provisioning', parallel: concurrency, batchSize: 200, idleMs: 20 });
  // Connections opened and bound before the clock starts, as for the baseline.
  const connector = await connectors.connector('directory');
  await Promise.all(Array.from({ length: concurrency }, () => connector.check(new AbortController().signal)));
  const other = separate ? await provisioningProcess(join(dir, `${prefix}.db`), concurrency) : undefined;
  const stop = new AbortController();
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  let persistedAt: bigint | undefined;
  const workers = Promise.all([engine.runWorker(stop.signal, { concurrency: 1 }), other ? Promise.resolve() : provisioning.run(stop.signal)]);
  try {
    for (let i = 0; i < count; i++) {
      const login = `${prefix}-${i}`;
      await engine.launch({
        definition: 'Bench Persist',
        launcher: 'hr-feed',
        variables: { changes: { Login: login, FirstName: 'Bench', LastName: `Person ${i}`, Email: `${login}@example.org`, Resources: { Add: ['directory'] } } },
      });
    }
    for (;;) {
      const states = await repository.provisioning.countByState();
      const total = Object.values(states).reduce((a, b) => a + (b ?? 0), 0);
      if (persistedAt === undefined && total >= count) persistedAt = process.hrtime.bigint();
      if ((states.executed ?? 0) >= count) break;
      if ((states.error ?? 0) > 0) throw new Error(`provisioning orders failed: ${JSON.stringify(await repository.provisioning.list({ state: 'error', limit: 3 }))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    return {
      identities: count,
      concurrency,
      seconds,
      perSecond: count / seconds,
      persistedSeconds: Number((persistedAt ?? started) - started) / 1e9,
      // With a provisioning process, only this (the engine's) process is counted: not comparable, so not given.
      cpuMsPerIdentity: separate ? Number.NaN : (used.user + used.system) / 1000 / count,
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
  /** The provisioning worker in a process of its own (a deployment's shape: it gets a core of its own). */
  separate?: boolean;
  log: (line: string) => void;
}): Promise<ProvisioningBenchRow> {
  const slapd = await startSlapd();
  const dir = mkdtempSync(join(tmpdir(), 'idflow-provisioning-bench-'));
  try {
    let raw: LdapRate | undefined;
    let best: Omit<ProvisioningBenchRow, 'raw'> | undefined;
    for (let k = 1; k <= options.repeat; k++) {
      options.log(`· provisioning run ${k}/${options.repeat}: ${options.count} identities persisted and provisioned, then ${options.count} adds through ldapts (concurrency ${options.concurrency})`);
      best = better(best, await endToEnd(slapd, dir, options.count, options.concurrency, `e2e-r${k}`, options.separate ?? false));
      raw = better(raw, await slapdAddRate({ url: slapd.url, bindDn: SLAPD_ADMIN_DN, password: SLAPD_ADMIN_PASSWORD, base: SLAPD_PEOPLE }, { count: options.count, concurrency: options.concurrency, prefix: `raw-r${k}` }));
    }
    return { ...best!, raw: raw! };
  } finally {
    await slapd.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function provisioningTable(row: ProvisioningBenchRow): string {
  const n = (x: number): string => Math.round(x).toLocaleString('en-US');
  return markdownTable(
    ['row', 'identities', 'concurrency', 'persisted + provisioned/s', 'of which persisted by', 'CPU per identity', 'slapd adds/s (bare ldapts)', 'ratio', 'target'],
    [[
      'provisioning',
      n(row.identities),
      String(row.concurrency),
      n(row.perSecond),
      `${row.persistedSeconds.toFixed(1)} s of ${row.seconds.toFixed(1)} s`,
      Number.isNaN(row.cpuMsPerIdentity) ? '– (two processes)' : `${row.cpuMsPerIdentity.toFixed(2)} ms`,
      n(row.raw.perSecond),
      `${(row.perSecond / row.raw.perSecond).toFixed(2)}×`,
      row.perSecond >= 0.5 * row.raw.perSecond ? '≥ 0.5× met' : '≥ 0.5× MISSED',
    ]],
  );
}

// `node --import tsx bench/provisioning-bench.ts [count] [concurrency]`: this row alone.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 10_000);
  const concurrency = Number(process.argv[3] ?? 16);
  const separate = process.argv[4] === 'separate';
  const row = await runProvisioningBench({ count, concurrency, repeat: 1, separate, log: (l) => console.error(l) });
  console.log(provisioningTable(row));
}
