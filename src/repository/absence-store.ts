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
  /** The absences of these people that are in force at `at`. */
  inForce(persons: readonly string[], at: number): Promise<AbsenceRecord[]>;
  /**
   * Moves each item to its `to` (owner `to`, `delegated_from` its old owner) when it is still open and still owned
   * by `from`, with its audit row, in one transaction. Returns the ids that moved.
   */
  handOver(moves: readonly WorkItemHandOver[]): Promise<string[]>;
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
