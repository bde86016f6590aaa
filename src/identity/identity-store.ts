/**
 * The identity store (`repo.identities`): identities and their dated records, resources, assignments and accounts,
 * on SQLite and PostgreSQL alike. The store only reads and writes; what to write is decided by `planChangeSet`
 * (src/identity/plan-change-set.ts) and written through {@link IdentityStore.apply} or, in a step's own commit,
 * through `InstanceWrite.identity`.
 */
import type { ListPaging } from '../repository/runtime-store.js';
import type { AccountRow, AssignmentRow, IdentityRecordRow, IdentityRow, IdentityState, ResourceKind, ResourceRow } from './identity-rows.js';
import type { IdentityWrite, IdentityWriteStatus } from './identity-write.js';

/** Everything the planner needs about one identity: its row, its live records, its held assignments, its accounts. */
export interface IdentitySnapshot {
  readonly identity: IdentityRow;
  /** Records not superseded (drafts included), every date. */
  readonly records: readonly IdentityRecordRow[];
  /** Assignments not removed. */
  readonly assignments: readonly AssignmentRow[];
  readonly accounts: readonly AccountRow[];
}

/**
 * What a Persist reads before it plans: the identity found by id or login, the identity holding the change set's
 * employee id (the same one, another, or none), and the resources with a birthright rule.
 */
export interface SubjectKeyReads {
  readonly loginKey: string | undefined;
  readonly absencesMark: number;
}

export interface PersistReads {
  readonly found: IdentitySnapshot | undefined;
  readonly holder: IdentityRow | undefined;
  readonly birthright: readonly ResourceRow[];
  /**
   * The `absences` change counter, read in the same statement (the store's answer only): the advance's out-of-office
   * lookup answers from the absence store's copy while it is of this value (docs/decisions/absence-reads.md).
   */
  readonly absencesMark?: number;
}

/** What `planChangeSet` reads. The store implements it; a step reads through it before it plans. */
export interface IdentityReader {
  /** By id, or by login compared by its key (`JDoe` finds `jdoe`). */
  findIdentity(idOrLogin: string): Promise<IdentitySnapshot | undefined>;
  /** The identity holding this HR key (employee ids are unique). */
  findIdentityByEmployeeId(employeeId: string): Promise<IdentityRow | undefined>;
  /**
   * {@link findIdentity}, {@link findIdentityByEmployeeId} (null: none asked) and {@link birthrightResources} answered
   * together, in one statement where the store can (a new identity's Persist reads nothing else). Optional: a reader
   * without it is asked each question on its own.
   */
  persistReads?(idOrLogin: string, employeeId: string | null): Promise<PersistReads>;
  /**
   * What a launch's subject lookup needs, in one statement (optional on a reader; the store always has it): the login
   * key of the identity with this id (else this login), without its records, and the `absences` change counter
   * (see PersistReads.absencesMark).
   */
  subjectKeyReads?(idOrLogin: string): Promise<SubjectKeyReads>;
  /** By id, or by name compared by its key. */
  getResource(idOrName: string): Promise<ResourceRow | undefined>;
  /**
   * Every resource with a birthright rule (src/identity/birthright.ts), by name. Optional so that a reader made for a
   * test or a tool still plans: without it, nothing is granted by birthright.
   */
  birthrightResources?(): Promise<ResourceRow[]>;
}

export interface IdentityFilter extends ListPaging {
  readonly state?: IdentityState;
  readonly organization?: string;
  readonly limit?: number;
}

export interface ResourceFilter extends ListPaging {
  readonly kind?: ResourceKind;
  readonly connector?: string;
  readonly limit?: number;
}

/** Which records a question about one moment sees. */
export interface AsOf {
  /** The moment the records must be valid at (epoch ms). */
  readonly validAt: number;
  /** What was known then: records recorded by then and not yet superseded then. @default now (what is known today) */
  readonly knownAt?: number;
  /** Also see draft records. @default false */
  readonly drafts?: boolean;
}

export interface IdentityStore extends IdentityReader {
  readonly kind: 'identities';

  getIdentity(id: string): Promise<IdentityRow | undefined>;
  listIdentities(filter?: IdentityFilter): Promise<IdentityRow[]>;
  /** The records of one identity valid at `asOf.validAt` as known at `asOf.knownAt` (one per kind at most, oldest first). */
  recordsAsOf(identityId: string, asOf: AsOf): Promise<IdentityRecordRow[]>;
  /** Every record of one identity, superseded ones included, in the order they were recorded. */
  recordHistory(identityId: string): Promise<IdentityRecordRow[]>;

  listResources(filter?: ResourceFilter): Promise<ResourceRow[]>;
  /** What a Persist reads first, in one statement while the birthright rules are unchanged (the store always answers it). */
  persistReads(idOrLogin: string, employeeId: string | null): Promise<PersistReads>;
  subjectKeyReads(idOrLogin: string): Promise<SubjectKeyReads>;
  /** Every resource with a birthright rule, by name (the store always answers it). */
  birthrightResources(): Promise<ResourceRow[]>;
  /**
   * Creates a resource, or updates the one of the same name (compared by key): kind, display name, description,
   * connector, target key and owners; `id` and `createdAt` of an existing one stay. Returns the stored row.
   */
  putResource(resource: ResourceRow): Promise<ResourceRow>;

  listAssignments(filter: { readonly identityId?: string; readonly resourceId?: string; readonly includeRemoved?: boolean }): Promise<AssignmentRow[]>;
  listAccounts(identityId: string): Promise<AccountRow[]>;

  /**
   * Future-dated records whose date has come (`valid_from <= now`, not applied, not drafts, not superseded), oldest
   * first: what the sweep applies.
   */
  dueRecords(now: number, limit: number): Promise<IdentityRecordRow[]>;

  /**
   * Assignments not removed whose end (`valid_until`) has come, oldest first: what the assignment-end sweep removes
   * (a leaver's on the leaving date, a resource asked for until a date).
   */
  dueAssignmentEnds(now: number, limit: number): Promise<AssignmentRow[]>;

  /** Applies writes in ONE transaction, each as its own compare-and-set; one status per write, in order. */
  apply(writes: readonly IdentityWrite[]): Promise<IdentityWriteStatus[]>;
}
