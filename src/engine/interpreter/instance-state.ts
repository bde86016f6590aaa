/**
 * The TaskInstance's runtime state as the interpreter stores it: plain JSON, opaque to the runtime.
 *
 * One advance clones the state once ({@link cloneState}) and then mutates the clone in place; nothing in the
 * advance loop copies or serialises it again. Everything that must survive a crash and replay is here,
 * including the counters that make ids deterministic (work items, tokens, frames, splits).
 */
import type { ApprovalDecision } from '../../approvals/approval-record.js';
import type { ApprovalMode } from '../../approvals/approval-mode.js';
import type { DecisionModel } from '../../definition/model/action.js';
import type { XValue } from '../../expression/env.js';
import { InstanceStateError } from './interpreter-errors.js';
import type { InstanceState } from './interpreter-types.js';

export const STATE_VERSION = 1;

/** One running process: the root process or a subprocess called by an action. */
export interface FrameState {
  readonly id: string;
  /** Name to resolve the process by (the root's own name, or the `process=` of the calling action). */
  readonly process: string;
  /** Process-level variables, including the stored built-ins (WF_ACTION_*, WF_WORKITEM_DECISION). */
  vars: Record<string, XValue>;
  /** Activities entered in this frame; maxSteps applies per frame. */
  steps: number;
  readonly maxSteps: number;
  /** The token of the calling frame that waits for this subprocess; absent for the root frame. */
  readonly caller?: string;
}

export type TokenPhase = 'enter' | 'actions' | 'transitions' | 'wait' | 'call' | 'provision';

/** A position in a process. Parallel branches (AND-split) are several tokens in the same frame. */
export interface TokenState {
  readonly id: string;
  readonly frame: string;
  activity: string;
  phase: TokenPhase;
  /** Index of the next action to run (phase `actions`), or of the action being waited on (`wait`/`call`). */
  action: number;
  /** Activity-level variables; null before the activity is entered. */
  vars: Record<string, XValue> | null;
  /** Ids of the AND-splits this token descends from, innermost last. */
  lineage: string[];
  /** The decision taken in the current activity (selects transitions that carry a `decision`). */
  decision?: string;
  /** A Delegate/Refine carried into the next waiting state. */
  assign?: { readonly to: string; readonly from: string };
  /**
   * A ReviewWithFeedback reviewer who asked for feedback (Refine): the review comes back to them, by name, when the
   * feedback is given (`activity`: the Netwrix activity identifier the review belongs to).
   */
  returnTo?: { readonly to: string; readonly activity: string };
  /** Open work items this token waits on (phase `wait`). */
  items?: string[];
  /** Child frame this token waits on (phase `call`). */
  call?: string;
  /** Provisioning orders this token waits on (phase `provision`), the action's index in `action`. */
  orders?: string[];
  /** Instance step number at which the current activity was entered (part of idempotency keys). */
  step: number;
  /** Index into `records` when the current activity holds a manual action. */
  record?: number;
  /** The approval this token's manual action is running (docs/approvals.md); absent for other manual actions. */
  approval?: ApprovalState;
}

/** An approval in progress: who is still to be asked, and every decision so far. Plain JSON, stored with the state. */
export interface ApprovalState {
  /** The activity whose manual action is the approval. */
  readonly activity: string;
  readonly mode: ApprovalMode;
  /** Serial: the approvers not yet asked, in order. */
  pending: string[];
  decisions: ApprovalDecision[];
  /** The requesters and the subject: never asked, never escalated to. */
  readonly forbidden: string[];
  /** Escalate items past due to the holder's manager (else they time out). */
  readonly escalate: boolean;
  /** A login or `profile:<name>`. */
  readonly fallback?: string;
  /**
   * Set when a reviewer asked for feedback (ReviewWithFeedback Refine): whom to ask again when the Review is
   * reached again, the reviewer first; the approval goes on where it stood.
   */
  resume?: string[];
}

/** One open work item. */
export interface WaitState {
  readonly token: string;
  readonly activity: string;
  readonly action: number;
  readonly owner: string | null;
  readonly decisions: readonly DecisionModel[];
  readonly editable: readonly string[];
  readonly dueAt: number | null;
  /** Ids of the work items created by the same manual action (this one included). */
  readonly group: readonly string[];
  /** Netwrix template waiting state. */
  readonly template?: boolean;
  /** The approver an approval item was first meant for, when delegated or escalated to `owner`. */
  readonly delegatedFrom?: string;
  /** An approval item put up by an escalation. */
  readonly escalated?: boolean;
  /** Work-item-local values (ManualAction `<Variable>`s) for Returns. */
  readonly local: Record<string, XValue>;
}

/** An AND-split: how many branches are still expected at the join and how many arrived. */
export interface SplitState {
  readonly frame: string;
  readonly from: string;
  expected: number;
  arrived: number;
  /** The join activity where branches arrived first. */
  at?: string;
  /** The lineage of the token that split (restored on the joined token). */
  readonly lineage: string[];
}

/** The record of an activity that held a manual action, kept after it completes (with its variables). */
export interface ActivityRecord {
  readonly frame: string;
  readonly activity: string;
  readonly step: number;
  readonly enteredAt: number;
  completedAt?: number;
  variables?: Record<string, XValue>;
  workItems: string[];
  decision?: string;
  actor?: string;
  comment?: string;
  timedOut?: boolean;
}

export type InstanceStatus = 'running' | 'waiting' | 'finished' | 'failed';

export interface StateV1 {
  readonly v: 1;
  readonly instanceId: string;
  status: InstanceStatus;
  /** `completed`, `declined`, `aborted`, `failed` once ended. */
  outcome?: string;
  /** Total activities entered, all frames, all advances. */
  steps: number;
  counters: { item: number; token: number; frame: number; split: number };
  frames: Record<string, FrameState>;
  tokens: TokenState[];
  waits: Record<string, WaitState>;
  splits: Record<string, SplitState>;
  records: ActivityRecord[];
  errors: string[];
  messages: string[];
  /**
   * Tokens that were ready to move when an advance stopped at a checkpoint, in queue order; the next advance
   * moves them first. Absent when the instance rests (waits or has ended).
   */
  runnable?: string[];
}

export const ROOT_FRAME = 'f0';

export function newState(instanceId: string, process: string, maxSteps: number): StateV1 {
  return {
    v: 1,
    instanceId,
    status: 'running',
    steps: 0,
    counters: { item: 0, token: 0, frame: 1, split: 0 },
    frames: { [ROOT_FRAME]: { id: ROOT_FRAME, process, vars: {}, steps: 0, maxSteps } },
    tokens: [],
    waits: {},
    splits: {},
    records: [],
    errors: [],
    messages: [],
  };
}

/**
 * Checks the shape enough to refuse a foreign or corrupt state, then copies it once for this advance
 * (the caller's object is never mutated, so a refused advance changes nothing).
 */
export function cloneState(state: InstanceState, instanceId: string): StateV1 {
  const s = state as unknown as Partial<StateV1>;
  if (s === null || typeof s !== 'object' || s.v !== STATE_VERSION) {
    throw new InstanceStateError(`task instance ${instanceId}: state version ${String((s as { v?: unknown })?.v)} is not supported (expected ${STATE_VERSION})`);
  }
  if (typeof s.frames !== 'object' || !Array.isArray(s.tokens) || typeof s.waits !== 'object' || typeof s.counters !== 'object') {
    throw new InstanceStateError(`task instance ${instanceId}: state is malformed`);
  }
  return copyJson(s) as StateV1;
}

/**
 * A deep copy of plain JSON data: the one copy every resume makes of the state, and every copy of a variable's value
 * (`copyValue`). Several times faster than structuredClone on the small objects a state is made of.
 */
export function copyJson<T>(v: T): T;
export function copyJson(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyJson(v[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    const value = copyJson((v as Record<string, unknown>)[k]);
    // An own "__proto__" key (JSON.parse and XPRESS maps make them) must stay a key: assigning it would set the prototype.
    if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    else out[k] = value;
  }
  return out;
}

/**
 * What an ended instance keeps of its state: the records of its manual-action activities (who decided what, when,
 * with the activity's variables: reference waveset §1.3 keeps those with the activity's record), and nothing of the
 * running machinery (frames, tokens, waits). Null when there is no record to keep.
 */
export function endedState(state: InstanceState): InstanceState | null {
  const s = state as unknown as StateV1;
  if (!s.records || s.records.length === 0) return null;
  const kept: StateV1 = {
    v: 1,
    instanceId: s.instanceId,
    status: s.status,
    ...(s.outcome !== undefined && { outcome: s.outcome }),
    steps: s.steps,
    counters: s.counters,
    frames: {},
    tokens: [],
    waits: {},
    splits: {},
    records: s.records,
    errors: [],
    messages: [],
  };
  return asInstanceState(kept);
}

/** The provisioning orders the tokens of a stored state wait on (none for an ended or foreign state). */
export function awaitedOrders(state: InstanceState | null): string[] {
  const tokens = (state as unknown as Partial<StateV1> | null)?.tokens;
  if (!Array.isArray(tokens)) return [];
  return tokens.flatMap((t) => (t.phase === 'provision' ? (t.orders ?? []) : []));
}

/** The records of manual-action activities in a stored state, oldest first (`TaskInstanceView.history`). */
export function activityHistory(state: InstanceState | null): readonly ActivityRecord[] {
  return ((state as unknown as StateV1 | null)?.records ?? []) as readonly ActivityRecord[];
}

/**
 * The variables of the root process in a stored state (what `TaskInstanceView.variables` shows). Lives here, with
 * the state's layout, so that the store can give a row its variables without keeping a second copy of them.
 */
export function rootVariables(state: InstanceState): Readonly<Record<string, XValue>> {
  return ((state as unknown as StateV1).frames?.[ROOT_FRAME]?.vars ?? {}) as Readonly<Record<string, XValue>>;
}

export function asInstanceState(state: StateV1): InstanceState {
  return state as unknown as InstanceState;
}
