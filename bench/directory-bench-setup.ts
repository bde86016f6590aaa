/**
 * What the benchmarks that provision to slapd share (the provisioning row and the HR wave): a repository on an
 * SQLite file holding the bench's workflow, the `directory` LDAP connector and its resource; a provisioning worker
 * with its connections opened and bound before the clock starts (as the bare-ldapts baseline's are); a
 * provisioning-only `idflow worker --no-instances` in a process of its own for the two-process shape; and the CPU a
 * process has used, read from /proc.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadDefinitionFiles } from '../src/definition/load.js';
import type { BirthrightRule } from '../src/identity/birthright.js';
import { repositoryConnectors } from '../src/provisioning/connector-source.js';
import { ProvisioningWorker } from '../src/provisioning/provisioning-worker.js';
import { openRepository } from '../src/repository/open-repository.js';
import type { Repository } from '../src/repository/repository.js';
import type { SqliteRepository } from '../src/repository/sqlite/sqlite-repository.js';
import { SLAPD_ADMIN_DN, SLAPD_ADMIN_PASSWORD, SLAPD_PEOPLE, type Slapd } from '../test/support/slapd.js';

/**
 * How the bench connector's creates look before they create (docs/decisions/ldap-look-before-create.md): `dn`, the
 * add itself (one round trip), as a deployment whose people OU only idflow writes configures it; the bench's OU is
 * such a one. IDFLOW_BENCH_LOOKUP=search measures the default (a search, then the add).
 */
export const BENCH_LOOKUP: 'dn' | 'search' = process.env['IDFLOW_BENCH_LOOKUP'] === 'search' ? 'search' : 'dn';

/** The environment variable the bench connector's password is read from (never the repository). */
export const PASSWORD_ENV = 'IDFLOW_BENCH_LDAP_PASSWORD';
const IDFLOW = fileURLToPath(new URL('../bin/idflow.js', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface DirectoryBench {
  readonly repository: Repository;
  readonly connectors: ReturnType<typeof repositoryConnectors>;
  /** The in-process provisioning worker (the one-process shape runs it). */
  readonly provisioning: ProvisioningWorker;
}

/**
 * Opens `db`, stores the workflow of `fixture`, the `directory` connector to `slapd` (pool of at most 8) and its
 * resource (granted to everyone when `birthright` is given), and binds `concurrency` connections.
 */
export async function openDirectoryBench(
  slapd: Slapd,
  db: string,
  fixture: string,
  concurrency: number,
  birthright?: BirthrightRule,
): Promise<DirectoryBench> {
  const repository = await openRepository({ db, env: {} });
  const loaded = await loadDefinitionFiles([fixture]);
  if (!loaded.ok) throw new Error(`the bench fixture does not load: ${JSON.stringify(loaded.diagnostics)}`);
  await repository.objects.putMany([
    ...loaded.objects,
    {
      object: {
        type: 'Connector',
        dialect: 'idflow',
        name: 'directory',
        kind: 'ldap',
        settings: { url: slapd.url, bindDn: SLAPD_ADMIN_DN, passwordEnv: PASSWORD_ENV, peopleBase: SLAPD_PEOPLE, poolSize: String(Math.min(concurrency, 8)), lookup: BENCH_LOOKUP },
        location: { file: 'bench', line: 1, column: 1 },
      },
      xml: '<Connector name="directory" kind="ldap"/>',
      file: 'bench',
    },
  ]);
  const now = Date.now();
  await repository.identities.putResource({
    id: 'res-directory', kind: 'application', name: 'directory', nameKey: 'directory', displayName: 'Directory', description: null,
    connector: 'directory', targetKey: null, owners: [], ...(birthright !== undefined && { birthright }), createdAt: now, updatedAt: now,
  });
  const connectors = repositoryConnectors(repository.objects, { env: { [PASSWORD_ENV]: SLAPD_ADMIN_PASSWORD } });
  const provisioning = new ProvisioningWorker({ repository, connectors, workerId: 'bench-provisioning', parallel: concurrency, batchSize: 200, idleMs: 20 });
  // Connections opened and bound before the clock starts, as for the baseline.
  const connector = await connectors.connector('directory');
  await Promise.all(Array.from({ length: concurrency }, () => connector.check(new AbortController().signal)));
  return { repository, connectors, provisioning };
}

/**
 * What is left of a run's provisioning, read from the partial index of unfinished orders (nothing once they are
 * done) and the listing index's `error` prefix: a poll that costs next to nothing, unlike a count of every order.
 */
export function orderProgress(repository: Repository): { unfinished(): number; failed(): number } {
  const db = (repository as SqliteRepository).db;
  const unfinished = db.prepare(`SELECT COUNT(*) FROM provisioning_orders INDEXED BY provisioning_orders_due WHERE state IN ('pending', 'transmitted')`).pluck();
  const failed = db.prepare(`SELECT COUNT(*) FROM provisioning_orders WHERE state = 'error'`).pluck();
  return { unfinished: () => unfinished.get() as number, failed: () => failed.get() as number };
}

/** CPU ms (user + system, or one of them) a process of this machine has used so far, from /proc (Linux); NaN elsewhere. */
export function processCpuMs(pid: number, which: 'both' | 'user' | 'system' = 'both'): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime: fields 14 and 15 of stat(5), in clock ticks (USER_HZ, 100 on Linux).
    const user = which === 'system' ? 0 : Number(fields[11]);
    const system = which === 'user' ? 0 : Number(fields[12]);
    return ((user + system) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * `idflow worker --no-instances` on the bench's database: a provisioning-only worker in a process of its own (the
 * deployment's two-process shape), ready once it said `started`.
 */
export async function provisioningProcess(
  db: string,
  concurrency: number,
  /** Node options for the child (`--cpu-prof`, …), from IDFLOW_BENCH_CHILD_NODE_OPTIONS when not given. */
  nodeArgs: readonly string[] = (process.env['IDFLOW_BENCH_CHILD_NODE_OPTIONS'] ?? '').split(' ').filter(Boolean),
): Promise<{ readonly pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [...nodeArgs, IDFLOW, '--db', db, 'worker', '--no-instances', '--provisioning-parallel', String(concurrency), '--json'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, [PASSWORD_ENV]: SLAPD_ADMIN_PASSWORD },
  });
  child.stdout!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const onData = (chunk: string): void => {
      seen += chunk;
      if (!seen.includes('"event":"started"')) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      resolve();
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`idflow worker --no-instances exited (${code}) before it started`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
