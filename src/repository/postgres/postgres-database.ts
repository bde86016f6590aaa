import { createHash } from 'node:crypto';
import pg from 'pg';
import { IdflowError } from '../../errors.js';
import { classifyPostgresError, SqlState, sqlState } from './postgres-errors.js';

/** Values a statement takes: pg serialises JS arrays to PostgreSQL arrays and null to NULL. */
export type PgValues = readonly unknown[];

/** One statement's text, prepared per connection under a name derived from the text. */
export interface PgStatement {
  readonly name: string;
  readonly text: string;
}

/** Something that runs statements: the pool (each statement on any connection) or a transaction's connection. */
export interface PgQueryable {
  query<R extends object>(statement: PgStatement | string, values?: PgValues): Promise<{ rows: R[]; rowCount: number }>;
}

/**
 * A named statement: PostgreSQL parses and plans it once per connection (the extended protocol's Parse), then only
 * binds and executes it. Every fixed statement of the stores is one of these; listings built per query are not.
 */
export function statement(text: string): PgStatement {
  return { name: `idflow_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`, text };
}

/**
 * How rows come back: epoch-millisecond BIGINTs as numbers (they stay far below 2^53), JSON columns as the text
 * that was written (the stores parse it, like SQLite's TEXT), timestamps as ISO 8601 strings.
 */
const types = {
  getTypeParser(oid: number, format?: string): (value: string) => unknown {
    switch (oid) {
      case pg.types.builtins.INT8:
        return (v: string) => Number(v);
      case pg.types.builtins.JSON:
        return (v: string) => v;
      case pg.types.builtins.TIMESTAMPTZ:
        return (v: string) => new Date(v).toISOString();
      default:
        return pg.types.getTypeParser(oid, (format ?? 'text') as 'text');
    }
  },
} as pg.CustomTypesConfig;

export interface PgDatabaseOptions {
  /** Connections at most (pg's pool `max`). */
  readonly maxConnections?: number;
  /** Milliseconds to wait for a connection before failing with REPO_CONNECTION_LOST. */
  readonly connectTimeoutMs?: number;
}

/**
 * A pool of connections to one PostgreSQL database, with every failure turned into an idflow error (never a bare
 * driver error with its stack) and transactions on one connection.
 */
export class PgDatabase implements PgQueryable {
  readonly pool: pg.Pool;
  /** Statements sent so far, transactions' included: the tests hold the batch commit to a fixed count. */
  readonly stats = { statements: 0 };
  /** The URL without its password, for messages. */
  readonly location: string;

  readonly #maxConnections: number;

  constructor(url: string, location: string, options: PgDatabaseOptions = {}) {
    this.location = location;
    this.#maxConnections = options.maxConnections ?? 10;
    this.pool = new pg.Pool({
      connectionString: url,
      max: this.#maxConnections,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      types,
      application_name: 'idflow',
    });
    // An idle connection the server closed emits 'error' on the pool; the next query reconnects. Without a
    // listener Node would end the process.
    this.pool.on('error', ignore);
  }

  async query<R extends object>(st: PgStatement | string, values: PgValues = []): Promise<{ rows: R[]; rowCount: number }> {
    for (let attempt = 1; ; attempt++) {
      this.stats.statements++;
      try {
        const r = await this.pool.query<R>(toConfig(st, values));
        return { rows: r.rows, rowCount: r.rowCount ?? 0 };
      } catch (e) {
        if (attempt <= this.#maxConnections && sessionTerminated(e)) continue;
        throw classifyPostgresError(e, this.location);
      }
    }
  }

  /**
   * Runs `fn` in one transaction on one connection: COMMIT when it returns, ROLLBACK when it throws. A connection
   * whose transaction could not even be rolled back is closed rather than returned to the pool.
   *
   * A pooled connection whose session the server ended (a restart, `pg_terminate_backend`) fails its next statement
   * with 57P01/57P02/57P03; nothing of the transaction committed, so it runs again on another connection (at most
   * once per pooled connection, each failure discarding one). `fn` must do nothing but statements on `tx`.
   */
  async transaction<T>(fn: (tx: PgTransaction) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#transactionOnce(fn);
      } catch (e) {
        if (attempt <= this.#maxConnections && sessionTerminated(e)) continue;
        throw e;
      }
    }
  }

  async #transactionOnce<T>(fn: (tx: PgTransaction) => Promise<T>): Promise<T> {
    const client = await this.#connect();
    const tx = new PgTransaction(client, this.stats, this.location);
    let broken: Error | undefined;
    // A checked-out connection that the server ends between two statements emits 'error' on the client (the pool
    // listens only while it is idle): unheard, Node would end the process. The next statement fails instead.
    client.on('error', ignore);
    try {
      await tx.query('BEGIN');
      const result = await fn(tx);
      await tx.query('COMMIT');
      return result;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
      if (sessionTerminated(e)) broken ??= e instanceof Error ? e : new Error(String(e));
      throw e;
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  }

  /** Runs `fn` on one connection held for its whole duration, outside any transaction (advisory locks). */
  async withConnection<T>(fn: (conn: PgTransaction) => Promise<T>): Promise<T> {
    const client = await this.#connect();
    client.on('error', ignore);
    let broken: Error | undefined;
    try {
      return await fn(new PgTransaction(client, this.stats, this.location));
    } catch (e) {
      if (sessionTerminated(e)) broken = e instanceof Error ? e : new Error(String(e));
      throw e;
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  }

  /** A connection of the pool; a failure to get one leaves as a classified error. */
  async #connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (e) {
      throw classifyPostgresError(e, this.location);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Statements on one connection (a transaction's, or one held for an advisory lock). */
export class PgTransaction implements PgQueryable {
  readonly #client: pg.PoolClient;
  readonly #stats: { statements: number };
  readonly #location: string;

  constructor(client: pg.PoolClient, stats: { statements: number }, location: string) {
    this.#client = client;
    this.#stats = stats;
    this.#location = location;
  }

  async query<R extends object>(st: PgStatement | string, values: PgValues = []): Promise<{ rows: R[]; rowCount: number }> {
    this.#stats.statements++;
    try {
      const r = await this.#client.query<R>(toConfig(st, values));
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    } catch (e) {
      throw classifyPostgresError(e, this.#location);
    }
  }
}

function ignore(): void {}

/**
 * The server ended the session before the statement completed (admin shutdown, crash shutdown, starting up): the
 * statement did not commit, so running it again on another connection is safe. Raw or already classified.
 */
function sessionTerminated(e: unknown): boolean {
  const raw = e instanceof IdflowError ? e.cause : e;
  const code = sqlState(raw);
  return code === SqlState.ADMIN_SHUTDOWN || code === SqlState.CRASH_SHUTDOWN || code === SqlState.CANNOT_CONNECT_NOW;
}

function toConfig(st: PgStatement | string, values: PgValues): pg.QueryConfig {
  if (typeof st === 'string') return values.length === 0 ? { text: st } : { text: st, values: values as unknown[] };
  return { name: st.name, text: st.text, values: values as unknown[] };
}
