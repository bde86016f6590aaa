/**
 * The worker fleet (issue 7): three worker processes share one database over 5,000 instances, automatic ones and
 * ones waiting on a work item that a fourth process decides meanwhile; one worker is SIGKILLed midway. In the end
 * every instance finished, the side-effect ledger holds each step's key exactly once, and no process wrote anything
 * on stderr (an unhandled error) or exited other than cleanly.
 *
 * On SQLite the processes share one file. On PostgreSQL they share a throwaway server the test starts itself
 * (never the shared development server), which it also restarts once midway (`pg_ctl restart -m fast`): every
 * connection drops, and the workers must ride it out without failing an instance. The PostgreSQL case is skipped
 * when the PostgreSQL server binaries or the PostgreSQL store are missing.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, type TestContext } from 'node:test';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import { openEngine } from '../../src/engine/engine.js';
import { openRepository } from '../../src/repository/open-repository.js';
import type { Repository } from '../../src/repository/repository.js';
import { engineFixture } from './runtime-harness.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres.js';

const AUTOMATIC = 2500;
const WITH_WORK_ITEM = 2500;
const INSTANCES = AUTOMATIC + WITH_WORK_ITEM;
const PROCESS = fileURLToPath(new URL('./fixtures/fleet-process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Child {
  readonly name: string;
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly out: () => string;
  readonly err: () => string;
}

function start(name: string, role: 'worker' | 'decider', database: string, log: string): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', PROCESS, role, database, log], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.startsWith('ready\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready: ${stderr}`)));
  });
  ready.catch(() => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { name, child, ready, exited, out: () => stdout, err: () => stderr };
}

/** The JSON lines a process printed after `ready`. */
function events(c: Child): { event: string; [k: string]: unknown }[] {
  return c
    .out()
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { event: string });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Where the fleet runs: an SQLite file in the test's temp dir, or a PostgreSQL database (with a restart). */
interface Target {
  readonly database?: string;
  readonly repository?: Repository;
  readonly restart?: () => void;
}

async function runFleet(t: TestContext, target: Target): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'idflow-fleet-'));
    const log = join(dir, 'calls.log');
    const db = target.database ?? join(dir, 'fleet.db');
    const repository = target.repository ?? (await openRepository({ db }));
    const children: Child[] = [];
    try {
      const loaded = await loadDefinitionFiles([engineFixture('durability.xml'), engineFixture('fleet.xml')]);
      assert.equal(loaded.ok, true, JSON.stringify(loaded.diagnostics));
      await repository.objects.putMany(loaded.objects);
      const engine = await openEngine({ repository });
      for (let n = 0; n < INSTANCES; n++) {
        await engine.launch({ definition: n % 2 === 0 ? 'Durable Chain' : 'Fleet Approval', launcher: 'loader', variables: { n } });
      }
      await engine.close();
      const finished = async (): Promise<number> => (await repository.runtime.listInstances({ state: 'finished' })).length;

      const workers = [0, 1, 2].map((k) => start(`worker ${k}`, 'worker', db, log));
      const decider = start('decider', 'decider', db, log);
      children.push(...workers, decider);
      await Promise.all(children.map((c) => c.ready));

      // Midway: the victim has claimed work and the fleet has finished some but far from all.
      const victim = workers[1]!;
      for (let i = 0; i < 3000; i++) {
        const done = await finished();
        if (done >= INSTANCES / 5 && events(victim).some((e) => e.event === 'report' && Number(e['claimed']) > 0)) break;
        await sleep(20);
      }
      const atKill = await finished();
      victim.child.kill('SIGKILL');
      assert.equal((await victim.exited).signal, 'SIGKILL');
      assert.ok(atKill < INSTANCES, `killed midway (${atKill} of ${INSTANCES} finished)`);
      let atRestart: number | undefined;
      if (target.restart) {
        for (let i = 0; i < 3000 && (await finished()) < atKill + INSTANCES / 5; i++) await sleep(20);
        atRestart = await finished();
        target.restart();
        assert.ok(atRestart < INSTANCES, `restarted midway (${atRestart} of ${INSTANCES} finished)`);
      }

      for (let i = 0; i < 6000 && (await finished()) < INSTANCES; i++) await sleep(50);
      const survivors = [workers[0]!, workers[2]!, decider];
      for (const c of survivors) c.child.kill('SIGTERM');
      for (const c of survivors) assert.deepEqual(await c.exited, { code: 0, signal: null }, `${c.name} stops cleanly on SIGTERM: ${c.err()}`);

      for (const c of children) assert.equal(c.err(), '', `${c.name} wrote nothing on stderr`);
      for (const c of [workers[0]!, workers[2]!]) {
        const kinds = events(c).map((e) => e.event);
        assert.equal(kinds[0], 'started');
        assert.equal(kinds.at(-1), 'stopped');
      }
      const reports = workers.flatMap((w) => events(w).filter((e) => e.event === 'report'));
      const sum = (key: string): number => reports.reduce((n, r) => n + Number(r[key] ?? 0), 0);
      assert.equal(sum('failed'), 0, 'no instance failed');
      assert.ok(sum('claimed') >= AUTOMATIC + WITH_WORK_ITEM, 'every instance was claimed at least once');

      const all = await repository.runtime.listInstances();
      assert.equal(all.length, INSTANCES);
      assert.deepEqual(
        all.filter((i) => i.state !== 'finished' || i.result?.outcome !== 'completed').map((i) => `${i.id} ${i.state} ${i.result?.errors.join(' ')}`),
        [],
        'every instance finished',
      );
      assert.ok(all.every((i) => i.leaseOwner === null), 'no lease is left');

      const ledger = await repository.runtime.listSideEffects();
      assert.equal(ledger.length, INSTANCES * 2, 'two ledger rows per instance');
      assert.equal(new Set(ledger.map((r) => r.key)).size, ledger.length, 'no side-effect key twice');
      const byInstance = new Map<string, string[]>();
      for (const row of ledger) byInstance.set(row.instanceId, [...(byInstance.get(row.instanceId) ?? []), String(row.data['what'])]);
      for (const i of all) {
        const n = String(i.variables['n']);
        const expected = i.definitionName === 'Durable Chain' ? [`create account ${n}`, `grant access ${n}`] : [`apply ${n}`, `request ${n}`];
        assert.deepEqual(byInstance.get(i.id)?.sort(), expected, `instance ${n}'s side effects`);
      }
      // The operations ran at least once per step; more where the killed worker's batch was replayed.
      const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').length : 0;
      assert.ok(calls >= INSTANCES * 2, `the operation ran ${calls} times`);
      t.diagnostic(`finished at the kill: ${atKill}${atRestart === undefined ? '' : `, at the restart: ${atRestart}`}; claims ${sum('claimed')}, rounds retried ${sum('retried')}, leases lost ${sum('lost')}, operation calls ${calls}`);
    } finally {
      for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
      if (!target.repository) await repository.close();
      rmSync(dir, { recursive: true, force: true });
    }
}

describe('a fleet of workers on one database', () => {
  it('finishes 5,000 instances across three workers on one SQLite file, one SIGKILLed midway, with each side effect once and no unhandled error', { timeout: 300_000 }, async (t) => {
    await runFleet(t, {});
  });

  it('finishes 5,000 instances across three workers on PostgreSQL, one SIGKILLed and the server restarted midway, with each side effect once and no unhandled error', { timeout: 600_000 }, async (t) => {
    let server: ThrowawayPostgres | undefined;
    let repository: Repository | undefined;
    try {
      server = await startThrowawayPostgres();
      if (!server) return t.skip('no PostgreSQL server binaries (pg_config --bindir)');
      server.createDatabase('fleet_test');
      const url = server.url('fleet_test');
      try {
        repository = await openRepository({ url });
      } catch (e) {
        if ((e as { code?: unknown }).code === 'REPO_POSTGRES_NOT_YET') return t.skip('the PostgreSQL store is not in this build');
        throw e;
      }
      const s = server;
      await runFleet(t, { database: url, repository, restart: () => s.restart() });
    } finally {
      await repository?.close();
      server?.stop();
    }
  });
});
