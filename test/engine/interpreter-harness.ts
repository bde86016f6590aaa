/**
 * Builders for process models as plain objects and a harness that drives the interpreter the way the runtime
 * does: every state crosses a JSON round trip between advances, work items are tracked open/closed.
 */
import assert from 'node:assert/strict';
import type { SourceLocation } from '../../src/definition/diagnostic.js';
import type {
  ActionModel,
  ArgumentModel,
  DecisionModel,
  ManualActionModel,
  OwnerModel,
  ReturnModel,
} from '../../src/definition/model/action.js';
import type { ActivityModel } from '../../src/definition/model/activity.js';
import type { Expr } from '../../src/definition/model/expression.js';
import type { ProcessObject, RuleObject, TaskDefinitionObject } from '../../src/definition/model/objects.js';
import type { ProcessModel } from '../../src/definition/model/process.js';
import type { TransitionModel } from '../../src/definition/model/transition.js';
import type { VariableDecl } from '../../src/definition/model/variable.js';
import { DEFAULT_TASK_PARAMETERS } from '../../src/definition/model/task-parameters.js';
import type { XValue } from '../../src/expression/env.js';
import { resume, start } from '../../src/engine/interpreter/interpreter.js';
import type {
  AdvanceOutcome,
  Effect,
  InstanceState,
  RunContext,
  ServiceOperation,
  WorkItemClose,
  WorkItemSpec,
} from '../../src/engine/interpreter/interpreter-types.js';
import { createOperationRegistry } from '../../src/services/operation-registry.js';

export const loc: SourceLocation = { file: 'test.xml', line: 1, column: 1 };

// ---- expressions ----
export const ref = (name: string): Expr => ({ op: 'ref', text: name });
export const s = (text: string): Expr => ({ op: 's', text });
export const i = (n: number): Expr => ({ op: 'i', text: String(n) });
export const call = (op: string, ...args: Expr[]): Expr => ({ op, args });
export const setv = (name: string, value: Expr): Expr => ({ op: 'set', attrs: { name }, args: [value] });
export const block = (...args: Expr[]): Expr => ({ op: 'block', args });

// ---- model builders ----
export function variable(name: string, opts: Partial<VariableDecl> = {}): VariableDecl {
  return { name, input: false, output: false, external: false, scope: 'local', location: loc, ...opts };
}

export function to(target: string, condition?: Expr, extra: Partial<TransitionModel> = {}): TransitionModel {
  return { to: target, ...(condition ? { condition } : {}), location: loc, ...extra };
}

export function activity(name: string, opts: Partial<ActivityModel> = {}): ActivityModel {
  return { id: name, name, variables: [], actions: [], transitions: [], split: 'xor', join: 'xor', location: loc, ...opts };
}

export function arg(name: string, value: string | Expr): ArgumentModel {
  return typeof value === 'string' ? { name, value, location: loc } : { name, expression: value, location: loc };
}

export function ret(from: string, toVar: string): ReturnModel {
  return { from, to: toVar, location: loc };
}

let nextActionId = 0;
const base = (opts: Partial<ActionModel>) => ({
  id: String(nextActionId++),
  arguments: [],
  returns: [],
  variables: [],
  location: loc,
  ...opts,
});

export function service(op: string, args: Record<string, string | Expr> = {}, opts: { returns?: ReturnModel[]; condition?: Expr; name?: string; application?: string; variables?: VariableDecl[] } = {}): ActionModel {
  return {
    ...base({}),
    kind: 'service',
    application: opts.application ?? 'com.waveset.session.WorkflowServices',
    op,
    arguments: Object.entries(args).map(([k, v]) => arg(k, v)),
    returns: opts.returns ?? [],
    variables: opts.variables ?? [],
    ...(opts.condition ? { condition: opts.condition } : {}),
    ...(opts.name ? { name: opts.name } : {}),
  } as ActionModel;
}

export function expression(expr: Expr, opts: { condition?: Expr; name?: string; variables?: VariableDecl[] } = {}): ActionModel {
  return {
    ...base({}),
    kind: 'expression',
    expression: expr,
    variables: opts.variables ?? [],
    ...(opts.condition ? { condition: opts.condition } : {}),
    ...(opts.name ? { name: opts.name } : {}),
  } as ActionModel;
}

export function subprocess(process: string, args: Record<string, string | Expr> = {}, returns: ReturnModel[] = []): ActionModel {
  return { ...base({}), kind: 'subprocess', process, arguments: Object.entries(args).map(([k, v]) => arg(k, v)), returns } as ActionModel;
}

export const APPROVE_REJECT: DecisionModel[] = [
  { name: 'approve', kind: 'complete' },
  { name: 'reject', kind: 'complete' },
];

export function owner(name: string): OwnerModel {
  return { kind: 'name', name, location: loc };
}

export function manual(opts: Partial<ManualActionModel> & { title?: string; actionName?: string } = {}): ActionModel {
  const { title, actionName, ...m } = opts;
  return {
    ...base({}),
    kind: 'manual',
    ...(title ? { title } : {}),
    ...(actionName ? { name: actionName } : {}),
    manual: {
      owners: [owner('bob')],
      ignoreTimeout: false,
      variables: [],
      returns: [],
      decisions: APPROVE_REJECT,
      location: loc,
      ...m,
    },
  } as ActionModel;
}

export function processModel(name: string, activities: ActivityModel[], opts: Partial<ProcessModel> = {}): ProcessModel {
  return { name, maxSteps: 0, variables: [], activities, start: activities[0]!.name, location: loc, ...opts };
}

export function taskDefinition(process: ProcessModel): TaskDefinitionObject {
  return { type: 'TaskDefinition', dialect: 'waveset', name: process.name, location: loc, parameters: DEFAULT_TASK_PARAMETERS, process, attributes: {} };
}

// ---- harness ----
export interface HarnessOptions {
  readonly processes?: readonly ProcessObject[];
  readonly operations?: Readonly<Record<string, ServiceOperation>>;
  readonly rules?: readonly RuleObject[];
  readonly now?: number;
  readonly launcher?: string;
  readonly defaultMaxSteps?: number;
  readonly instanceId?: string;
}

export const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

/** Drives one instance; the state goes through JSON between every advance, as it does through the repository. */
export class Harness {
  state: InstanceState | undefined;
  last!: AdvanceOutcome;
  readonly open = new Map<string, WorkItemSpec>();
  readonly closed: WorkItemClose[] = [];
  readonly effects: Effect[] = [];
  now: number;

  constructor(
    readonly process: ProcessObject,
    readonly options: HarnessOptions = {},
  ) {
    this.now = options.now ?? T0;
  }

  ctx(): RunContext {
    const registry = createOperationRegistry(this.options.operations);
    const processes = this.options.processes ?? [];
    return {
      instanceId: this.options.instanceId ?? 'T1',
      now: this.now,
      launcher: this.options.launcher ?? 'alice',
      resolveOperation: (op, app) => registry.resolveOperation(op, app),
      resolveProcess: (name) => processes.find((p) => p.name === name),
      resolveRule: (name) => this.options.rules?.find((r) => r.name === name),
      ...(this.options.defaultMaxSteps !== undefined ? { defaultMaxSteps: this.options.defaultMaxSteps } : {}),
    };
  }

  private take(o: AdvanceOutcome): AdvanceOutcome {
    const json = JSON.stringify(o.state);
    this.state = JSON.parse(json) as InstanceState;
    for (const c of o.closeWorkItems) {
      this.closed.push(c);
      if (c.reason !== 'saved') this.open.delete(c.id);
    }
    for (const w of o.createWorkItems) this.open.set(w.id, JSON.parse(JSON.stringify(w)) as WorkItemSpec);
    this.effects.push(...o.effects);
    this.last = o;
    return o;
  }

  async start(input: Record<string, XValue> = {}): Promise<AdvanceOutcome> {
    return this.take(await start(this.process, input, this.ctx()));
  }

  async decide(
    workItemId: string,
    decision: string,
    opts: { actor?: string; variables?: Record<string, XValue>; assignee?: string; comment?: string } = {},
  ): Promise<AdvanceOutcome> {
    assert.ok(this.state, 'started');
    return this.take(
      await resume(
        this.process,
        this.state,
        {
          kind: 'decision',
          workItemId,
          decision,
          actor: opts.actor ?? 'bob',
          variables: opts.variables ?? {},
          ...(opts.assignee !== undefined ? { assignee: opts.assignee } : {}),
          ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
        },
        this.ctx(),
      ),
    );
  }

  async timer(now: number): Promise<AdvanceOutcome> {
    assert.ok(this.state, 'started');
    this.now = now;
    return this.take(await resume(this.process, this.state, { kind: 'timer' }, this.ctx()));
  }

  /** The root process variables in the stored state. */
  vars(): Record<string, XValue> {
    const st = this.state as unknown as { frames: Record<string, { vars: Record<string, XValue> }> };
    return st.frames['f0']!.vars;
  }

  raw(): Record<string, unknown> {
    return this.state as unknown as Record<string, unknown>;
  }

  /** The only open work item (fails when there are none or several). */
  item(): WorkItemSpec {
    assert.equal(this.open.size, 1, `exactly one open work item, got ${[...this.open.keys()].join(', ') || 'none'}`);
    return [...this.open.values()][0]!;
  }
}

/** Records every call it gets; returns `values`. */
export function recorder(values: Record<string, XValue> = {}): { op: ServiceOperation; calls: Array<Parameters<ServiceOperation>[0]> } {
  const calls: Array<Parameters<ServiceOperation>[0]> = [];
  return {
    calls,
    op: (c) => {
      calls.push(c);
      return { values };
    },
  };
}
