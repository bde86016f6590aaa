/**
 * The engine's durable state: TaskInstances, work items, the append-only audit, subject locks, the side-effect
 * ledger and schedule state. Async and free of SQL dialect so that PostgreSQL implements it too; the engine
 * (src/engine/) decides what to write, the store only writes it.
 *
 * Batch-first: a worker round claims many instances at once and commits all of them in one transaction
 * ({@link RuntimeStore.commit}); a conflict on one instance (a stale revision, a busy subject) skips that
 * instance's writes and keeps the others'.
 *
 * Times are epoch milliseconds.
 */
import type { InstanceState, TaskResult } from '../engine/interpreter/interpreter-types.js';
import type { DecisionModel } from '../definition/model/action.js';
import type { XValue } from '../expression/env.js';
import type { IdentityWrite } from '../identity/identity-write.js';
import type { NewNotification } from './notification-store.js';

export type InstanceStateName = 'ready' | 'executing' | 'suspended' | 'finished' | 'terminated';

/**
 * The name of a TaskInstance launched without one: its definition's name and its whole id, so it can never collide
 * with another instance's. Stores may keep such names implicit (derived from the row) rather than store them.
 */
export function defaultTaskName(definitionName: string, id: string): string {
  return `${definitionName} #${id}`;
}
export type WorkItemStateName = 'open' | 'decided' | 'cancelled' | 'timeout';

/** One TaskInstance row. */
export interface InstanceRecord {
  readonly id: string;
  readonly name: string;
  readonly definitionId: string;
  readonly definitionType: string;
  readonly definitionName: string;
  readonly definitionVersion: number;
  readonly state: InstanceStateName;
  readonly waiting: boolean;
  readonly launcher: string;
  /** The user the process works on, as given (what people see). */
  readonly subject: string | null;
  /**
   * What the subject is compared by: `subjectKey(subject)` (src/identity/subject-key.ts), computed by the engine.
   * Subject locks and listings by subject use it, never `subject` itself. Null exactly when `subject` is.
   */
  readonly subjectKey: string | null;
  readonly position: readonly string[];
  /** The interpreter's opaque state; null until the instance has started (a `ready` async launch). */
  readonly interpreterState: InstanceState | null;
  /** Process variables as last committed; for a `ready` instance, the launch inputs. */
  readonly variables: Readonly<Record<string, XValue>>;
  readonly result: TaskResult | null;
  readonly steps: number;
  readonly progress: { readonly message: string; readonly at: number } | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly finishedAt: number | null;
  readonly expiresAt: number | null;
  /** When a worker must next look at it (now for async launches, a timer otherwise); null when nothing is due. */
  readonly wakeAt: number | null;
  /** True when it must be started or continued as soon as a worker is free (not a timer). */
  readonly runnable: boolean;
  /** execLimit: past this time the sweep terminates it. */
  readonly execDeadline: number | null;
  /**
   * The worker holding it, and until when, in database time ({@link RuntimeStore.databaseTime}). Leases are taken
   * only by claims, {@link InstanceWrite.holdLeaseMs} and renewals; a write whose record has `leaseOwner` null drops
   * the lease.
   */
  readonly leaseOwner: string | null;
  readonly leaseUntil: number | null;
  /**
   * Claims since the instance's last commit that ended neither in a commit nor in a hand-back: how many workers died
   * or lost their lease while holding it. A claim adds one, a commit resets it, a lease handed back
   * ({@link RuntimeStore.releaseLeases}) takes the claim's one back. Written by the store only: the value in a
   * write is ignored.
   */
  readonly attempts: number;
  /** Bumped by every commit; commits check it (optimistic concurrency). */
  readonly revision: number;
  /**
   * A `ready` instance's launch decision (`LaunchRequest.firstDecision`): fired by the worker that starts it, on the
   * first work item it reaches, and cleared by that commit. Absent or null otherwise.
   */
  readonly launchDecision?: LaunchDecision | null;
}

/** The decision a launcher takes on the first work item its launch reaches (the HR feed's `firstTransition`). */
export interface LaunchDecision {
  /** The decision (a verb such as `Execute`). */
  readonly decision: string;
  /** Only an item of this activity (or template state, e.g. `ActionWithRefine-ActionPending`) is decided. */
  readonly activity?: string;
  readonly comment?: string;
}

/** One work item row. */
export interface WorkItemRecord {
  readonly id: string;
  readonly instanceId: string;
  readonly definitionName: string;
  readonly activity: string;
  readonly action: string;
  readonly owner: string | null;
  readonly permission: string | null;
  readonly request: string;
  readonly itemType: string | null;
  readonly decisions: readonly DecisionModel[];
  readonly variables: Readonly<Record<string, XValue>>;
  readonly editable: readonly string[];
  readonly form: string | null;
  readonly dueAt: number | null;
  readonly state: WorkItemStateName;
  readonly delegatedFrom: string | null;
  readonly decision: string | null;
  readonly decidedBy: string | null;
  readonly comment: string | null;
  readonly createdAt: number;
  readonly closedAt: number | null;
}

/** Closing (or, with state `open`, saving) a work item. */
export interface WorkItemCloseWrite {
  readonly id: string;
  readonly state: WorkItemStateName;
  readonly decision?: string;
  readonly decidedBy?: string;
  readonly comment?: string;
  /** Replaces the item's variables (a `save`). */
  readonly variables?: Readonly<Record<string, XValue>>;
  readonly at: number;
}

/** An AuditEvent. Append-only: never updated, never deleted with its instance. */
export interface AuditRecord {
  readonly at: number;
  readonly instanceId?: string;
  readonly instanceName?: string;
  readonly definitionName?: string;
  readonly event: string;
  readonly activity?: string;
  readonly actor?: string;
  readonly workItemId?: string;
  readonly data?: Readonly<Record<string, XValue>>;
}

export interface StoredAuditEvent extends AuditRecord {
  readonly id: number;
}

/** One row of the idempotency ledger. */
export interface SideEffectRecord {
  readonly key: string;
  readonly operation: string;
  readonly data: Readonly<Record<string, XValue>>;
  readonly instanceId: string;
  readonly at: number;
}

/**
 * Everything one instance's commit writes. With `expectedRevision` null the instance is inserted; otherwise its row
 * is updated only if its revision still equals `expectedRevision` (else the write is skipped as `conflict`).
 */
export interface InstanceWrite {
  /** The row after the commit (its `revision` is the new one). */
  readonly instance: InstanceRecord;
  readonly expectedRevision: number | null;
  /** Delete the instance (and its work items) after writing: resultLimit 0. Audit rows stay. */
  readonly delete?: boolean;
  readonly createWorkItems?: readonly WorkItemRecord[];
  readonly closeWorkItems?: readonly WorkItemCloseWrite[];
  /** Close every still-open work item of the instance with this state (end, terminate). */
  readonly closeOpenWorkItems?: { readonly state: WorkItemStateName; readonly at: number };
  readonly audit?: readonly AuditRecord[];
  readonly sideEffects?: readonly SideEffectRecord[];
  /**
   * Outbox rows for the mail workers (notification-store.ts), written only when the write is. A row whose key is
   * already there is skipped, not an error: a replayed step writes each message once.
   */
  readonly notifications?: readonly NewNotification[];
  /**
   * Take the lock on this subject key (a `subjectKey`, never a subject as typed) for this instance; refused
   * (`subject-busy`) when another instance holds it. Stores compare keys as exact strings.
   */
  readonly acquireSubject?: string;
  /**
   * Refuse the write (`subject-busy`) when another instance holds the lock on this subject key, without taking it:
   * an instance inserted already ended (a launch advanced to its end before its first write) holds no lock, but may
   * not have run while another update workflow held its subject. Checked before anything of the write is written.
   */
  readonly checkSubject?: string;
  /** Release every subject lock this instance holds. */
  readonly releaseSubject?: boolean;
  /**
   * More subject keys this instance locks, besides its own subject (Waveset `checkoutObject`): each taken like
   * `acquireSubject`, and the whole write refused (`subject-busy`) when another instance holds one. Released by
   * `unlockSubjects` or, with every other lock of the instance, when it ends.
   */
  readonly lockSubjects?: readonly string[];
  /** Subject keys whose lock held by THIS instance is released (Waveset `checkinObject`, `unlockObject`). */
  readonly unlockSubjects?: readonly string[];
  /** Other instances removed before this one is written (resultOption delete/terminate). */
  readonly deleteInstances?: readonly string[];
  /** Other instances renamed before this one is written (resultOption rename). */
  readonly renameInstances?: readonly { readonly id: string; readonly name: string }[];
  /** Written instead when the write is refused (a launch from another instance's effect). */
  readonly auditIfRefused?: readonly AuditRecord[];
  /**
   * Hold the lease for `instance.leaseOwner` for this many milliseconds of database time from the commit (a
   * checkpoint of a run that goes on). Without it the lease columns are written as the record has them.
   */
  readonly holdLeaseMs?: number;
  /**
   * A schedule occurrence this write launches: the schedule's state moves on in the same transaction, as a
   * compare-and-set (see {@link RuntimeStore.updateScheduleState}), so the occurrence is consumed exactly when its
   * instance is written. When the compare-and-set fails (another worker took the occurrence), the WHOLE commit is
   * written as nothing and every write of it gets `schedule-moved`: its other writes are the launch's own children.
   */
  readonly schedule?: ScheduleStateChange;
  /**
   * The HR feed's launch row this write starts (an instance insert), with the launcher's claim on it: checked before
   * anything of the write is written, and marked `launched` with the instance's id in the same transaction, so a
   * launch and its row's new state are committed together or not at all. When the row is no longer pending under
   * `claim` (the claim lapsed and another launcher took it) the write is refused (`launch-taken`).
   */
  readonly hrLaunch?: { readonly id: string; readonly claim: string };
  /**
   * Identity-store writes of this step (its `identity` effects, in order), applied in the same transaction as the
   * instance, each as a compare-and-set on the identity's revision. When one fails, the instance's whole write is
   * skipped as `conflict` (and the step replays against what is stored now).
   */
  readonly identity?: readonly IdentityWrite[];
}

/**
 * - `committed`: written.
 * - `conflict`: the row's revision was no longer `expectedRevision`; this write skipped.
 * - `subject-busy`: another instance holds the subject; this write skipped.
 * - `name-taken`: another instance took the name meanwhile; this write skipped.
 * - `schedule-moved`: a write's schedule compare-and-set failed; nothing of the commit was written.
 * - `launch-taken`: the write's HR launch row is no longer pending under its claim; this write skipped.
 */
export type CommitStatus = 'committed' | 'conflict' | 'subject-busy' | 'name-taken' | 'schedule-moved' | 'launch-taken';

/**
 * Whether a refusal of this write (`conflict`, `subject-busy`) can come after the store wrote part of it, so that the
 * write needs a savepoint of its own in a batch commit: a schedule's move and removing or renaming other instances
 * come before its compare-and-set; identity writes and subject locks come after it. Otherwise a refusal is its first
 * write (the subject check, the compare-and-set) and leaves nothing to roll back.
 */
export function refusableAfterWriting(w: InstanceWrite): boolean {
  return !!(
    w.schedule ||
    w.deleteInstances?.length ||
    w.renameInstances?.length ||
    w.identity?.length ||
    w.lockSubjects?.length ||
    w.acquireSubject !== undefined
  );
}

/**
 * How a list is ordered and paged: by creation time, then id (a total order both databases index and compare the
 * same way). `after` is a keyset cursor: only rows strictly past that (createdAt, id) in the list's order, so a page
 * never repeats or skips a row when rows are added meanwhile. `createdFrom` is inclusive, `createdTo` exclusive
 * (epoch milliseconds). Without `order`, oldest first.
 */
export interface ListPaging {
  readonly order?: 'asc' | 'desc';
  readonly after?: { readonly createdAt: number; readonly id: string };
  readonly createdFrom?: number;
  readonly createdTo?: number;
}

export interface InstanceFilter extends ListPaging {
  readonly state?: InstanceStateName;
  readonly states?: readonly InstanceStateName[];
  readonly definitionName?: string;
  /** Instances whose `subjectKey` equals this (exact string comparison: the engine normalised it). */
  readonly subjectKey?: string;
  /** Epoch ms: only instances that ended (finished_at set) before it. */
  readonly finishedBefore?: number;
  readonly limit?: number;
}

export interface WorkItemQuery extends ListPaging {
  /** Items owned by this person. */
  readonly owner?: string;
  /** Also return items offered by permission (owner or not); the engine filters them by the resolver. */
  readonly includePermissionItems?: boolean;
  /**
   * Also return items offered by one of these exact permissions (owner or not): an inbox of a person whose
   * permissions are known. Takes precedence over `includePermissionItems`.
   */
  readonly permissions?: readonly string[];
  readonly instanceId?: string;
  readonly state?: WorkItemStateName;
  readonly limit?: number;
}

export interface ScheduleStateRecord {
  readonly name: string;
  readonly lastRun: number | null;
  readonly nextRun: number | null;
  readonly runCount: number;
  readonly updatedAt: number;
}

/** Moving a schedule's state on, as a compare-and-set on its stored next run. */
export interface ScheduleStateChange {
  readonly next: ScheduleStateRecord;
  /** The stored `nextRun` the change expects; undefined when the schedule has no state yet. */
  readonly expectedNextRun: number | null | undefined;
}

export interface RuntimeStore {
  readonly kind: 'runtime';

  /** Writes a batch of instance commits in ONE transaction; one status per write, in order. */
  commit(writes: readonly InstanceWrite[]): Promise<CommitStatus[]>;

  /**
   * The database's clock, epoch milliseconds: the time leases are taken, renewed and expire in, the same for every
   * worker process whatever its own clock says. (SQLite, embedded, has no server clock: its store uses the clock it
   * was opened with, the machine's by default, which every process sharing the file shares too.)
   */
  databaseTime(): Promise<number>;
  /**
   * Claims up to `limit` instances due at `now` (engine time: `wake_at <= now`, `ready` or `executing`) that no
   * worker holds (no lease, or one expired in database time), for `owner`, for `leaseMs` of database time; adds one
   * to each one's `attempts`. Oldest due first. Expired leases are how a killed worker's instances come back.
   */
  claim(owner: string, now: number, leaseMs: number, limit: number): Promise<InstanceRecord[]>;
  /** Claims these instances, as `claim` would, if they are due or runnable and not leased by someone else (asyncImmediate). */
  claimIds(ids: readonly string[], owner: string, now: number, leaseMs: number): Promise<InstanceRecord[]>;
  /**
   * Extends `owner`'s leases on these instances to `leaseMs` of database time from now; returns the ids it still
   * held (and now holds longer). An id missing from the answer was lost: its lease expired and another worker
   * claimed it, or a commit elsewhere ended it. A lease that expired but that nobody took is renewed: nothing else
   * ran the instance meanwhile.
   */
  renewLeases(owner: string, ids: readonly string[], leaseMs: number): Promise<string[]>;
  /**
   * Hands back `owner`'s leases (all of them, or only on `ids`), taking back the attempt each claim added: the
   * instances are due again at once for any worker. Used at a clean shutdown and when a batch cannot commit. Returns
   * how many.
   */
  releaseLeases(owner: string, ids?: readonly string[]): Promise<number>;

  getInstance(id: string): Promise<InstanceRecord | undefined>;
  getInstanceByName(name: string): Promise<InstanceRecord | undefined>;
  listInstances(filter?: InstanceFilter): Promise<InstanceRecord[]>;
  /** Who holds the lock on this subject key (see {@link InstanceWrite.acquireSubject}), if anyone. */
  subjectHolder(subjectKey: string): Promise<string | undefined>;

  /**
   * Ids of the TaskInstances a short id may mean, in id order, at most `limit`: those whose id starts with `prefix`,
   * and those whose random tail (the id from its 25th character on, the last group of a UUID) starts with it.
   * `prefix` holds only `0-9`, `a-f` and `-` (the engine checks), so it carries no LIKE wildcard and needs no case
   * folding: `WHERE id LIKE prefix || '%' OR substr(id, 25) LIKE prefix || '%' ORDER BY id LIMIT limit`. A scan is
   * acceptable: people type short ids, programs use whole ones.
   */
  findInstanceIds(prefix: string, limit: number): Promise<string[]>;
  /** The same for work item ids (`<instance id>.<n>`, so the tail is `<last group>.<n>`), over every work item. */
  findWorkItemIds(prefix: string, limit: number): Promise<string[]>;

  getWorkItem(id: string): Promise<WorkItemRecord | undefined>;
  listWorkItems(query?: WorkItemQuery): Promise<WorkItemRecord[]>;

  /** Finished instances whose result expired (resultLimit N), oldest first: ids to delete. */
  expiredInstances(now: number, limit: number): Promise<string[]>;
  /** Deletes instances (and their work items and locks); audit rows stay. Returns how many rows went. */
  deleteInstances(ids: readonly string[]): Promise<number>;
  /** Unfinished instances past their execLimit deadline. */
  overdueInstances(now: number, limit: number): Promise<InstanceRecord[]>;

  /** Audit rows not tied to an instance commit (a schedule that skipped or failed a run). */
  appendAudit(records: readonly AuditRecord[]): Promise<void>;
  listAudit(filter?: { readonly instanceId?: string; readonly limit?: number }): Promise<StoredAuditEvent[]>;
  listSideEffects(filter?: { readonly instanceId?: string }): Promise<SideEffectRecord[]>;

  listScheduleStates(): Promise<ScheduleStateRecord[]>;
  /**
   * Compare-and-set of a schedule's state: succeeds only when the stored `nextRun` still equals `expectedNextRun`
   * (or the schedule has no state yet and `expectedNextRun` is undefined), so two workers never both run one
   * occurrence. `audit` rows are written in the same transaction, only when it succeeds: an occurrence that
   * launches nothing (skipped, or its launch refused) is consumed together with the row that says why. An
   * occurrence that launches goes with its launch instead ({@link InstanceWrite.schedule}).
   */
  updateScheduleState(next: ScheduleStateRecord, expectedNextRun: number | null | undefined, audit?: readonly AuditRecord[]): Promise<boolean>;
}
