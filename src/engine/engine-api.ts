/**
 * The engine's public facade (CONTRACT): what the CLI, the tests, the benchmarks and later the HTTP API call.
 * The Runtime engineer implements it (`openEngine` in src/engine/engine.ts); others code against these types.
 */
import type { CallerLike } from '../access/caller.js';
import type { AbsenceRecord } from '../repository/absence-store.js';
import type { AbsenceRequest, AbsenceResult } from './out-of-office.js';
import type { XValue } from '../expression/env.js';
import type { Repository } from '../repository/repository.js';
import type { AuditRecord, LaunchDecision, ListPaging } from '../repository/runtime-store.js';
import type { IdflowError } from '../errors.js';
export type { LaunchDecision } from '../repository/runtime-store.js';
import type { ServiceOperation, TaskResult } from './interpreter/interpreter-types.js';
import type { WorkerActivity } from './worker-activity.js';

/** TaskInstance states (reference waveset §1.4) plus `terminated` (by an administrator or the execLimit sweep). */
export type TaskState = 'ready' | 'executing' | 'suspended' | 'finished' | 'terminated';

export interface TaskInstanceView {
  readonly id: string;
  /** Task name, unique among stored instances (finished ones included); resultOption applies when a launch reuses it. */
  readonly name: string;
  readonly definition: { readonly id: string; readonly type: string; readonly name: string; readonly version: number };
  readonly state: TaskState;
  /** Waiting on people or timers (state stays `executing` while waiting, as in Waveset). */
  readonly waiting: boolean;
  readonly launcher: string;
  readonly subject?: string;
  /** Current activity names. */
  readonly position: readonly string[];
  readonly variables: Readonly<Record<string, XValue>>;
  readonly result?: TaskResult;
  readonly steps: number;
  readonly progress?: { readonly message: string; readonly at: string };
  /**
   * The record of every activity that held a manual action, oldest first: who decided what and when, and the
   * activity's variables (kept after the instance ends, as long as the instance is kept).
   */
  readonly history: readonly ActivityHistoryEntry[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
  /** When a finished instance will be deleted (resultLimit), if ever. */
  readonly expiresAt?: string;
}

/** One manual-action activity in a TaskInstance's history. */
export interface ActivityHistoryEntry {
  readonly activity: string;
  readonly enteredAt: string;
  readonly completedAt?: string;
  readonly workItems: readonly string[];
  readonly decision?: string;
  readonly actor?: string;
  readonly comment?: string;
  readonly timedOut?: boolean;
  /** The instance ended (terminated) while the activity's work items were open: they were cancelled. */
  readonly cancelled?: boolean;
  readonly variables?: Readonly<Record<string, XValue>>;
}

export interface WorkItemView {
  readonly id: string;
  readonly instanceId: string;
  readonly definition: string;
  readonly activity: string;
  readonly owner: string | null;
  readonly permission?: string;
  readonly request: string;
  readonly itemType?: string;
  readonly decisions: readonly string[];
  readonly variables: Readonly<Record<string, XValue>>;
  readonly editable: readonly string[];
  readonly dueAt?: string;
  readonly state: 'open' | 'decided' | 'cancelled' | 'timeout';
  readonly delegatedFrom?: string;
  readonly decision?: string;
  readonly decidedBy?: string;
  readonly createdAt: string;
}

export interface LaunchRequest {
  /** TaskDefinition or Workflow name (latest version unless `version` says otherwise). */
  readonly definition: string;
  /**
   * Which type to launch when a TaskDefinition and a Workflow share the name; without it such a launch is refused
   * (`DEFINITION_AMBIGUOUS`).
   */
  readonly type?: 'TaskDefinition' | 'Workflow';
  /** Launch this version of the definition instead of the latest (an older one, kept in the repository). */
  readonly version?: number;
  readonly variables?: Readonly<Record<string, XValue>>;
  /** Overrides execMode when the definition allows it (syncControlAllowed). */
  readonly mode?: 'sync' | 'async';
  /** The user the process works on; at most one unfinished update workflow per subject. */
  readonly subject?: string;
  /**
   * Who launches it (WF_CASE_OWNER): a Caller, whose right to launch is checked (`LAUNCH_NOT_ALLOWED`), or a bare
   * name, read as the local administrator acting as that person (the CLI; src/access/caller.ts).
   */
  readonly launcher: CallerLike;
  readonly taskName?: string;
  /**
   * A decision the launcher takes at once on the first work item the instance reaches (the HR feed's
   * `firstTransition`: `Execute` on a Netwrix Request). Such a launch is committed `ready` whatever the definition's
   * execMode (asking for sync is refused where syncControlAllowed is false, as for `mode: 'async'`): the worker that
   * starts it fires the decision in the same advance, with the same checks and audit as {@link Engine.decide}. When no such item comes up, the instance goes on waiting and the audit says why
   * (`launch-decision-skipped`).
   */
  readonly firstDecision?: LaunchDecision;
  /**
   * The HR feed's launch row this launch starts, with the launcher's claim on it (src/connectors/hr/hr-launcher.ts):
   * marked `launched`, with `audit` (its instance id set to the new instance's), in the commit that inserts the
   * instance, so the row can never be started twice. Refused with `HR_LAUNCH_TAKEN` when the row is no longer pending
   * under `claim` (the claim lapsed and another launcher took it).
   */
  readonly hrLaunch?: { readonly id: string; readonly claim: string; readonly audit?: AuditRecord };
}

export interface LaunchManyOptions {
  /**
   * Advance the launched instances in this process before answering, instead of leaving them to the workers: each is
   * run to its first wait in memory and written once, already advanced, up to 50 per commit; one this cannot finish
   * (its advance failed, its write was refused) is written `ready` under this process's lease and advanced by the
   * worker's code, so a worker elsewhere never runs one twice (docs/decisions/launched-and-advanced.md). The answer
   * shows each instance as written. @default false
   */
  readonly advance?: boolean;
}

/** One launch of {@link Engine.launchMany}: started (`instance`), or refused with its own error. */
export type LaunchManyResult =
  | { readonly ok: true; readonly instance: TaskInstanceView }
  | { readonly ok: false; readonly error: IdflowError };

export interface LaunchResult {
  readonly instance: TaskInstanceView;
  /** Open work items of the instance after a synchronous run. */
  readonly workItems: readonly WorkItemView[];
}

export interface DecideRequest {
  readonly workItemId: string;
  readonly decision: string;
  /** Who decides: a Caller, or a bare name read as the local administrator acting as that person. */
  readonly actor: CallerLike;
  readonly variables?: Readonly<Record<string, XValue>>;
  readonly comment?: string;
  /** For Delegate / Refine decisions. */
  readonly assignee?: string;
}

export interface DecideResult {
  readonly instance: TaskInstanceView;
  /** Wizard-style continuation: the next open work item of the same person in this instance, if any. */
  readonly next?: WorkItemView;
  readonly workItems: readonly WorkItemView[];
}

/**
 * Order and paging of a list, by creation time then id. `after` continues a list past the last row of a page
 * (its `createdAt` as epoch milliseconds, and its id); `since` is inclusive and `until` exclusive (epoch ms).
 * @default order 'asc' (oldest first)
 */
export interface ListOrder extends Pick<ListPaging, 'order' | 'after'> {
  readonly since?: number;
  readonly until?: number;
}

export interface TaskFilter extends ListOrder {
  readonly state?: TaskState;
  readonly definition?: string;
  readonly subject?: string;
  readonly limit?: number;
}

/** Which ended instances `Engine.deleteEnded` deletes. */
export interface DeleteEndedFilter {
  /** Epoch ms: instances that ended (finished or terminated) before this instant. */
  readonly finishedBefore: number;
  /** Only instances of this definition. */
  readonly definition?: string;
  /** At most this many. */
  readonly limit?: number;
}

export interface WorkItemFilter extends ListOrder {
  /** Items this person may decide (owner, delegate, or permission holder). */
  readonly owner?: string;
  readonly instanceId?: string;
  /** @default 'open' */
  readonly state?: WorkItemView['state'];
  readonly limit?: number;
}

/**
 * Who holds which Netwrix permission; replaceable by the permission model of the HTTP milestone. A plain function
 * `(person, permission) => boolean` is one. The default is `createAclPermissionResolver` (profiles and
 * AccessControlRules in the repository; src/engine/acl-permission-resolver.ts).
 */
export interface PermissionResolver {
  (person: string, permission: string): boolean | Promise<boolean>;
  /**
   * Optional: every permission the person holds, as exact strings (a grant of a whole activity listed once per
   * state). With it an inbox is one query by permission list instead of a check of every item offered by
   * permission to anybody.
   */
  readonly held?: (person: string) => Promise<readonly string[]>;
}

/** How {@link Engine.runWorker} runs. */
export interface WorkerRunOptions {
  /**
   * Batches in flight at once in this process, each in its own round loop (the first also sweeps and runs
   * schedules). More than one pays off when the database, not this process, is the wait (PostgreSQL).
   * @default 1
   */
  readonly concurrency?: number;
  /** Told what the worker did since the last report, every `reportEveryMs` and once when it stops. */
  readonly onReport?: (activity: WorkerActivity) => void;
  /** @default 5000 */
  readonly reportEveryMs?: number;
}

export interface EngineOptions {
  readonly repository: Repository;
  /** Epoch-ms clock; tests pass a fake one. @default Date.now */
  readonly clock?: () => number;
  /** Identifies this worker in leases. @default `<hostname>:<pid>` */
  readonly workerId?: string;
  /** Instances claimed per worker round. @default 100 */
  readonly batchSize?: number;
  /** Extra service operations by op name (added to the built-in registry). */
  readonly operations?: Readonly<Record<string, ServiceOperation>>;
  /** Who holds which permission. @default createAclPermissionResolver(repository) */
  readonly permissions?: PermissionResolver;
  /**
   * Output of XPRESS `<print>` and `<trace>` while an instance runs, one line at a time.
   * @default writes `idflow [<instanceId>] <line>` to stderr
   */
  readonly onPrint?: (instanceId: string, line: string) => void;
  /**
   * Ceilings no definition can raise: the work one advance may do and the sizes an instance may store
   * (docs/engine.md, "Budgets and size limits"). Each is optional; the defaults are given per field.
   */
  readonly limits?: WorkLimits;
}

/**
 * The work budget of an advance and the size limits (engine option `limits`). An advance that spends its budget
 * (steps, XPRESS steps or time) yields between activities: its progress is committed and a later claim continues
 * it. Sizes are measured as stored (about the JSON length); a value referenced N times counts N times.
 *
 * ```ts
 * const engine = await openEngine({ repository, limits: { maxStepsCeiling: 20_000, maxStateBytes: 8 * 1024 * 1024 } });
 * ```
 */
export interface WorkLimits {
  /**
   * Highest `maxSteps` of any process: a definition's `maxSteps` may lower it, never raise it (a larger one is an
   * import error, DEF_MAX_STEPS_CEILING, and is clamped at run time). Past it the instance fails (ENGINE_MAX_STEPS).
   * @default 100_000
   */
  readonly maxStepsCeiling?: number;
  /** Activities one advance enters before it yields. @default 1_000 */
  readonly advanceSteps?: number;
  /** XPRESS steps one advance spends before it yields (checked between activities). @default 5_000_000 */
  readonly advanceXpressSteps?: number;
  /** Milliseconds one advance runs (on the monotonic `wallClock`) before it yields, checked between activities. @default 1_000 */
  readonly advanceMs?: number;
  /**
   * XPRESS steps all the expressions of one activity may spend together, the `<rule>`s they call included; past it
   * the expression fails with XPRESS_STEP_LIMIT. @default 1_000_000
   */
  readonly activityXpressSteps?: number;
  /** Largest value an expression may build, as stored (XPRESS_VALUE_TOO_LARGE). @default 16 MiB */
  readonly maxValueBytes?: number;
  /**
   * Largest stored size of an instance (its state with all variables, plus the work items and effects of one
   * advance): an advance past it is dropped and the instance fails (ENGINE_STATE_TOO_LARGE); a launch or decision
   * whose own variables pass it is refused. @default 32 MiB
   */
  readonly maxStateBytes?: number;
}

export interface Engine {
  launch(request: LaunchRequest): Promise<LaunchResult>;
  /**
   * Many launches in one commit (docs/decisions/batched-launches.md): each is checked as {@link launch} checks it,
   * the ones that pass are written `ready` together with their `launched` audit rows, and workers advance them in
   * batches; with `advance`, written once each, already advanced. One result per request, in order; a refused launch (`SUBJECT_BUSY`, `LAUNCH_NOT_ALLOWED`, an unknown
   * definition, …) is refused alone. Definitions that run `sync` are launched one by one as {@link launch} would.
   */
  launchMany(requests: readonly LaunchRequest[], options?: LaunchManyOptions): Promise<LaunchManyResult[]>;
  decide(request: DecideRequest): Promise<DecideResult>;
  /** With a caller, refused (`TASK_NOT_VISIBLE`) unless the caller may see it (src/access/authorize.ts). */
  getTask(id: string, caller?: CallerLike): Promise<TaskInstanceView>;
  /**
   * The whole id of the TaskInstance `idOrPrefix` names: its id, a unique prefix of it, or a unique prefix of the
   * id's random last group (at least 4 characters; src/engine/short-ids.ts). `TASK_NOT_FOUND`, `TASK_ID_AMBIGUOUS`
   * (the candidates in `details.candidates`).
   */
  resolveTaskId(idOrPrefix: string): Promise<string>;
  /** The same for work items; `<short task id>.<n>` works too. `WORKITEM_NOT_FOUND`, `WORKITEM_ID_AMBIGUOUS`. */
  resolveWorkItemId(idOrPrefix: string): Promise<string>;
  /** With a caller, only the instances the caller may see. */
  listTasks(filter?: TaskFilter, caller?: CallerLike): Promise<TaskInstanceView[]>;
  /** With a caller, only the items the caller may see: their inbox, or one visible instance's items. */
  listWorkItems(filter?: WorkItemFilter, caller?: CallerLike): Promise<WorkItemView[]>;
  /** Suspend, resume and terminate need the caller to supervise the instance (`TASK_CONTROL_NOT_ALLOWED`). */
  suspend(id: string, actor: CallerLike): Promise<TaskInstanceView>;
  resume(id: string, actor: CallerLike): Promise<TaskInstanceView>;
  terminate(id: string, actor: CallerLike): Promise<TaskInstanceView>;
  /**
   * Deletes a TaskInstance that ended aborted, with its work items; its AuditEvents stay and gain `purged`. The
   * actor must hold the Aborted permission of the activity where it was aborted
   * (`/Custom/Workflows/<wf>/<activity>/Aborted`). Refusals: `TASK_NOT_PURGEABLE` (not ended aborted),
   * `TASK_PURGE_NOT_ALLOWED`. Returns the instance as it was when it went (outcome `purged`).
   */
  purge(id: string, actor: CallerLike): Promise<TaskInstanceView>;
  /** Bulk terminate of the unfinished instances matching `filter`, at most `filter.limit`; returns how many were terminated. */
  terminateMany(filter: TaskFilter, actor: CallerLike): Promise<number>;
  /**
   * Deletes a kept result by hand: a finished or terminated TaskInstance with its work items. Its AuditEvents stay and
   * gain `deleted` (with the actor). Refusal: `TASK_NOT_ENDED` (terminate it first). Returns the instance as it was.
   */
  deleteTask(id: string, actor: CallerLike): Promise<TaskInstanceView>;
  /** Deletes every finished or terminated instance that ended before `filter.finishedBefore`; returns how many. */
  deleteEnded(filter: DeleteEndedFilter, actor: CallerLike): Promise<number>;
  /**
   * One worker round: sweep expired results (resultLimit) and overdue instances (execLimit); run due schedules; then
   * claim a batch of runnable instances (async launches, due timers, resumed ones), advance and commit them. Returns
   * how much it did.
   */
  runWorkerOnce(): Promise<{ readonly advanced: number; readonly scheduled: number; readonly swept: number }>;
  /**
   * Runs rounds until `signal` aborts (idle rounds wait a little), `options.concurrency` batches at once. On abort it
   * stops claiming, finishes or hands back what it holds, and returns.
   */
  runWorker(signal: AbortSignal, options?: WorkerRunOptions): Promise<void>;
  /**
   * Out of office (docs/decisions/out-of-office.md): declares `request.person`'s absence (default: the caller's own;
   * only administrators declare for others, `OOO_NOT_ALLOWED`), replacing any earlier one; with `handOver`, also moves
   * their open items to the delegate (an approval of the delegate's own request stays: the four-eyes rule).
   */
  declareAbsence(request: AbsenceRequest, actor: CallerLike): Promise<AbsenceResult>;
  /** Ends an absence (default: the caller's own); `OOO_NOT_FOUND` when there is none. Handed-over items stay with the delegate. */
  clearAbsence(person: string | undefined, actor: CallerLike): Promise<void>;
  /** Administrators: every absence; anybody else: their own and those naming them as delegate. */
  listAbsences(actor: CallerLike): Promise<AbsenceRecord[]>;
  close(): Promise<void>;
}
