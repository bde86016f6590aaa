/**
 * Baseline 1: the floor for a given write pattern. Replays a {@link WriteTrace} (what the engine wrote for some
 * number of instances) with bare better-sqlite3 prepared statements on a file in WAL mode with the engine's
 * pragmas: the same commits, the same rows per table and operation, values of the same size. No reads, no JSON,
 * no interpreter: what is left is the cost of SQLite itself.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { WriteOp, WriteTrace } from './write-recorder.js';

export interface BareRun {
  readonly instances: number;
  readonly seconds: number;
  readonly commits: number;
  readonly rows: number;
}

interface TableWriter {
  insert(bytes: number): void;
  update(bytes: number): void;
  delete(): void;
}

function openBenchDb(dir: string, name: string): Database.Database {
  const db = new Database(join(dir, name));
  // The same settings as src/repository/sqlite/sqlite-database.ts, so the floor is measured on equal terms
  // (page size included: it must come before WAL mode writes the file's header).
  db.pragma('page_size = 2048');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

function tableWriter(db: Database.Database, table: string): TableWriter {
  const t = `bare_${table}`;
  db.exec(`CREATE TABLE IF NOT EXISTS ${t} (id INTEGER PRIMARY KEY, k TEXT NOT NULL, data TEXT NOT NULL)`);
  const ins = db.prepare(`INSERT INTO ${t} (id, k, data) VALUES (?, ?, ?)`);
  const upd = db.prepare(`UPDATE ${t} SET data = ? WHERE id = ?`);
  const del = db.prepare(`DELETE FROM ${t} WHERE id = ?`);
  const payloads = new Map<number, string>();
  const payload = (bytes: number): string => {
    let p = payloads.get(bytes);
    if (p === undefined) payloads.set(bytes, (p = 'x'.repeat(Math.max(0, bytes))));
    return p;
  };
  let next = 1;
  // Updates and deletes touch rows that exist, oldest live row first, the way instances move through the engine.
  let oldestLive = 1;
  let cursor = 1;
  return {
    insert(bytes) {
      const id = next++;
      ins.run(id, `k${id}`, payload(bytes));
    },
    update(bytes) {
      if (cursor >= next) cursor = oldestLive;
      upd.run(payload(bytes), cursor < next ? cursor++ : 0);
    },
    delete() {
      if (oldestLive < next) del.run(oldestLive++);
    },
  };
}

/**
 * Writes `instances` instances' worth of the trace (repeating it as needed) and times it.
 * The trace's per-row byte averages are kept per table and operation.
 */
export function runBareSqlite(dir: string, name: string, trace: WriteTrace, instances: number): BareRun {
  const db = openBenchDb(dir, name);
  try {
    const writers = new Map<string, TableWriter>();
    const writer = (table: string): TableWriter => {
      let w = writers.get(table);
      if (!w) writers.set(table, (w = tableWriter(db, table)));
      return w;
    };
    // Prepare every table before the clock starts.
    for (const c of trace.commits) for (const w of c.writes) writer(w.table);
    const begin = db.prepare('BEGIN');
    const commit = db.prepare('COMMIT');
    const repeats = Math.max(1, Math.round(instances / Math.max(1, trace.instances)));
    const ops: readonly WriteOp[] = ['insert', 'update', 'delete'];
    let commits = 0;
    let rows = 0;
    const start = process.hrtime.bigint();
    for (let r = 0; r < repeats; r++) {
      for (const c of trace.commits) {
        begin.run();
        for (const op of ops) {
          for (const w of c.writes) {
            if (w.op !== op) continue;
            const tw = writer(w.table);
            const each = Math.round(w.bytes / w.rows);
            for (let i = 0; i < w.rows; i++) {
              if (op === 'insert') tw.insert(each);
              else if (op === 'update') tw.update(each);
              else tw.delete();
            }
            rows += w.rows;
          }
        }
        commit.run();
        commits++;
      }
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { instances: repeats * trace.instances, seconds, commits, rows };
  } finally {
    db.close();
  }
}
