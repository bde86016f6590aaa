/**
 * Records the write statements idflow sends to PostgreSQL through `pg`, grouped by transaction, as the SQLite
 * recorder does for better-sqlite3 (write-recorder.ts): the bare-PostgreSQL baseline replays them. It patches
 * `pg.Client.prototype.query` while recording and restores it afterwards; the timed runs never carry it.
 *
 * A statement outside BEGIN … COMMIT is a transaction of its own (autocommit). Reads (SELECT) are left out, as the
 * SQLite recorder leaves them out: the baseline is the cost of the writes. The statement keeps its prepared name,
 * so the replay prepares it once per connection as idflow does.
 */
import pg from 'pg';
import { classifyWrite, type CommitShape, type RecordedStatement, type WriteTrace } from './write-recorder.js';

/** A recorded statement with its prepared-statement name, when idflow gave one. */
export interface PgRecordedStatement extends RecordedStatement {
  readonly name?: string;
}

type QueryConfig = { text: string; values?: readonly unknown[]; name?: string };

export function recordPgWrites(): { stop(instances: number): WriteTrace } {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const open = new WeakMap<object, PgRecordedStatement[]>();
  const commits: CommitShape[] = [];
  const push = (statements: PgRecordedStatement[]): void => {
    if (statements.length === 0) return;
    const writes = new Map<string, { table: string; op: 'insert' | 'update' | 'delete'; rows: number; bytes: number }>();
    for (const st of statements) {
      const w = classifyWrite(st.sql);
      if (!w) continue;
      const key = `${w.table}:${w.op}`;
      const shape = writes.get(key) ?? { ...w, rows: 0, bytes: 0 };
      shape.rows++;
      writes.set(key, shape);
    }
    commits.push({ writes: [...writes.values()], statements });
  };
  proto.query = function (this: object, ...args: unknown[]): unknown {
    const first = args[0];
    const config: QueryConfig | undefined =
      typeof first === 'string' ? { text: first, values: Array.isArray(args[1]) ? (args[1] as unknown[]) : [] } : first && typeof first === 'object' && 'text' in first ? (first as QueryConfig) : undefined;
    if (config) {
      const text = config.text.trim();
      if (/^BEGIN\b/i.test(text)) open.set(this, []);
      else if (/^COMMIT\b/i.test(text)) {
        push(open.get(this) ?? []);
        open.delete(this);
      } else if (/^ROLLBACK\b/i.test(text)) open.delete(this);
      else if (classifyWrite(text)) {
        const st: PgRecordedStatement = { sql: config.text, params: [...(config.values ?? [])], ...(config.name !== undefined && { name: config.name }) };
        const tx = open.get(this);
        if (tx) tx.push(st);
        else push([st]);
      }
    }
    return original.apply(this, args);
  };
  return {
    stop(instances) {
      proto.query = original;
      return { instances, commits };
    },
  };
}
