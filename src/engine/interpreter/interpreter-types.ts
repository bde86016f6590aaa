/**
 * The contract between the interpreter (pure: process model + state + event → new state + effects) and the
 * runtime (TaskInstances in the repository, work item rows, workers, CLI).
 *
 * The interpreter never touches the database. It advances an instance through every automatic step in memory
 * and returns at the next wait state (work items and/or a timer) or at the end, with everything the runtime must
 * commit in ONE transaction: the new state, work items to create and close, and effects.
 */
import type { DecisionModel } from '../../definition/model/action.js';
import type { ProcessObject, RuleObject } from '../../definition/model/objects.js';
import type { XValue } from '../../expression/env.js';
import type { AdvanceLimits, YieldReason } from './work-budget.js';
import type { IdentityWrite } from '../../identity/identity-write.js';
import type { IdentityReader } from '../../identity/identity-store.js';
import type { WavesetLookups } from '../../services/waveset-lookups.js';
import type { ApproverDirectory } from '../../approvals/approver-directory.js';

/** Opaque to the runtime; plain JSON, stored as the TaskInstance's state. Owned by the interpreter. */
export type InstanceState = { readonly v: number } & Readonly<Record<string, unknown>>;

/** Something a service operation or the interpreter wants written in the same commit as the state. */
export type Effect =
  /** An AuditEvent (append-only, outlives the TaskInstance). */
  | {
      readonly kind: 'audit';
      readonly event: string;
      readonly activity?: string;
      readonly actor?: string;
      readonly data?: Readonly<Record<string, XValue>>;
    }
  /**
   * A side effect recorded under an idempotency key (`<instanceId>:<step>:<action>`). The runtime inserts it with
   * the commit, so a replayed step after a crash produces the same key and the ledger shows it ran once.
   */
  | { readonly kind: 'side-effect'; readonly key: string; readonly operation: string; readonly data: Readonly<Record<string, XValue>> }
  /**
   * Launch another TaskDefinition/Workflow (Netwrix InvokeWorkflowAspect, ContinueWith): a new async instance
   * inserted in this same commit, or an audit row `launch-refused` when it cannot start (unknown, subject busy).
   */
  | { readonly kind: 'launch'; readonly definition: string; readonly variables: Readonly<Record<string, XValue>>; readonly launcher: string; readonly subject?: string }
  /** A message for a person (NotificationAspect, notify op): written to the outbox with the commit, mailed by the mail workers. */
  | { readonly kind: 'notification'; readonly to: readonly string[]; readonly subject: string; readonly body: string }
  /**
   * A change to the identity store (Persist, PersistOnlyResources, the Waveset user services), planned by
   * `planChangeSet`: written in the same transaction as the instance, as a compare-and-set on the identity's revision
   * (a moved revision makes the instance's write a `conflict`, which replays the step). An instance without a subject
   * takes the identity's login as its subject (an onboarding ends with `subject` set).
   */
  | { readonly kind: 'identity'; readonly write: IdentityWrite }
  /**
   * Lock (`hold`) or release a user for this instance (Waveset `checkoutObject`, `checkinObject`, `unlockObject`):
   * the subject lock of docs/decisions/one-workflow-per-subject.md on `subjectKey`, taken in the instance's commit
   * (refused as `subject-busy` when another instance took it meanwhile) and released with the instance at the latest.
   */
  | { readonly kind: 'subject-lock'; readonly subjectKey: string; readonly hold: boolean };

/** A work item the runtime must insert. The interpreter generates `id` (unique, deterministic per instance). */
export interface WorkItemSpec {
  readonly id: string;
  readonly activity: string;
  readonly action: string;
  /** Person who owns it; null when it is offered by permission (Netwrix waiting states). */
  readonly owner: string | null;
  /** Netwrix: `/Custom/Workflows/<wf>/<activity>/<state>`; whoever holds it may take the item. */
  readonly permission?: string;
  readonly request: string;
  readonly itemType?: string;
  /** Copy of the exposed variables. */
  readonly variables: Readonly<Record<string, XValue>>;
  /** Names a decision may write back. */
  readonly editable: readonly string[];
  readonly decisions: readonly DecisionModel[];
  /** Epoch ms; null when no timeout. */
  readonly dueAt: number | null;
  /** Set when the item was delegated / refined to `owner` by someone else. */
  readonly delegatedFrom?: string;
  readonly form?: string;
  /**
   * Set by the runtime, not the interpreter (src/engine/out-of-office.ts): `from` = the named owner who is away (the
   * item went to their delegate); `kept` = why it stayed with them (the four-eyes rule).
   */
  readonly outOfOffice?: { readonly from: string } | { readonly kept: string };
}

export interface WorkItemClose {
  readonly id: string;
  readonly reason: 'decided' | 'cancelled' | 'timeout' | 'saved';
  /** For `timeout` of an approval item: the person it was escalated to (docs/approvals.md). */
  readonly escalatedTo?: string;
  readonly decision?: string;
  readonly actor?: string;
  readonly comment?: string;
  /** For `saved`: the new variables of the still-open item. */
  readonly variables?: Readonly<Record<string, XValue>>;
}

/** What the instance reports as its result (Waveset WavesetResult, simplified). */
export interface TaskResult {
  /** Output variables (declared `output='true'`), by name. */
  readonly outputs: Readonly<Record<string, XValue>>;
  /** Error messages collected (failed actions, maxSteps, the reason of a termination). */
  readonly errors: readonly string[];
  readonly messages: readonly string[];
  /** Netwrix outcome or Waveset end: `completed`, `declined`, `aborted`, `failed`; set by the runtime: `terminated`, `purged`. */
  readonly outcome: string;
}

export interface AdvanceOutcome {
  readonly state: InstanceState;
  /** waiting = on work items and/or a timer; finished = reached an end; failed = stopped by an error (maxSteps…). */
  readonly status: 'waiting' | 'finished' | 'failed';
  readonly createWorkItems: readonly WorkItemSpec[];
  readonly closeWorkItems: readonly WorkItemClose[];
  /** Earliest time the instance must be woken (work item timeout, …); null when none. */
  readonly wakeAt: number | null;
  readonly effects: readonly Effect[];
  /** Activities entered in this advance (added to the instance's step count, shown in its progress). */
  readonly steps: number;
  /** Present when status is finished or failed. */
  readonly result?: TaskResult;
  /** Human-readable progress (current activity names). */
  readonly position: readonly string[];
  /**
   * True when the advance stopped at a checkpoint ({@link RunContext.checkpointDue}) with steps still to run:
   * status is `waiting`, `wakeAt` is now, and the state continues with a `continue` (or any) resume event.
   */
  readonly checkpoint?: true;
  /**
   * Set with `checkpoint` when the advance stopped because it spent its work budget ({@link RunContext.limits}):
   * the runtime commits it as runnable and leaves the rest to a later claim instead of going on at once.
   */
  readonly yielded?: YieldReason;
}

/** Why an instance is advanced. */
export type ResumeEvent =
  | {
      readonly kind: 'decision';
      readonly workItemId: string;
      readonly decision: string;
      readonly actor: string;
      readonly variables: Readonly<Record<string, XValue>>;
      readonly comment?: string;
      /** For `assign` decisions (Delegate, Refine): who holds the next item. */
      readonly assignee?: string;
    }
  /** Timers whose time has come (work item timeouts). */
  | { readonly kind: 'timer' }
  /** Go on after a checkpoint: only the steps that were still to run, nothing else fires. */
  | { readonly kind: 'continue' }
  /**
   * Provisioning orders that actions wait on ({@link ServiceResult.waitFor}) are settled: each action whose orders
   * are all among them goes on (with WF_ACTION_ERROR when one ended in error or was cancelled). Due timers fire too.
   */
  | { readonly kind: 'provisioned'; readonly orders: readonly SettledOrder[] };

/** A provisioning order as a waiting action learns its end. */
export interface SettledOrder {
  readonly id: string;
  /** `executed`, `verified`, `error` or `cancelled`. */
  readonly state: string;
  /** For `error`: the order's code and message. */
  readonly errorCode?: string;
  readonly error?: string;
}

/** A named operation that `<Action application=… op=…>` calls. */
export interface ServiceCall {
  readonly op: string;
  readonly application?: string;
  readonly args: Readonly<Record<string, XValue>>;
  readonly instanceId: string;
  /** Deterministic key for this call: the same after a crash and replay. */
  readonly idempotencyKey: string;
  readonly launcher: string;
  readonly subject?: string;
  /** The advance's "now" (epoch ms), the time a change set's writes carry. */
  readonly now?: number;
  /**
   * The identity store as this advance sees it (with the writes of earlier steps of the same advance); absent where
   * no repository is open (the bare interpreter in tests).
   */
  readonly identities?: IdentityReader;
  /** Lock holders and lists the Waveset user services read (committed state); absent without a repository. */
  readonly lookups?: WavesetLookups;
  /** Add an effect to the commit. */
  emit(effect: Effect): void;
}

/** The result of a service operation. `error` sets WF_ACTION_ERROR; values are readable through `<Return from=…>`. */
export interface ServiceResult {
  readonly values?: Readonly<Record<string, XValue>>;
  readonly error?: string;
  /**
   * Provisioning orders (ids) the action waits on: the instance waits there, after the action's Returns applied,
   * until every one of them is settled, and is resumed by a `provisioned` event (docs/decisions/provisioning-waits.md).
   * The orders must be written in the same commit (an identity write effect) or earlier. Empty or absent: no wait.
   */
  readonly waitFor?: readonly string[];
}

export type ServiceOperation = (call: ServiceCall) => ServiceResult | Promise<ServiceResult>;

/** Everything the interpreter may reach besides the model and the state. */
export interface RunContext {
  readonly instanceId: string;
  /** Epoch ms "now" for this advance (a fake clock in tests). */
  readonly now: number;
  /** Who launched it (WF_CASE_OWNER). */
  readonly launcher: string;
  readonly subject?: string;
  /** Looks up an operation by op name (and application/class when given); undefined = unknown op. */
  resolveOperation(op: string, application?: string): ServiceOperation | undefined;
  /** Resolves a subprocess or launched definition by name (latest version). */
  resolveProcess(name: string): ProcessObject | undefined;
  resolveRule(name: string): RuleObject | undefined;
  /** The identity store the service operations read (src/identity/); absent: operations that need it only record. */
  readonly identities?: IdentityReader;
  /** Lock holders and lists for the Waveset user services ({@link ServiceCall.lookups}). */
  readonly lookups?: WavesetLookups;
  /**
   * Managers, resource owners and profile holders, for approvals (docs/approvals.md). Absent: approvals can name
   * their approvers only directly (`person:`, `<Owner>`), and items past due do not escalate to a manager.
   */
  readonly approvers?: ApproverDirectory;
  /** Default maxSteps when a process says 0. @default 5000 */
  readonly defaultMaxSteps?: number;
  /** Output of XPRESS `<print>` and `<trace>`. */
  print?(line: string): void;
  /**
   * Asked before each activity is entered: true makes the advance stop there and return a checkpoint outcome, so
   * the runtime can commit a long run of automatic steps part-way (progressInterval). Absent: never.
   */
  checkpointDue?(): boolean;
  /**
   * The work budget of every advance and the size limits. Absent: the default ceilings and sizes, and no yields
   * (`UNYIELDING_LIMITS`); the engine always sets them.
   */
  readonly limits?: AdvanceLimits;
  /** Monotonic milliseconds, for the time an advance may run (`limits.advanceMs`). Absent: no time limit. */
  monotonic?(): number;
}
