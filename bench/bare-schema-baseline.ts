/**
 * Baseline 2: the engine's own writes, without the engine. A database is created by idflow's migrations (the
 * same tables, keys, constraints and indexes), then the write statements recorded while idflow ran the scenario
 * ({@link WriteTrace} `statements`: the SQL and the values bound) are replayed with bare better-sqlite3, one
 * `BEGIN IMMEDIATE … COMMIT` per recorded commit. What the engine does besides these statements (its reads, the
 * interpreter, JSON, savepoints, building records and views) is absent, so idflow ÷ this baseline is the engine's
 * overhead, and this baseline ÷ the minimal-schema one is the schema's cost.
 *
 * A trace of T instances is replayed as often as needed to reach the requested count. Each repetition must write
 * new keys, so the instance ids in the recorded values (and every name, work item id and audit row that contains
 * one) are replaced by new ids made as the engine makes them (`newInstanceId`, time-ordered), in the order they
 * were first seen; and the times (epoch milliseconds) move on by the trace's time span, so that indexed times
 * keep growing as they do in a real run instead of landing in the middle of the index. The replacement is done
 * before a repetition's clock starts; only the writes are timed.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { BareRun } from './bare-sqlite-baseline.js';
import type { RecordedStatement, WriteTrace } from './write-recorder.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

type Migrate = (file: string) => Promise<void>;
type NewId = () => string;

/** The engine modules this baseline needs, loaded lazily: the minimal baseline must run even when they do not. */
export interface SchemaSide {
  /** Creates an idflow repository file (all migrations applied) and closes it. */
  readonly migrate: Migrate;
  readonly newId: NewId;
}

export async function loadSchemaSide(): Promise<SchemaSide> {
  const { openRepository } = await import('../src/repository/open-repository.js');
  const { newInstanceId } = await import('../src/engine/instance-id.js');
  return {
    migrate: async (file) => {
      const repository = await openRepository({ db: file });
      await repository.close();
    },
    newId: newInstanceId,
  };
}

/** Epoch milliseconds between 2001 and 2286: the only numbers this large that the engine binds. */
const isTime = (v: number): boolean => v >= 1e12 && v < 1e13;

export interface Remap {
  readonly ids: Map<string, string>;
  readonly newId: NewId;
  readonly shift: number;
}

export function remap(value: unknown, m: Remap): unknown {
  if (typeof value === 'number') return m.shift !== 0 && isTime(value) ? value + m.shift : value;
  if (typeof value === 'string') {
    return value.length < 36
      ? value
      : value.replace(UUID, (u) => {
          let id = m.ids.get(u);
          if (id === undefined) m.ids.set(u, (id = m.newId()));
          return id;
        });
  }
  if (Array.isArray(value)) return value.map((v) => remap(v, m));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = remap(v, m);
    return out;
  }
  return value;
}

/** First and last time bound anywhere in the trace. */
export function timeSpan(trace: WriteTrace): number {
  let min = Infinity;
  let max = -Infinity;
  const visit = (v: unknown): void => {
    if (typeof v === 'number' && isTime(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(visit);
  };
  for (const c of trace.commits) for (const st of c.statements ?? []) visit(st.params);
  return max >= min ? max - min + 1 : 0;
}

/** Writes `instances` instances' worth of the recorded statements into a fresh idflow database and times it. */
export async function runBareSchema(side: SchemaSide, dir: string, name: string, trace: WriteTrace, instances: number): Promise<BareRun> {
  if (trace.commits.some((c) => c.statements === undefined)) throw new Error('the own-schema baseline needs a recorded trace (statements), not a nominal one');
  const file = join(dir, name);
  await side.migrate(file);
  const db = new Database(file);
  try {
    // The pragmas of src/repository/sqlite/sqlite-database.ts.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const prepared = new Map<string, Database.Statement>();
    const statement = (sql: string): Database.Statement => {
      let st = prepared.get(sql);
      if (!st) prepared.set(sql, (st = db.prepare(sql)));
      return st;
    };
    for (const c of trace.commits) for (const st of c.statements!) statement(st.sql);
    const begin = db.prepare('BEGIN IMMEDIATE');
    const commit = db.prepare('COMMIT');
    const repeats = Math.max(1, Math.round(instances / Math.max(1, trace.instances)));
    const span = timeSpan(trace);
    let commits = 0;
    let rows = 0;
    let elapsed = 0n;
    for (let r = 0; r < repeats; r++) {
      const m: Remap = { ids: new Map(), newId: side.newId, shift: r * span };
      const batch: { st: Database.Statement; params: unknown[] }[][] = trace.commits.map((c) =>
        c.statements!.map((s: RecordedStatement) => ({ st: statement(s.sql), params: remap(s.params, m) as unknown[] })),
      );
      const start = process.hrtime.bigint();
      for (const c of batch) {
        begin.run();
        for (const { st, params } of c) rows += st.run(...params).changes;
        commit.run();
        commits++;
      }
      elapsed += process.hrtime.bigint() - start;
    }
    return { instances: repeats * trace.instances, seconds: Number(elapsed) / 1e9, commits, rows };
  } finally {
    db.close();
  }
}
