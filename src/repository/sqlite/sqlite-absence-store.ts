import {
  ABSENCE_COPY_LIMIT,
  ABSENCE_UPSERT_COLUMNS,
  absenceCopyOf,
  absenceValues,
  inForceOf,
  toAbsence,
  type AbsenceCopy,
  type AbsenceRecord,
  type AbsenceRow,
  type AbsenceStore,
  type WorkItemHandOver,
} from '../absence-store.js';
import { AUDIT_COLUMNS, auditValues } from '../runtime-rows.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';

/** Out of office in SQLite (synchronous underneath; async to share the interface with PostgreSQL). */
export class SqliteAbsenceStore implements AbsenceStore {
  readonly kind = 'absences' as const;
  readonly #db: SqliteDatabase;
  readonly #s: {
    readonly put: SqliteStatement;
    readonly clear: SqliteStatement;
    readonly get: SqliteStatement;
    readonly all: SqliteStatement;
    readonly ofDelegate: SqliteStatement;
    readonly move: SqliteStatement;
    readonly audit: SqliteStatement;
    readonly inForce: SqliteStatement;
    readonly inForceOne: SqliteStatement;
    readonly bump: SqliteStatement;
    readonly copy: SqliteStatement;
  };
  /** See AbsenceCopy: undefined until a lookup that was given a mark reads it. */
  #copy: AbsenceCopy | undefined;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#s = {
      put: db.prepare(
        `INSERT INTO absences (${ABSENCE_UPSERT_COLUMNS.join(', ')}) VALUES (${ABSENCE_UPSERT_COLUMNS.map(() => '?').join(', ')})
         ON CONFLICT (person) DO UPDATE SET delegate = excluded.delegate, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
           note = excluded.note, set_by = excluded.set_by, set_at = excluded.set_at`,
      ),
      clear: db.prepare('DELETE FROM absences WHERE person = ?'),
      get: db.prepare('SELECT * FROM absences WHERE person = ?'),
      all: db.prepare('SELECT * FROM absences ORDER BY person'),
      ofDelegate: db.prepare('SELECT * FROM absences WHERE delegate = ? ORDER BY person'),
      move: db.prepare("UPDATE work_items SET owner = ?, delegated_from = owner WHERE id = ? AND state = 'open' AND owner = ?"),
      // The persons as one JSON array: one statement prepared once for any number of them (an IN list of `?` would be
      // a statement per count, prepared again on every call; the engine asks for each work item it puts up).
      inForce: db.prepare(
        `SELECT * FROM absences WHERE person IN (SELECT value FROM json_each(?)) AND starts_at <= ? AND (ends_at IS NULL OR ends_at > ?) ORDER BY person`,
      ),
      // One person (an item put up for its owner): the primary key, no JSON made or parsed.
      inForceOne: db.prepare(`SELECT * FROM absences WHERE person = ? AND starts_at <= ? AND (ends_at IS NULL OR ends_at > ?)`),
      // In the transaction of every absence write (the row is made by the first; a database with none reads 0).
      bump: db.prepare(
        `INSERT INTO change_counters (name, value) VALUES ('absences', 1) ON CONFLICT (name) DO UPDATE SET value = change_counters.value + 1`,
      ),
      // The counter and every absence in one statement (one snapshot): one row of NULL columns when there is none.
      copy: db.prepare(
        `SELECT c.mark, a.* FROM (SELECT COALESCE((SELECT value FROM change_counters WHERE name = 'absences'), 0) AS mark) c
         LEFT JOIN absences a ON 1 ORDER BY a.person LIMIT ${ABSENCE_COPY_LIMIT + 1}`,
      ),
      audit: db.prepare(`INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map(() => '?').join(', ')})`),
    };
  }

  async put(absence: AbsenceRecord): Promise<void> {
    this.#db.transaction(() => {
      this.#s.put.run(...absenceValues(absence));
      this.#s.bump.run();
    }).immediate();
  }

  async clear(person: string): Promise<boolean> {
    return this.#db.transaction(() => {
      const gone = this.#s.clear.run(person).changes > 0;
      if (gone) this.#s.bump.run();
      return gone;
    }).immediate();
  }

  async get(person: string): Promise<AbsenceRecord | undefined> {
    const row = this.#s.get.get(person) as AbsenceRow | undefined;
    return row ? toAbsence(row) : undefined;
  }

  async list(filter: { readonly person?: string; readonly delegate?: string } = {}): Promise<AbsenceRecord[]> {
    if (filter.person !== undefined) {
      const one = await this.get(filter.person);
      return one && (filter.delegate === undefined || one.delegate === filter.delegate) ? [one] : [];
    }
    const rows = (filter.delegate !== undefined ? this.#s.ofDelegate.all(filter.delegate) : this.#s.all.all()) as AbsenceRow[];
    return rows.map(toAbsence);
  }

  async inForce(persons: readonly string[], at: number, seenMark?: number): Promise<AbsenceRecord[]> {
    if (persons.length === 0) return [];
    if (seenMark !== undefined) {
      // The copy is current while the counter, read earlier in this advance, still has its value.
      if (this.#copy?.mark !== seenMark) this.#copy = absenceCopyOf(this.#s.copy.all() as (AbsenceRow & { mark: number })[]);
      if (this.#copy.rows) return inForceOf(this.#copy.rows, persons, at);
    }
    if (persons.length === 1) return (this.#s.inForceOne.all(persons[0], at, at) as AbsenceRow[]).map(toAbsence);
    const rows = this.#s.inForce.all(JSON.stringify([...new Set(persons)]), at, at) as AbsenceRow[];
    return rows.map(toAbsence);
  }

  async handOver(moves: readonly WorkItemHandOver[]): Promise<string[]> {
    return this.#db.transaction(() => {
      const moved: string[] = [];
      for (const m of moves) {
        if (this.#s.move.run(m.to, m.id, m.from).changes === 0) continue;
        this.#s.audit.run(...auditValues(m.audit));
        moved.push(m.id);
      }
      return moved;
    })();
  }
}
