/**
 * The identity store as one advance sees it: what is stored, plus the writes that earlier steps of the same advance
 * planned but that are not committed yet (they commit together with the instance at the next wait state). Without
 * it, a PersistOnlyResources followed by a Persist in one advance would plan the second against the state before
 * the first.
 */
import { subjectKey } from './subject-key.js';
import type { IdentityRow, ResourceRow } from './identity-rows.js';
import type { IdentityReader, IdentitySnapshot, PersistReads } from './identity-store.js';
import type { IdentityWrite } from './identity-write.js';

/** The snapshot after `write` is applied to `before` (undefined: a new identity). */
export function snapshotAfter(before: IdentitySnapshot | undefined, write: IdentityWrite): IdentitySnapshot {
  const gone = new Set(write.supersede ?? []);
  const records = [...(before?.records ?? []).filter((r) => !gone.has(r.id)), ...(write.records ?? [])];
  const assignments = new Map((before?.assignments ?? []).map((a) => [a.id, a]));
  for (const a of write.assignments ?? []) assignments.set(a.id, a);
  const accounts = new Map((before?.accounts ?? []).map((a) => [a.connector, a]));
  for (const a of write.accounts ?? []) accounts.set(a.connector, a);
  return { identity: write.identity, records, assignments: [...assignments.values()].filter((a) => a.removedAt === null), accounts: [...accounts.values()] };
}

export class IdentityOverlay implements IdentityReader {
  readonly #base: IdentityReader;
  readonly #staged = new Map<string, IdentitySnapshot>();
  #absencesMark: number | undefined;

  constructor(base: IdentityReader) {
    this.#base = base;
  }

  /**
   * The `absences` change counter as the last store read of this advance that carried it found it (undefined: none
   * did): the advance's out-of-office lookup passes it to AbsenceStore.inForce.
   */
  get absencesMark(): number | undefined {
    return this.#absencesMark;
  }

  /** Remembers a planned write: later reads in this advance see its result. */
  async stage(write: IdentityWrite): Promise<void> {
    const before = this.#staged.get(write.identity.id) ?? (write.expectedRevision === null ? undefined : await this.#base.findIdentity(write.identity.id));
    this.#staged.set(write.identity.id, snapshotAfter(before, write));
  }

  async findIdentity(idOrLogin: string): Promise<IdentitySnapshot | undefined> {
    let key: string | undefined;
    try {
      key = subjectKey(idOrLogin);
    } catch {
      key = undefined;
    }
    for (const s of this.#staged.values()) if (s.identity.id === idOrLogin || s.identity.loginKey === key) return s;
    const found = await this.#base.findIdentity(idOrLogin);
    return found && this.#staged.has(found.identity.id) ? this.#staged.get(found.identity.id) : found;
  }

  async findIdentityByEmployeeId(employeeId: string): Promise<IdentityRow | undefined> {
    for (const s of this.#staged.values()) if (s.identity.employeeId === employeeId) return s.identity;
    const found = await this.#base.findIdentityByEmployeeId(employeeId);
    // Staged under another employee id since: not this one's any more.
    return found && this.#staged.has(found.id) ? undefined : found;
  }

  async persistReads(idOrLogin: string, employeeId: string | null): Promise<PersistReads> {
    // Nothing staged (an advance's first Persist): the store's one statement answers all; else each on its own.
    if (this.#staged.size === 0 && this.#base.persistReads) {
      const reads = await this.#base.persistReads(idOrLogin, employeeId);
      if (reads.absencesMark !== undefined) this.#absencesMark = reads.absencesMark;
      return reads;
    }
    return {
      found: await this.findIdentity(idOrLogin),
      holder: employeeId === null ? undefined : await this.findIdentityByEmployeeId(employeeId),
      birthright: await this.birthrightResources(),
    };
  }

  getResource(idOrName: string): Promise<ResourceRow | undefined> {
    return this.#base.getResource(idOrName);
  }

  async birthrightResources(): Promise<ResourceRow[]> {
    return (await this.#base.birthrightResources?.()) ?? [];
  }
}
