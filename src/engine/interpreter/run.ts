/**
 * One advance of one instance: the cloned state plus everything collected for the runtime's commit.
 * Created by `start`/`resume`, threaded through the other interpreter modules, turned into an AdvanceOutcome.
 */
import type { ActivityModel } from '../../definition/model/activity.js';
import type { ProcessModel } from '../../definition/model/process.js';
import type { ProcessObject } from '../../definition/model/objects.js';
import type { ProcessObjectLike } from './process-index.js';
import { indexProcess, type ProcessIndex } from './process-index.js';
import { InstanceFailure } from './interpreter-errors.js';
import type { Effect, RunContext, WorkItemClose, WorkItemSpec } from './interpreter-types.js';
import { ROOT_FRAME, type FrameState, type StateV1, type TokenState } from './instance-state.js';
import { UNYIELDING_LIMITS, WorkBudget, type YieldReason } from './work-budget.js';

export class Run {
  readonly createWorkItems: WorkItemSpec[] = [];
  readonly closeWorkItems: WorkItemClose[] = [];
  readonly effects: Effect[] = [];
  /** Activities entered during this advance. */
  steps = 0;
  /** Set once the instance ended (finished, declined, aborted, failed) during this advance. */
  ended = false;
  /** Set when the advance stopped at a checkpoint with tokens still to move (kept in `state.runnable`). */
  paused = false;
  /** Set with `paused` when the advance stopped because its work budget was spent. */
  yielded: YieldReason | undefined;
  /** What this advance may still do; shared by every expression it evaluates. */
  readonly budget: WorkBudget;
  /** Tokens ready to move, in FIFO order. */
  readonly queue: TokenState[] = [];
  private readonly processes = new Map<string, ProcessIndex>();

  constructor(
    readonly root: ProcessObject,
    readonly rootModel: ProcessModel,
    readonly state: StateV1,
    readonly ctx: RunContext,
  ) {
    this.processes.set(ROOT_FRAME, indexProcess(rootModel));
    this.budget = new WorkBudget(ctx.limits ?? UNYIELDING_LIMITS, ctx.monotonic ? () => ctx.monotonic!() : undefined);
  }

  frame(id: string): FrameState {
    const f = this.state.frames[id];
    if (!f) throw new InstanceFailure('ENGINE_STATE_INVALID', `frame ${id} is missing from the state`);
    return f;
  }

  /** The process a frame runs. Subprocesses are resolved by name through the run context (and cached). */
  processOf(frame: FrameState): ProcessIndex {
    const key = frame.id === ROOT_FRAME ? ROOT_FRAME : `process:${frame.process}`;
    let idx = this.processes.get(key);
    if (!idx) {
      const obj = this.ctx.resolveProcess(frame.process) as ProcessObjectLike | undefined;
      if (!obj?.process) throw new InstanceFailure('ENGINE_PROCESS_NOT_FOUND', `subprocess '${frame.process}' is not defined`);
      idx = indexProcess(obj.process);
      this.processes.set(key, idx);
    }
    return idx;
  }

  activity(frame: FrameState, name: string): ActivityModel {
    const idx = this.processOf(frame);
    const a = idx.activities.get(name);
    if (!a) throw new InstanceFailure('ENGINE_ACTIVITY_NOT_FOUND', `process '${idx.model.name}' has no activity '${name}'`);
    return a;
  }

  newToken(frame: string, activity: string, lineage: string[]): TokenState {
    const t: TokenState = { id: `t${++this.state.counters.token}`, frame, activity, phase: 'enter', action: 0, vars: null, lineage, step: 0 };
    this.state.tokens.push(t);
    return t;
  }

  token(id: string): TokenState | undefined {
    return this.state.tokens.find((t) => t.id === id);
  }

  removeToken(token: TokenState): void {
    const i = this.state.tokens.indexOf(token);
    if (i >= 0) this.state.tokens.splice(i, 1);
  }

  nextWorkItemId(): string {
    return `${this.state.instanceId}.${++this.state.counters.item}`;
  }
}
