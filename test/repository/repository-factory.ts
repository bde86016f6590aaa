/**
 * The databases the store contract suite runs on. Every repository, runtime-store and engine test that takes a
 * factory runs once per entry of {@link DATABASES}: on an SQLite file, and on PostgreSQL.
 *
 * PostgreSQL: each `open()` makes a fresh schema in the database that `IDFLOW_TEST_POSTGRES_URL` names (created
 * when missing) and drops it again on close. Without that variable the PostgreSQL variants FAIL, saying how to
 * get a server: CI must never skip them silently. `bash scripts/test.sh` starts a throwaway server and sets it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openRepository } from '../../src/repository/open-repository.js';
import type { Repository } from '../../src/repository/repository.js';
import type { PostgresRepository } from '../../src/repository/postgres/postgres-repository.js';
import type { SqliteRepository } from '../../src/repository/sqlite/sqlite-repository.js';

export const TEST_POSTGRES_ENV = 'IDFLOW_TEST_POSTGRES_URL';

export interface RepositoryFactory {
  readonly name: 'sqlite' | 'postgres';
  /** A new, empty, migrated repository; closing it removes it. `databaseClock`: a fake clock for database time. */
  open(options?: { readonly databaseClock?: () => number }): Promise<Repository>;
  /** The `--db` / `DATABASE_URL` value of a new, empty database for a CLI run, and how to remove it. */
  location(dir: string): Promise<{ readonly db: string; dispose(): Promise<void> }>;
  /** Runs raw SQL (`?` placeholders) on the repository's own database: for checks of what is stored. */
  query<R = Record<string, unknown>>(repository: Repository, sql: string, params?: readonly unknown[]): Promise<R[]>;
}

const sqlite: RepositoryFactory = {
  name: 'sqlite',
  async open(options = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'idflow-contract-'));
    const repository = await openRepository({ db: join(dir, 'idflow.db'), env: {}, ...options });
    const close = repository.close.bind(repository);
    return Object.assign(repository, {
      close: async () => {
        await close();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  },
  async location(dir) {
    return { db: join(dir, `idflow-${randomBytes(4).toString('hex')}.db`), dispose: async () => undefined };
  },
  async query<R>(repository: Repository, sql: string, params: readonly unknown[] = []) {
    return (repository as SqliteRepository).db.prepare(sql).all(...params) as R[];
  },
};

/** The server URL, or a failure that says how to get one. */
function postgresUrl(): string {
  const url = process.env[TEST_POSTGRES_ENV];
  if (url === undefined || url === '') {
    throw new Error(
      `${TEST_POSTGRES_ENV} is not set, so the PostgreSQL variant of this test cannot run (it is never skipped). ` +
        'Run the whole suite with `bash scripts/test.sh`, which starts a throwaway server, or point the variable at a database ' +
        'you may create schemas in, e.g. `export IDFLOW_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:54329/pg_idflow_tests` ' +
        '(created when missing).',
    );
  }
  return url;
}

let databaseReady: Promise<void> | undefined;

/** Creates the test database when the server does not have it yet (once per process). */
function ensureDatabase(url: string): Promise<void> {
  databaseReady ??= (async () => {
    const probe = new pg.Client({ connectionString: url });
    try {
      await probe.connect();
      await probe.end();
      return;
    } catch (e) {
      await probe.end().catch(() => undefined);
      if ((e as { code?: unknown }).code !== '3D000') throw e;
    }
    const target = new URL(url);
    const name = decodeURIComponent(target.pathname.slice(1));
    const admin = new URL(url);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    } catch (e) {
      if ((e as { code?: unknown }).code !== '42P04') throw e; // another test process created it meanwhile
    } finally {
      await client.end();
    }
  })();
  return databaseReady;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A new schema in the test database, and the URL whose connections use it. */
async function newSchema(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = postgresUrl();
  await ensureDatabase(base);
  const schema = `idflow_t_${process.pid}_${randomBytes(5).toString('hex')}`;
  await adminQuery(`CREATE SCHEMA ${schema}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`) };
}

const postgres: RepositoryFactory = {
  name: 'postgres',
  async open(options = {}) {
    const { url, drop } = await newSchema();
    const repository = await openRepository({ url, env: {}, ...options });
    const close = repository.close.bind(repository);
    return Object.assign(repository, {
      close: async () => {
        await close();
        await drop();
      },
    });
  },
  async location() {
    const { url, drop } = await newSchema();
    return { db: url, dispose: drop };
  },
  async query<R>(repository: Repository, sql: string, params: readonly unknown[] = []) {
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    return (await (repository as PostgresRepository).db.query(text, params)).rows as R[];
  },
};

/** Every database the contract suite covers. */
export const DATABASES: readonly RepositoryFactory[] = [sqlite, postgres];
