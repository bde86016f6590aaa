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
import { statement, type PgDatabase } from './postgres-database.js';

const S = {
  put: statement(
    `INSERT INTO absences (${ABSENCE_UPSERT_COLUMNS.join(', ')}) VALUES (${ABSENCE_UPSERT_COLUMNS.map((_, k) => `$${k + 1}`).join(', ')})
     ON CONFLICT (person) DO UPDATE SET delegate = excluded.delegate, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
       note = excluded.note, set_by = excluded.set_by, set_at = excluded.set_at`,
  ),
  clear: statement('DELETE FROM absences WHERE person = $1'),
  get: statement('SELECT * FROM absences WHERE person = $1'),
  all: statement('SELECT * FROM absences ORDER BY person COLLATE "C"'),
  ofDelegate: statement('SELECT * FROM absences WHERE delegate = $1 ORDER BY person COLLATE "C"'),
  inForce: statement(
    'SELECT * FROM absences WHERE person = ANY($1::text[]) AND starts_at <= $2 AND (ends_at IS NULL OR ends_at > $2) ORDER BY person COLLATE "C"',
  ),
  inForceOne: statement('SELECT * FROM absences WHERE person = $1 AND starts_at <= $2 AND (ends_at IS NULL OR ends_at > $2)'),
  // In the transaction of every absence write (the row is made by the first; a database with none reads 0).
  bump: statement(
    `INSERT INTO change_counters (name, value) VALUES ('absences', 1) ON CONFLICT (name) DO UPDATE SET value = change_counters.value + 1`,
  ),
  // The counter and every absence in one statement (one snapshot): one row of NULL columns when there is none.
  copy: statement(
    `SELECT c.mark, a.* FROM (SELECT COALESCE((SELECT value FROM change_counters WHERE name = 'absences'), 0) AS mark) c
     LEFT JOIN absences a ON true ORDER BY a.person COLLATE "C" LIMIT ${ABSENCE_COPY_LIMIT + 1}`,
  ),
  move: statement("UPDATE work_items SET owner = $1, delegated_from = owner WHERE id = $2 AND state = 'open' AND owner = $3"),
  audit: statement(
    `INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map((c, k) => (c === 'data' ? `$${k + 1}::json` : `$${k + 1}`)).join(', ')})`,
  ),
};

/** Out of office in PostgreSQL: one statement per call; a hand-over in one transaction. */
export class PostgresAbsenceStore implements AbsenceStore {
  readonly kind = 'absences' as const;
  readonly #db: PgDatabase;
  /** See AbsenceCopy: undefined until a lookup that was given a mark reads it. */
  #copy: AbsenceCopy | undefined;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async put(absence: AbsenceRecord): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await tx.query(S.put, absenceValues(absence));
      await tx.query(S.bump);
    });
  }

  async clear(person: string): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      const gone = (await tx.query(S.clear, [person])).rowCount > 0;
      if (gone) await tx.query(S.bump);
      return gone;
    });
  }

  async get(person: string): Promise<AbsenceRecord | undefined> {
    const row = (await this.#db.query<AbsenceRow>(S.get, [person])).rows[0];
    return row ? toAbsence(row) : undefined;
  }

  async list(filter: { readonly person?: string; readonly delegate?: string } = {}): Promise<AbsenceRecord[]> {
    if (filter.person !== undefined) {
      const one = await this.get(filter.person);
      return one && (filter.delegate === undefined || one.delegate === filter.delegate) ? [one] : [];
    }
    const { rows } = filter.delegate !== undefined ? await this.#db.query<AbsenceRow>(S.ofDelegate, [filter.delegate]) : await this.#db.query<AbsenceRow>(S.all);
    return rows.map(toAbsence);
  }

  async inForce(persons: readonly string[], at: number, seenMark?: number): Promise<AbsenceRecord[]> {
    if (persons.length === 0) return [];
    if (seenMark !== undefined) {
      // The copy is current while the counter, read earlier in this advance, still has its value: no round trip.
      if (this.#copy?.mark !== seenMark) this.#copy = absenceCopyOf((await this.#db.query<AbsenceRow & { mark: string }>(S.copy)).rows);
      if (this.#copy.rows) return inForceOf(this.#copy.rows, persons, at);
    }
    if (persons.length === 1) return (await this.#db.query<AbsenceRow>(S.inForceOne, [persons[0], at])).rows.map(toAbsence);
    const unique = [...new Set(persons)];
    return (await this.#db.query<AbsenceRow>(S.inForce, [unique, at])).rows.map(toAbsence);
  }

  async handOver(moves: readonly WorkItemHandOver[]): Promise<string[]> {
    if (moves.length === 0) return [];
    return this.#db.transaction(async (tx) => {
      const moved: string[] = [];
      for (const m of moves) {
        if ((await tx.query(S.move, [m.to, m.id, m.from])).rowCount === 0) continue;
        await tx.query(S.audit, auditValues(m.audit));
        moved.push(m.id);
      }
      return moved;
    });
  }
}
