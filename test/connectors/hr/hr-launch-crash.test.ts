/**
 * An HR import killed around the commit of its launches (docs/decisions/launched-and-advanced.md): each onboarding is
 * written once, already advanced past its Request, so a crash before that commit leaves nothing of any launch (the
 * rows wait, claimed, and start once the claim lapses), and a crash after it leaves every onboarding where it came to
 * rest, its row marked launched in the same commit, with nothing for a worker or another launcher to run again.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchDueHr, parseHrSource } from '../../../src/connectors/hr/index.js';
import { loadDefinitionFiles } from '../../../src/definition/load.js';
import { openEngine } from '../../../src/engine/engine.js';
import { openRepository } from '../../../src/repository/open-repository.js';
import type { Repository } from '../../../src/repository/repository.js';
import { DATABASES } from '../../repository/repository-factory.js';

const WORKER = fileURLToPath(new URL('./fixtures/hr-launch-crash-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const DEFAULTS = fileURLToPath(new URL('../../../config/default/', import.meta.url));
const START = Date.parse('2026-03-02T09:00:00Z');
const MINUTE = 60_000;
const JOINERS = 12;
const MAPPING = {
  name: 'workday',
  key: 'EmployeeID',
  columns: { EmployeeID: 'EmployeeId', Login: 'Login', FirstName: 'FirstName', LastName: 'LastName', Department: 'Department' },
  subject: 'Login',
  added: { workflow: 'User_Onboarding', firstTransition: 'ActionWithRefine-ActionPending-Execute' },
};
const CSV = ['EmployeeID,Login,FirstName,LastName,Department', ...Array.from({ length: JOINERS }, (_, i) => `E${i},crash${i},First${i},Last${i},Dept${i % 3}`)].join('\n') + '\n';

function launcher(db: string, now: number, file: string, kill: 'before' | 'after' | 'never'): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, db, String(now), file, kill], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, out })));
}

async function prepare(db: string): Promise<void> {
  const repository = await openRepository({ db, env: {} });
  try {
    const loaded = await loadDefinitionFiles(readdirSync(DEFAULTS).filter((f) => f.endsWith('.xml')).map((f) => join(DEFAULTS, f)));
    await repository.objects.putMany(loaded.objects);
    await repository.hr.putSource('workday', parseHrSource(MAPPING) as unknown as Record<string, unknown>, START);
  } finally {
    await repository.close();
  }
}

/** Per onboarding: where it rests and how many `launched` and `decision` rows its trail holds. */
async function onboardings(repository: Repository): Promise<{ subject: string | null; position: readonly string[]; launched: number; decided: number }[]> {
  const out = [];
  for (const t of await repository.runtime.listInstances({ definitionName: 'User_Onboarding' })) {
    const trail = await repository.audit.query({ instanceId: t.id });
    out.push({
      subject: t.subject,
      position: t.position,
      launched: trail.filter((e) => e.event === 'launched').length,
      decided: trail.filter((e) => e.event === 'decision').length,
    });
  }
  return out.sort((a, b) => String(a.subject).localeCompare(String(b.subject)));
}

for (const database of DATABASES) {
  describe(`${database.name}: an HR import killed around the commit of its launches`, () => {
    it('leaves nothing of any launch when killed before the commit, and starts each once after the claim lapses', { timeout: 120_000 }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'idflow-hr-crash-'));
      const target = await database.location(dir);
      try {
        await prepare(target.db);
        const file = join(dir, 'wave.csv');
        writeFileSync(file, CSV);
        const crashed = await launcher(target.db, START, file, 'before');
        assert.equal(crashed.signal, 'SIGKILL', crashed.out);

        let repository = await openRepository({ db: target.db, env: {} });
        try {
          assert.deepEqual(await repository.runtime.listInstances({}), [], 'no instance was written');
          assert.deepEqual((await repository.audit.query({ event: 'launched' })).length, 0, 'no launch is on record');
          assert.equal((await repository.identities.listIdentities({})).length, 0, 'no joiner was persisted');
          const launches = await repository.hr.listLaunches('workday');
          assert.equal(launches.length, JOINERS);
          assert.ok(launches.every((l) => l.state === 'pending'), 'every row still waits to start (claimed by the dead launcher)');
        } finally {
          await repository.close();
        }

        // Another launcher takes the rows once the dead one's claim has lapsed.
        const restarted = await launcher(target.db, START + 11 * MINUTE, '-', 'never');
        assert.equal(restarted.code, 0, restarted.out);
        assert.equal(JSON.parse(restarted.out).launched, JOINERS, restarted.out);
        repository = await openRepository({ db: target.db, env: {} });
        try {
          const started = await onboardings(repository);
          assert.equal(started.length, JOINERS);
          for (const o of started) assert.deepEqual(o, { subject: o.subject, position: ['Review/ReviewWithFeedback-ReviewPending'], launched: 1, decided: 1 });
        } finally {
          await repository.close();
        }
      } finally {
        await target.dispose();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('leaves every onboarding advanced once when killed right after the commit, with nothing for a worker to run again', { timeout: 120_000 }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'idflow-hr-crash-'));
      const target = await database.location(dir);
      try {
        await prepare(target.db);
        const file = join(dir, 'wave.csv');
        writeFileSync(file, CSV);
        const crashed = await launcher(target.db, START, file, 'after');
        assert.equal(crashed.signal, 'SIGKILL', crashed.out);

        let now = START + 61 * MINUTE;
        const repository = await openRepository({ db: target.db, env: {}, databaseClock: () => now });
        const engine = await openEngine({ repository, clock: () => now, workerId: 'after-crash' });
        try {
          const started = await onboardings(repository);
          assert.equal(started.length, JOINERS);
          for (const o of started) assert.deepEqual(o, { subject: o.subject, position: ['Review/ReviewWithFeedback-ReviewPending'], launched: 1, decided: 1 });
          // Past every lease the dead process could have held: a worker finds nothing to run again.
          assert.equal((await engine.runWorkerOnce()).advanced, 0);
          now += 60 * MINUTE;
          assert.equal((await engine.runWorkerOnce()).advanced, 0);
          assert.deepEqual(await onboardings(repository), started);
          // The rows were marked launched in that same commit: past the dead launcher's claim, another starts none again.
          const again = await launchDueHr({ repository, engine, clock: () => now });
          assert.deepEqual([again.launched, again.failed, again.deferred], [0, 0, 0]);
          const rows = await repository.hr.listLaunches('workday');
          const instances = (await repository.runtime.listInstances({ definitionName: 'User_Onboarding' })).map((t) => t.id).sort();
          assert.deepEqual(rows.map((l) => l.state), rows.map(() => 'launched'));
          assert.deepEqual(rows.map((l) => l.instanceId).sort(), instances, 'each row names the onboarding it started');
          const marked = await repository.audit.query({ event: 'hr.launched' });
          assert.deepEqual(marked.map((e) => e.instanceId).sort(), instances, 'one hr.launched per row, written with its launch');
        } finally {
          await engine.close();
          await repository.close();
        }
      } finally {
        await target.dispose();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
