/**
 * Durability: 1,000 async instances, a worker process SIGKILLed at random moments and restarted, and in the end
 * every instance finished with exactly one ledger row per instance and side-effect step.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import { openEngine } from '../../src/engine/engine.js';
import { openRepository } from '../../src/repository/open-repository.js';
import { engineFixture } from './runtime-harness.js';

const INSTANCES = 1000;
const KILLS = 5;
const WORKER = fileURLToPath(new URL('./fixtures/durability-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function startWorker(db: string, log: string): { child: ChildProcess; ready: Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, db, log], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, ready, exited };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('durability', () => {
  it('finishes every instance exactly once across worker kills, with one ledger row per instance and step', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idflow-durability-'));
    const db = join(dir, 'durable.db');
    const log = join(dir, 'calls.log');
    const repository = await openRepository({ db });
    try {
      const loaded = await loadDefinitionFiles([engineFixture('durability.xml')]);
      assert.equal(loaded.ok, true, JSON.stringify(loaded.diagnostics));
      await repository.objects.putMany(loaded.objects);
      const engine = await openEngine({ repository });
      for (let n = 0; n < INSTANCES; n++) {
        await engine.launch({ definition: 'Durable Chain', launcher: 'loader', variables: { n } });
      }
      const finished = async (): Promise<number> => (await repository.runtime.listInstances({ state: 'finished' })).length;

      let kills = 0;
      for (; kills < KILLS; kills++) {
        const w = startWorker(db, log);
        await w.ready;
        await sleep(30 + Math.floor(Math.random() * 120));
        w.child.kill('SIGKILL');
        await w.exited;
        if ((await finished()) === INSTANCES) break;
      }
      const last = startWorker(db, log);
      await last.ready;
      const deadline = Date.now() + 40_000;
      while ((await finished()) < INSTANCES && Date.now() < deadline) await sleep(50);
      last.child.kill('SIGTERM');
      assert.equal(await last.exited, 0, 'the worker stops cleanly on SIGTERM');

      assert.ok(kills >= 4, `the worker was killed ${kills} times while it still had work`);
      const all = await repository.runtime.listInstances();
      assert.equal(all.length, INSTANCES);
      assert.deepEqual(
        all.filter((i) => i.state !== 'finished' || i.result?.outcome !== 'completed').map((i) => `${i.id} ${i.state} ${JSON.stringify(i.result)}`),
        [],
        'every instance finished',
      );
      assert.ok(all.every((i) => i.leaseOwner === null), 'no leases are left after a clean stop');
      const totals = new Set(all.map((i) => `${String(i.variables['n'])}:${String(i.result?.outputs['total'])}`));
      for (let n = 0; n < INSTANCES; n++) assert.ok(totals.has(`${n}:${(n + 1) * 2}`), `instance ${n} computed its total`);

      const ledger = await repository.runtime.listSideEffects();
      assert.equal(ledger.length, INSTANCES * 2, 'two ledger rows per instance');
      const perInstance = new Map<string, string[]>();
      for (const row of ledger) perInstance.set(row.instanceId, [...(perInstance.get(row.instanceId) ?? []), String(row.data['what'])]);
      assert.equal(perInstance.size, INSTANCES);
      for (const i of all) {
        const n = String(i.variables['n']);
        assert.deepEqual(perInstance.get(i.id)?.sort(), [`create account ${n}`, `grant access ${n}`]);
      }
      // The operation itself ran at least once per step; more when a kill forced a replay. The ledger still holds one.
      const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').length : 0;
      assert.ok(calls >= INSTANCES * 2, `the operation ran ${calls} times`);
      await engine.close();
    } finally {
      await repository.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
