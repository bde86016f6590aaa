/**
 * What the PostgreSQL repository promises beyond the contract suite: errors classified by SQLSTATE, a schema
 * newer than the code refused with the version it needs, and batch commits whose statement count does not grow
 * with the batch. (These need the server that IDFLOW_TEST_POSTGRES_URL names; without it they fail.)
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { openRepository } from '../../src/repository/open-repository.js';
import { classifyPostgresError } from '../../src/repository/postgres/postgres-errors.js';
import type { PostgresRepository } from '../../src/repository/postgres/postgres-repository.js';
import type { InstanceRecord, InstanceWrite } from '../../src/repository/runtime-store.js';
import { StorageError } from '../../src/repository/storage-error.js';
import { DATABASES } from './repository-factory.js';

const postgres = DATABASES.find((d) => d.name === 'postgres')!;

function serverError(code: string): pg.DatabaseError {
  const e = new pg.DatabaseError(`server said ${code}`, 0, 'error');
  e.code = code;
  return e;
}

describe('PostgreSQL errors', () => {
  it('are classified by SQLSTATE into transient and permanent storage errors', () => {
    const cases: [string, string, boolean][] = [
      ['40001', 'REPO_BUSY', true],
      ['40P01', 'REPO_BUSY', true],
      ['55P03', 'REPO_BUSY', true],
      ['53300', 'REPO_BUSY', true],
      ['08006', 'REPO_CONNECTION_LOST', true],
      ['57P01', 'REPO_CONNECTION_LOST', true],
      ['25006', 'REPO_READ_ONLY', false],
      ['53100', 'REPO_DISK_FULL', false],
      ['XX001', 'REPO_CORRUPT', false],
    ];
    for (const [state, code, transient] of cases) {
      const e = classifyPostgresError(serverError(state), 'x');
      assert.ok(e instanceof StorageError, state);
      assert.equal(e.code, code, state);
      assert.equal(e.transient, transient, state);
      assert.equal(e.details['driverCode'], state);
    }
  });

  it('does not read the message: a server error worded like a lost connection is still what its code says', () => {
    const e = serverError('42P01');
    e.message = 'Connection terminated unexpectedly';
    assert.equal(classifyPostgresError(e, 'x').code, 'REPO_QUERY_FAILED');
  });

  it('treats a socket failure (no SQLSTATE) as a lost connection, and a unique violation as a constraint conflict', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    assert.equal(classifyPostgresError(reset, 'x').code, 'REPO_CONNECTION_LOST');
    assert.equal(classifyPostgresError(serverError('23505'), 'x').code, 'REPO_CONSTRAINT');
  });

  it('reports a statement the server refuses for a reason it does not classify as REPO_QUERY_FAILED, not the database’s fault', () => {
    const e = classifyPostgresError(serverError('22001'), 'x');
    assert.equal(e.code, 'REPO_QUERY_FAILED');
    assert.ok(e instanceof StorageError);
    assert.equal(e.databaseFault, false);
    assert.equal(e.transient, false);
    assert.equal(e.details['sqlState'], '22001');
  });
});

describe('a PostgreSQL repository', () => {
  let dir: string;
  let target: { readonly db: string; dispose(): Promise<void> };
  let repo: PostgresRepository;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idflow-pg-'));
    target = await postgres.location(dir);
    repo = (await openRepository({ db: target.db, env: {} })) as PostgresRepository;
  });
  after(async () => {
    await repo.close();
    await target.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses writes on a read-only connection with REPO_READ_ONLY, a permanent error', async () => {
    const url = new URL(target.db);
    url.searchParams.set('options', `${url.searchParams.get('options')} -c default_transaction_read_only=on`);
    const readOnly = await openRepository({ url: url.toString(), env: {} });
    try {
      await assert.rejects(readOnly.profiles.assign('ann', ['HR'], 'admin', 1), (e) => {
        assert.ok(e instanceof StorageError);
        assert.equal(e.code, 'REPO_READ_ONLY');
        assert.equal(e.transient, false);
        return true;
      });
    } finally {
      await readOnly.close();
    }
  });

  it('keeps working when the server ended its pooled connections (a restart), instead of failing the next statements', async () => {
    const pids = new Set<number>();
    // Open several pooled connections and learn their server processes.
    const rows = await Promise.all(Array.from({ length: 4 }, () => repo.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.05)')));
    for (const r of rows) pids.add(r.rows[0]!.pid);
    // Ended from outside while this process is blocked, as a server restart does: the idle connections in the pool do
    // not learn of it before they are handed out again.
    const admin = new URL(target.db);
    admin.pathname = '/postgres';
    admin.search = '';
    execFileSync('psql', [admin.toString(), '-Atc', `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid IN (${[...pids].join(',')})`]);
    assert.equal((await repo.runtime.listInstances()).length, 0);
    assert.deepEqual(await repo.profiles.assign('ann', ['HR'], 'admin', 1), [{ profile: 'HR', status: 'assigned' }]);
    assert.deepEqual(await repo.profiles.profilesOf('ann'), ['HR']);
  });

  it('commits a batch of one write and a batch of forty in the same number of statements', async () => {
    const base = (id: string): InstanceRecord => ({
      id,
      name: `Batch #${id}`,
      definitionId: 'd',
      definitionType: 'TaskDefinition',
      definitionName: 'Batch',
      definitionVersion: 1,
      state: 'executing',
      waiting: true,
      launcher: 'bob',
      subject: null,
      subjectKey: null,
      position: ['A'],
      interpreterState: null,
      variables: { who: id },
      result: null,
      steps: 0,
      progress: null,
      createdAt: 1,
      updatedAt: 1,
      finishedAt: null,
      expiresAt: null,
      wakeAt: 5,
      runnable: true,
      execDeadline: null,
      leaseOwner: null,
      leaseUntil: null,
      attempts: 0,
      revision: 1,
    });
    const ids = (n: number, p: string) => Array.from({ length: n }, (_, k) => `00000000-0000-7000-8000-${p}${String(k).padStart(12 - p.length, '0')}`);
    const inserts = (list: string[]): InstanceWrite[] => list.map((id) => ({ instance: base(id), expectedRevision: null, audit: [{ at: 1, instanceId: id, event: 'launched' }] }));
    const finishes = (list: string[]): InstanceWrite[] =>
      list.map((id) => ({
        instance: { ...base(id), state: 'finished', waiting: false, wakeAt: null, runnable: false, finishedAt: 2, revision: 2 },
        expectedRevision: 1,
        releaseSubject: true,
        closeOpenWorkItems: { state: 'cancelled', at: 2 },
        audit: [{ at: 2, instanceId: id, event: 'finished' }],
      }));
    const count = async (writes: InstanceWrite[]) => {
      const before = repo.db.stats.statements;
      const statuses = await repo.runtime.commit(writes);
      assert.ok(statuses.every((s) => s === 'committed'), statuses.join());
      return repo.db.stats.statements - before;
    };
    const one = ids(1, 'a');
    const forty = ids(40, 'b');
    assert.equal(await count(inserts(forty)), await count(inserts(one)));
    assert.equal(await count(finishes(forty)), await count(finishes(one)));
    assert.equal((await repo.runtime.listInstances({ definitionName: 'Batch', state: 'finished' })).length, 41);
  });
});

describe('a PostgreSQL database with a newer schema', () => {
  it('is refused with REPO_SCHEMA_TOO_NEW, naming the schema version it needs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idflow-pg-'));
    const target = await postgres.location(dir);
    try {
      const repo = (await openRepository({ db: target.db, env: {} })) as PostgresRepository;
      await repo.db.query(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from-the-future', now())`);
      await repo.close();
      await assert.rejects(openRepository({ db: target.db, env: {} }), (e) => {
        assert.equal((e as { code?: string }).code, 'REPO_SCHEMA_TOO_NEW');
        assert.match((e as Error).message, /schema version 99/);
        return true;
      });
    } finally {
      await target.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
