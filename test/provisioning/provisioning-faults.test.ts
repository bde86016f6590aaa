/**
 * The provisioning fault tests of issue 8, against a real OpenLDAP slapd (test/support/slapd.ts):
 * - provisioning workers in processes of their own, one SIGKILLed at random moments during 1,000 orders (and
 *   replaced): every LDAP entry is present exactly once, every order executed;
 * - slapd stopped for 30 s in the middle of 1,000 orders: the orders are delayed (retried with backoff), none is
 *   lost or failed.
 * On an SQLite file and on PostgreSQL (the contract suite's server).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { repositoryConnectors } from '../../src/provisioning/connector-source.js';
import type { NewProvisioningOrder } from '../../src/provisioning/provisioning-order.js';
import { ProvisioningWorker } from '../../src/provisioning/provisioning-worker.js';
import { openRepository } from '../../src/repository/open-repository.js';
import type { Repository } from '../../src/repository/repository.js';
import { DATABASES } from '../repository/repository-factory.js';
import { SLAPD_ADMIN_DN, SLAPD_ADMIN_PASSWORD, SLAPD_GROUPS, SLAPD_PEOPLE, startSlapd, type Slapd } from '../support/slapd.js';

const ORDERS = 1000;
const PROCESS = fileURLToPath(new URL('./fixtures/provisioning-worker-process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PASSWORD_ENV = 'IDFLOW_FAULT_LDAP_PASSWORD';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface WorkerChild {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly err: () => string;
}

function startWorker(database: string, leaseMs: number): WorkerChild {
  const child = spawn(process.execPath, ['--import', 'tsx', PROCESS, database, String(leaseMs)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, [PASSWORD_ENV]: SLAPD_ADMIN_PASSWORD },
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.startsWith('ready\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the worker exited (${code}) before it was ready: ${err}`)));
  });
  ready.catch(() => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, ready, exited, err: () => err };
}

function orders(prefix: string): NewProvisioningOrder[] {
  return Array.from({ length: ORDERS }, (_, k) => {
    const login = `${prefix}${String(k).padStart(4, '0')}`;
    return {
      id: `${prefix}-order-${k}`,
      identityId: login,
      connector: 'directory',
      operation: 'create' as const,
      payload: { attributes: { login, firstName: 'Test', lastName: `User ${k}`, email: `${login}@example.org` } },
      idempotencyKey: `${prefix}-key-${k}`,
      createdAt: Date.now(),
    };
  });
}

async function addConnector(repository: Repository, slapd: Slapd): Promise<void> {
  await repository.objects.putMany([
    {
      object: {
        type: 'Connector',
        dialect: 'idflow',
        name: 'directory',
        kind: 'ldap',
        settings: { url: slapd.url, bindDn: SLAPD_ADMIN_DN, passwordEnv: PASSWORD_ENV, peopleBase: SLAPD_PEOPLE, groupBase: SLAPD_GROUPS },
        location: { file: 'directory.xml', line: 1, column: 1 },
      },
      xml: '<Connector name="directory" kind="ldap"/>',
      file: 'directory.xml',
    },
  ]);
}

/** The uid of every inetOrgPerson under ou=people whose uid starts with `prefix`, as slapd answers. */
function uids(slapd: Slapd, prefix: string): string[] {
  return slapd
    .search(`(&(objectClass=inetOrgPerson)(uid=${prefix}*))`, ['uid'], SLAPD_PEOPLE)
    .split('\n')
    .filter((l) => l.startsWith('uid: '))
    .map((l) => l.slice(5));
}

async function until(what: string, condition: () => Promise<boolean>, budget: number, pauseMs = 200): Promise<void> {
  for (let i = 0; i < budget; i++) {
    if (await condition()) return;
    await sleep(pauseMs);
  }
  assert.fail(`never happened within ${budget} looks: ${what}`);
}

for (const database of DATABASES) {
  describe(`${database.name}: provisioning faults against slapd`, () => {
    let slapd: Slapd;
    let dir: string;
    let location: { readonly db: string; dispose(): Promise<void> };
    let repository: Repository;

    before(async () => {
      slapd = await startSlapd();
      dir = mkdtempSync(join(tmpdir(), 'idflow-provisioning-faults-'));
      location = await database.location(dir);
      repository = await openRepository({ db: location.db, env: {} });
      await addConnector(repository, slapd);
    });
    after(async () => {
      await repository.close();
      await location.dispose();
      await slapd.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('leaves every LDAP entry present exactly once when workers are SIGKILLed at random during 1,000 orders', { timeout: 300_000 }, async (t) => {
      await repository.provisioning.enqueue(orders('kill'));
      const workers = [startWorker(location.db, 1500), startWorker(location.db, 1500)];
      await Promise.all(workers.map((w) => w.ready));
      let kills = 0;
      const executed = async (): Promise<number> => (await repository.provisioning.countByState()).executed ?? 0;
      try {
        // Kill one at a random moment while orders remain, and start another in its place, four times.
        while (kills < 4 && (await executed()) < ORDERS - 100) {
          await sleep(50 + Math.floor(Math.random() * 300));
          const k = Math.floor(Math.random() * workers.length);
          const victim = workers[k]!;
          victim.child.kill('SIGKILL');
          assert.equal((await victim.exited).signal, 'SIGKILL');
          kills++;
          workers[k] = startWorker(location.db, 1500);
          await workers[k]!.ready;
        }
        await until('every order executed', async () => (await executed()) === ORDERS, 1500);
      } finally {
        for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
        const ends = await Promise.all(workers.map((w) => w.exited));
        for (const [k, end] of ends.entries()) if (end.signal !== 'SIGKILL') assert.equal(end.code, 0, workers[k]!.err());
      }
      const found = uids(slapd, 'kill');
      assert.equal(found.length, ORDERS, 'one entry per order');
      assert.equal(new Set(found).size, ORDERS, 'no login twice');
      const all = await repository.provisioning.list({ identityId: undefined });
      const mine = all.filter((o) => o.id.startsWith('kill-'));
      const adopted = mine.filter((o) => o.result?.outcome === 'adopted').length;
      const replayed = mine.filter((o) => o.attempts > 1).length;
      t.diagnostic(`kills ${kills}; orders claimed more than once ${replayed}; creates that found their entry already there ${adopted}`);
      assert.ok(kills >= 1, 'a worker was killed while orders remained');
      assert.deepEqual(await repository.provisioning.countByState(), { executed: ORDERS });
    });

    it('delays orders while slapd is stopped for 30 s and loses none', { timeout: 300_000 }, async (t) => {
      const connectors = repositoryConnectors(repository.objects, { env: { [PASSWORD_ENV]: SLAPD_ADMIN_PASSWORD } });
      const worker = new ProvisioningWorker({
        repository,
        connectors,
        workerId: 'outage-worker',
        batchSize: 50,
        parallel: 8,
        idleMs: 20,
        timeoutMs: 5000,
        backoff: { baseDelayMs: 500, maxDelayMs: 5000 },
      });
      const stop = new AbortController();
      let executedBefore = 0;
      let outage: { stopped: Promise<void>; restarted: Promise<void> } | undefined;
      const executed = async (): Promise<number> => (await repository.provisioning.list({ state: 'executed' })).filter((o) => o.id.startsWith('outage-')).length;
      await repository.provisioning.enqueue(orders('outage'));
      const running = worker.run(stop.signal, () => undefined);
      try {
        await until('some orders executed', async () => (await executed()) >= 200, 1500, 20);
        outage = slapd.stopFor(30_000);
        await outage.stopped;
        executedBefore = await executed();
        await outage.restarted;
        await until('every order executed after slapd came back', async () => (await executed()) === ORDERS, 1500);
      } finally {
        stop.abort();
        await running;
        await connectors.close();
      }
      const mine = (await repository.provisioning.list()).filter((o) => o.id.startsWith('outage-'));
      const retried = mine.filter((o) => o.attempts > 1);
      t.diagnostic(`executed before the outage ${executedBefore}; orders retried ${retried.length}; most attempts ${Math.max(...mine.map((o) => o.attempts))}`);
      assert.ok(executedBefore < ORDERS, 'slapd stopped while orders remained');
      assert.ok(retried.length > 0, 'orders were delayed: tried again after the outage');
      assert.deepEqual(mine.filter((o) => o.state !== 'executed').map((o) => o.id), [], 'none lost, none failed');
      const found = uids(slapd, 'outage');
      assert.equal(found.length, ORDERS);
      assert.equal(new Set(found).size, ORDERS);
    });
  });
}
