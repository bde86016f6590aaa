/**
 * Out of office (migration 0012; docs/decisions/out-of-office.md): who declared an absence, from when until when,
 * and who receives their new work items meanwhile; and the hand-over of open items to that delegate. Async and free
 * of SQL dialect so that both databases implement it. Times are epoch milliseconds.
 */
import type { AuditRecord } from './runtime-store.js';

export interface AbsenceRecord {
  /** Who is away: the name work items use for owners. */
  readonly person: string;
  /** Who holds their new work items while the absence is in force. */
  readonly delegate: string;
  /** In force from (inclusive). */
  readonly from: number;
  /** In force until (exclusive); null: until cleared. */
  readonly until: number | null;
  readonly note: string | null;
  /** Who declared it (the person, or an administrator for them). */
  readonly setBy: string;
  readonly setAt: number;
}

/** One open work item moved from its owner to a delegate. */
export interface WorkItemHandOver {
  readonly id: string;
  /** The owner it must still have (an item decided or moved meanwhile is left alone). */
  readonly from: string;
  readonly to: string;
  /** Written with the move, only when the item moved. */
  readonly audit: AuditRecord;
}

export interface AbsenceStore {
  readonly kind: 'absences';
  /** Declares (or replaces) `absence.person`'s absence. */
  put(absence: AbsenceRecord): Promise<void>;
  /** Ends it; false when the person had none. */
  clear(person: string): Promise<boolean>;
  get(person: string): Promise<AbsenceRecord | undefined>;
  /** Every absence, or those of one person or naming one delegate, by person. */
  list(filter?: { readonly person?: string; readonly delegate?: string }): Promise<AbsenceRecord[]>;
  /**
   * The absences of these people that are in force at `at`. `seenMark`: the `absences` change counter as a read of the
   * same advance found it (PersistReads.absencesMark, read with the identity): while the store's copy of the
   * absences is of that value it answers from the copy, with no read (docs/decisions/absence-reads.md).
   */
  inForce(persons: readonly string[], at: number, seenMark?: number): Promise<AbsenceRecord[]>;
  /**
   * Moves each item to its `to` (owner `to`, `delegated_from` its old owner) when it is still open and still owned
   * by `from`, with its audit row, in one transaction. Returns the ids that moved.
   */
  handOver(moves: readonly WorkItemHandOver[]): Promise<string[]>;
}

/**
 * A store's copy of every absence as of the `absences` change counter's value `mark` (bumped in the transaction of
 * every absence write, whichever process makes it), read in one statement with the counter. At most
 * {@link ABSENCE_COPY_LIMIT} absences are kept; with more, every lookup reads.
 */
export interface AbsenceCopy {
  readonly mark: number;
  /** By person (byte order); undefined: too many to keep. */
  readonly rows: readonly AbsenceRecord[] | undefined;
}

export const ABSENCE_COPY_LIMIT = 1000;

/** `copy`'s absences of `persons` in force at `at`, by person, as the inForce statement answers. */
export function inForceOf(rows: readonly AbsenceRecord[], persons: readonly string[], at: number): AbsenceRecord[] {
  if (rows.length === 0) return [];
  const wanted = new Set(persons);
  return rows.filter((a) => wanted.has(a.person) && a.from <= at && (a.until === null || a.until > at));
}

/** The copy from the rows of the copy statement: the counter on every row, one row of NULL columns when none. */
export function absenceCopyOf(rows: readonly (AbsenceRow & { mark: number | string })[]): AbsenceCopy {
  const mark = Number(rows[0]?.mark ?? 0);
  const present = rows.filter((r) => r.person !== null);
  return { mark, rows: present.length > ABSENCE_COPY_LIMIT ? undefined : present.map(toAbsence) };
}

/** The row as both databases store it. */
export interface AbsenceRow {
  person: string;
  delegate: string;
  starts_at: number | string;
  ends_at: number | string | null;
  note: string | null;
  set_by: string;
  set_at: number | string;
}

export function toAbsence(r: AbsenceRow): AbsenceRecord {
  return {
    person: r.person,
    delegate: r.delegate,
    from: Number(r.starts_at),
    until: r.ends_at === null ? null : Number(r.ends_at),
    note: r.note,
    setBy: r.set_by,
    setAt: Number(r.set_at),
  };
}

export const ABSENCE_UPSERT_COLUMNS = ['person', 'delegate', 'starts_at', 'ends_at', 'note', 'set_by', 'set_at'] as const;

export function absenceValues(a: AbsenceRecord): unknown[] {
  return [a.person, a.delegate, a.from, a.until, a.note, a.setBy, a.setAt];
}
