/**
 * Issue 6, item 1: a worker killed in the middle of a schedule catch-up lost the runs it had not launched yet,
 * because the schedule's state was committed for all of them first. Every due occurrence must launch exactly once.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import { openRepository } from '../../src/repository/open-repository.js';
import { DATABASES } from '../repository/repository-factory.js';
import { T0, engineFixture } from './runtime-harness.js';

const WORKER = fileURLToPath(new URL('./fixtures/schedule-crash-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MINUTE = 60_000;
const DUE = 60;

function runWorker(db: string, now: number, killAt: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, db, String(now), String(killAt)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, out })));
}

for (const database of DATABASES) describe(`${database.name}: a worker killed during a schedule catch-up`, () => {
  it('launches every due occurrence exactly once after a restart, none lost and none twice', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idflow-schedule-crash-'));
    const target = await database.location(dir);
    const db = target.db;
    try {
      const repository = await openRepository({ db });
      const loaded = await loadDefinitionFiles([engineFixture('task-parameters.xml'), engineFixture('schedule-catch-up.xml')]);
      assert.equal(loaded.ok, true, JSON.stringify(loaded.diagnostics));
      await repository.objects.putMany(loaded.objects);
      await repository.close();

      // 60 occurrences are due (00:00 … 00:59). The first worker dies just before its 25th write.
      const now = T0 + (DUE - 1) * MINUTE;
      const crashed = await runWorker(db, now, 25);
      assert.equal(crashed.signal, 'SIGKILL', crashed.out);
      const restarted = await runWorker(db, now, 0);
      assert.equal(restarted.code, 0, restarted.out);

      const check = await openRepository({ db });
      try {
        const audit = await check.runtime.listAudit();
        const launched = audit.filter((a) => a.event === 'launched' && a.data?.['source'] === 'schedule');
        const occurrences = launched.map((a) => String(a.data?.['occurrence']));
        assert.equal(launched.length, DUE, `launched ${launched.length} of ${DUE} due runs`);
        assert.equal(new Set(occurrences).size, DUE, 'each occurrence launched once');
        for (let k = 0; k < DUE; k++) assert.ok(occurrences.includes(new Date(T0 + k * MINUTE).toISOString()), `occurrence ${k} launched`);
        assert.deepEqual(audit.filter((a) => a.event.startsWith('schedule-')), [], 'nothing skipped or failed');
        const [state] = await check.runtime.listScheduleStates();
        assert.equal(state?.runCount, DUE);
        assert.equal(state?.nextRun, T0 + DUE * MINUTE);
        // The latest run's instance is the one kept (resultOption delete replaced each finished one).
        const tasks = await check.runtime.listInstances({ definitionName: 'Auto Sync' });
        assert.deepEqual(tasks.map((t) => [t.name, t.state]), [['Minutely Greeting', 'finished']]);
      } finally {
        await check.close();
      }
    } finally {
      await target.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
