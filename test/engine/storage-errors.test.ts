/**
 * Issue 6, items 2 and 5: a busy, read-only, full or damaged database. Busy and other transient errors are retried
 * and never end an instance; each storage error reaches the user as a coded error that says what to do, never a
 * stack trace; a worker stops on a damaged database instead of retrying forever; a read-only file can be read.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import { openEngine } from '../../src/engine/engine.js';
import { openRepository } from '../../src/repository/open-repository.js';
import { compileRetryPolicy, retryDelay, retryTransient } from '../../src/repository/retry-transient.js';
import { PAGE_SIZE } from '../../src/repository/sqlite/sqlite-database.js';
import type { SqliteRepository } from '../../src/repository/sqlite/sqlite-repository.js';
import { storageError } from '../../src/repository/storage-error.js';
import { runIdflow } from '../cli/cli-harness.js';
import { engineFixture, errorCode } from './runtime-harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'idflow.js');
const BUSY_WORKER = fileURLToPath(new URL('./fixtures/busy-worker.ts', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A repository file with the durability fixture imported and `ready` instances of it launched. */
async function repositoryWith(dir: string, instances: number): Promise<string> {
  const db = join(dir, 'idflow.db');
  const repository = await openRepository({ db });
  const loaded = await loadDefinitionFiles([engineFixture('durability.xml')]);
  assert.equal(loaded.ok, true, JSON.stringify(loaded.diagnostics));
  await repository.objects.putMany(loaded.objects);
  const engine = await openEngine({ repository });
  for (let n = 0; n < instances; n++) await engine.launch({ definition: 'Durable Chain', launcher: 'loader', variables: { n } });
  await engine.close();
  await repository.close();
  return db;
}

/** No stack trace and no `internal error`: only the coded line. */
function assertCodedOnly(stderr: string, code: string): void {
  assert.match(stderr, new RegExp(`^idflow: error ${code}: `, 'm'), stderr);
  assert.doesNotMatch(stderr, /internal error|SqliteError|\n\s+at /, stderr);
}

describe('storage errors', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'idflow-storage-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finishes every instance of a worker batch whose commit met a write lock held past the busy timeout, failing none', { timeout: 60_000 }, async () => {
    const db = await repositoryWith(mkdtempSync(join(dir, 'busy-')), 8);
    const child = spawn(process.execPath, ['--import', 'tsx', BUSY_WORKER, db, '8'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const paused = new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('paused')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await paused;
    // Another connection takes the write lock while the worker advances its batch, and holds it through the batch
    // commit and several 100 ms busy timeouts after it.
    const holder = new Database(db);
    holder.exec('BEGIN IMMEDIATE');
    child.stdin.write('go\n');
    await sleep(450);
    holder.exec('ROLLBACK');
    holder.close();
    assert.equal(await exited, 0, out);

    const repository = await openRepository({ db });
    try {
      const all = await repository.runtime.listInstances();
      assert.deepEqual(
        all.map((i) => `${i.state}:${i.result?.outcome ?? '-'}`),
        Array.from({ length: 8 }, () => 'finished:completed'),
        'no instance ended as failed because the database was busy',
      );
      assert.match(out, /retry REPO_BUSY/, 'the worker met the busy database and retried');
    } finally {
      await repository.close();
    }
  });

  it('prints REPO_BUSY, not a stack trace, when a command cannot get the write lock', async () => {
    const db = await repositoryWith(mkdtempSync(join(dir, 'busy-cli-')), 0);
    const holder = new Database(db);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const run = await runIdflow(['--db', db, 'run', 'Durable Chain', '--var', 'n=1'], { env: { IDFLOW_BUSY_TIMEOUT_MS: '50', IDFLOW_USER: 'ann' } });
      assert.equal(run.status, 1);
      assertCodedOnly(run.stderr, 'REPO_BUSY');
      assert.match(run.stderr, /busy/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('reads a repository file nobody may write, and refuses a change with REPO_READ_ONLY', async () => {
    const db = await repositoryWith(mkdtempSync(join(dir, 'read-only-')), 2);
    chmodSync(db, 0o444);
    for (const args of [['list'], ['tasks'], ['workitems'], ['schedule', 'list']]) {
      const r = await runIdflow(['--db', db, ...args]);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    const tasks = await runIdflow(['--db', db, 'tasks', '--json']);
    assert.equal((JSON.parse(tasks.stdout) as unknown[]).length, 2);

    const run = await runIdflow(['--db', db, 'run', 'Durable Chain', '--var', 'n=9'], { env: { IDFLOW_USER: 'ann' } });
    assert.equal(run.status, 1);
    assertCodedOnly(run.stderr, 'REPO_READ_ONLY');
    assert.match(run.stderr, /read-only.*chmod u\+w/);
    // A worker cannot claim anything on it: it stops with the code instead of retrying.
    const worker = await runIdflow(['--db', db, 'worker', '--once']);
    assert.equal(worker.status, 1);
    assertCodedOnly(worker.stderr, 'REPO_READ_ONLY');

    chmodSync(db, 0o644);
    const after = await runIdflow(['--db', db, 'tasks', '--json']);
    assert.equal((JSON.parse(after.stdout) as unknown[]).length, 2, 'nothing was written');
  });

  it('stops a worker on a damaged database with REPO_CORRUPT instead of retrying every round', { timeout: 60_000 }, async () => {
    const db = await repositoryWith(mkdtempSync(join(dir, 'corrupt-')), 20);
    assert.equal(existsSync(`${db}-wal`), false, 'the repository was closed cleanly');
    const raw = new Database(db, { readonly: true });
    const { rootpage } = raw.prepare(`SELECT rootpage FROM sqlite_master WHERE name = 'task_instances'`).get() as { rootpage: number };
    raw.close();
    const fd = openSync(db, 'r+');
    writeSync(fd, Buffer.alloc(PAGE_SIZE, 0xab), 0, PAGE_SIZE, (rootpage - 1) * PAGE_SIZE);
    closeSync(fd);

    // The worker must exit by itself; three failed rounds in a row mean it loops (the old behaviour): stop it then.
    const child = spawn(process.execPath, [BIN, '--db', db, 'worker'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const status = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if ((stderr.match(/round failed/g) ?? []).length >= 3) child.kill('SIGKILL');
      });
      child.once('exit', (code) => resolve(code));
    });
    assert.equal(status, 1, stderr);
    assertCodedOnly(stderr, 'REPO_CORRUPT');
    assert.match(stderr, /damaged.*restore the last backup/);

    const tasks = await runIdflow(['--db', db, 'tasks']);
    assert.equal(tasks.status, 1);
    assertCodedOnly(tasks.stderr, 'REPO_CORRUPT');
  });

  it('refuses a launch on a full database with REPO_DISK_FULL and writes nothing', async () => {
    const db = await repositoryWith(mkdtempSync(join(dir, 'full-')), 0);
    const repository = (await openRepository({ db })) as SqliteRepository;
    try {
      // The database's size limit stands in for a full disk: SQLite reports both as SQLITE_FULL.
      repository.db.pragma(`max_page_count = ${String(repository.db.pragma('page_count', { simple: true }))}`);
      const engine = await openEngine({ repository });
      const e = await errorCode(async () => {
        for (let n = 0; n < 500; n++) await engine.launch({ definition: 'Durable Chain', launcher: 'ann', variables: { n, pad: 'x'.repeat(2000) } });
      });
      assert.equal(e.code, 'REPO_DISK_FULL');
      assert.match(e.message, /full.*Free space/);
      await engine.close();
    } finally {
      await repository.close();
    }
  });
});

describe('retrying transient storage errors', () => {
  const busy = storageError('REPO_BUSY', 'test.db', Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }));
  const corrupt = storageError('REPO_CORRUPT', 'test.db', Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' }));

  it('retries a busy operation with growing pauses until it succeeds', async () => {
    const pauses: number[] = [];
    let calls = 0;
    const policy = compileRetryPolicy({ sleep: async (ms) => void pauses.push(ms), random: () => 0.5 });
    const result = await retryTransient(async () => {
      if (++calls < 4) throw busy;
      return 'done';
    }, policy);
    assert.equal(result, 'done');
    assert.equal(calls, 4);
    assert.equal(pauses.length, 3);
    assert.ok(pauses[0]! < pauses[1]! && pauses[1]! < pauses[2]!, `pauses grow: ${pauses.join(', ')}`);
  });

  it('gives up after its tries with the last busy error, and never retries a damaged database', async () => {
    let calls = 0;
    const policy = compileRetryPolicy({ attempts: 3, sleep: async () => undefined });
    await assert.rejects(
      retryTransient(async () => {
        calls++;
        throw busy;
      }, policy),
      (e: unknown) => e === busy,
    );
    assert.equal(calls, 3);
    calls = 0;
    await assert.rejects(
      retryTransient(async () => {
        calls++;
        throw corrupt;
      }, policy),
      (e: unknown) => e === corrupt,
    );
    assert.equal(calls, 1);
  });

  it('keeps each pause within its cap, jitter included', () => {
    const high = compileRetryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999 });
    const low = compileRetryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, random: () => 0 });
    for (let n = 1; n <= 40; n++) {
      const cap = Math.min(1000, 100 * 2 ** (n - 1));
      assert.ok(retryDelay(high, n) <= cap && retryDelay(low, n) >= cap / 2, `retry ${n}: ${retryDelay(low, n)}…${retryDelay(high, n)} within ${cap / 2}…${cap}`);
    }
  });
});
