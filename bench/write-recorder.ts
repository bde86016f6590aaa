/**
 * Records what a piece of code writes to SQLite through better-sqlite3: every commit, and inside it every row
 * inserted, updated or deleted per table, with the bytes of the values bound. The bare-SQLite baseline replays
 * the recorded shape, so "the same number of rows and commits" is measured from the engine itself rather than
 * guessed from its source.
 *
 * It patches the driver's prototypes while recording and restores them afterwards; the timed runs never carry it.
 */
import Database from 'better-sqlite3';

export type WriteOp = 'insert' | 'update' | 'delete';

/** One table/operation inside a commit: how many rows and how many bytes of bound values. */
export interface WriteShape {
  readonly table: string;
  readonly op: WriteOp;
  readonly rows: number;
  readonly bytes: number;
}

/** One write statement as the engine ran it: its SQL and the values it bound. */
export interface RecordedStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** One commit: the writes it carried, merged per table and operation. */
export interface CommitShape {
  readonly writes: readonly WriteShape[];
  /** The write statements themselves, in order (recorded traces only; the nominal ones have none). */
  readonly statements?: readonly RecordedStatement[];
}

export interface WriteTrace {
  /** How many instances the recorded code completed (or brought to a wait state). */
  readonly instances: number;
  readonly commits: readonly CommitShape[];
}

export interface WriteTotals {
  readonly commits: number;
  readonly rows: number;
  readonly bytes: number;
  readonly byTable: Readonly<Record<string, { insert: number; update: number; delete: number }>>;
}

type AnyFn = (...args: unknown[]) => unknown;

interface StatementLike {
  readonly source: string;
  readonly reader: boolean;
  readonly database: Database.Database;
}

const WRITE_RE = /^\s*(?:WITH\b[\s\S]*?\)\s*)?(INSERT|REPLACE|UPDATE|DELETE)\b(?:\s+OR\s+\w+)?\s+(?:INTO\s+|FROM\s+)?["`[]?(\w+)/i;
const COMMIT_RE = /^\s*(COMMIT|END)\b/i;
const ROLLBACK_RE = /^\s*ROLLBACK\s*(?:TRANSACTION)?\s*;?\s*$/i;

/** Parses the table and operation a write statement touches; undefined for reads and transaction control. */
export function classifyWrite(sql: string): { table: string; op: WriteOp } | undefined {
  const m = WRITE_RE.exec(sql);
  if (!m) return undefined;
  const verb = m[1]!.toUpperCase();
  const op: WriteOp = verb === 'UPDATE' ? 'update' : verb === 'DELETE' ? 'delete' : 'insert';
  return { table: m[2]!, op };
}

function bytesOf(params: readonly unknown[]): number {
  let n = 0;
  const add = (v: unknown): void => {
    if (typeof v === 'string') n += Buffer.byteLength(v);
    else if (v instanceof Uint8Array) n += v.byteLength;
    else if (typeof v === 'number' || typeof v === 'bigint') n += 8;
    else if (v && typeof v === 'object') for (const x of Object.values(v)) add(x);
  };
  for (const p of params) add(p);
  return n;
}

/**
 * Starts recording. Call `stop()` with the number of instances the recorded code handled to get the trace;
 * `stop` restores the driver.
 */
export function recordWrites(): { stop(instances: number): WriteTrace } {
  const probe = new Database(':memory:');
  const stmtProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, AnyFn>;
  const dbProto = Database.prototype as unknown as Record<string, AnyFn>;
  probe.close();

  const commits: CommitShape[] = [];
  let pending = new Map<string, { table: string; op: WriteOp; rows: number; bytes: number }>();
  let statements: RecordedStatement[] = [];

  const addWrite = (table: string, op: WriteOp, rows: number, bytes: number): void => {
    if (rows === 0) return;
    const key = `${table}\u0000${op}`;
    const w = pending.get(key);
    if (w) {
      w.rows += rows;
      w.bytes += bytes;
    } else pending.set(key, { table, op, rows, bytes });
  };
  const flush = (): void => {
    commits.push({ writes: [...pending.values()], statements });
    pending = new Map();
    statements = [];
  };

  const saved = {
    run: stmtProto['run']!,
    get: stmtProto['get']!,
    all: stmtProto['all']!,
    exec: dbProto['exec']!,
  };

  const wrap = (name: 'run' | 'get' | 'all') =>
    function (this: StatementLike, ...params: unknown[]): unknown {
      const db = this.database;
      const wasInTx = db.inTransaction;
      const result = saved[name].apply(this, params);
      const sql = this.source;
      const write = classifyWrite(sql);
      if (write) {
        const rows =
          name === 'run' ? (result as Database.RunResult).changes : name === 'all' ? (result as unknown[]).length : result === undefined ? 0 : 1;
        addWrite(write.table, write.op, rows, bytesOf(params));
        statements.push({ sql, params });
        if (!wasInTx && !db.inTransaction) flush();
      } else if (wasInTx && !db.inTransaction) {
        if (COMMIT_RE.test(sql)) flush();
        else if (ROLLBACK_RE.test(sql)) {
          pending = new Map();
          statements = [];
        }
      }
      return result;
    };

  stmtProto['run'] = wrap('run');
  stmtProto['get'] = wrap('get');
  stmtProto['all'] = wrap('all');
  dbProto['exec'] = function (this: Database.Database, ...args: unknown[]): unknown {
    const sql = String(args[0]);
    const wasInTx = this.inTransaction;
    const result = saved.exec.call(this, sql);
    // exec'd SQL carries no bound values; count it as one row per write statement found.
    for (const part of sql.split(';')) {
      const write = classifyWrite(part);
      if (write) {
        addWrite(write.table, write.op, 1, 0);
        statements.push({ sql: part, params: [] });
      }
    }
    if (wasInTx && !this.inTransaction && COMMIT_RE.test(sql.split(';').at(-2) ?? sql)) flush();
    else if (!wasInTx && !this.inTransaction && pending.size > 0) flush();
    return result;
  };

  return {
    stop(instances: number): WriteTrace {
      stmtProto['run'] = saved.run;
      stmtProto['get'] = saved.get;
      stmtProto['all'] = saved.all;
      dbProto['exec'] = saved.exec;
      return { instances, commits: commits.filter((c) => c.writes.length > 0) };
    },
  };
}

/** Sums a trace: commits, rows and bytes, and rows per table and operation. */
export function totalsOf(trace: WriteTrace): WriteTotals {
  const byTable: Record<string, { insert: number; update: number; delete: number }> = {};
  let rows = 0;
  let bytes = 0;
  for (const c of trace.commits) {
    for (const w of c.writes) {
      rows += w.rows;
      bytes += w.bytes;
      (byTable[w.table] ??= { insert: 0, update: 0, delete: 0 })[w.op] += w.rows;
    }
  }
  return { commits: trace.commits.length, rows, bytes, byTable };
}

/** Per-instance figures of a trace, for the report: commits, rows and bytes written per instance. */
export function perInstance(trace: WriteTrace): { commits: number; rows: number; bytes: number } {
  const t = totalsOf(trace);
  const n = Math.max(1, trace.instances);
  return { commits: t.commits / n, rows: t.rows / n, bytes: t.bytes / n };
}
