/**
 * Running one action: `<Condition>`, then the service call, expression, subprocess or manual action.
 *
 * An action that fails (unknown op, operation error, expression error, unknown subprocess) does not stop the
 * process: WF_ACTION_ERROR and WF_ACTION_RESULT say what happened, the error goes into the task result, and the
 * next action or the transitions decide what to do (reference waveset §2.5, §2.6).
 */
import type { ActionModel, ArgumentModel, ServiceActionModel, SubprocessActionModel } from '../../definition/model/action.js';
import type { ActivityModel } from '../../definition/model/activity.js';
import type { XValue } from '../../expression/env.js';
import { evaluate } from '../../expression/index.js';
import { initStoredBuiltins, isBuiltinName, setActionOutcome } from './builtins.js';
import type { FrameState, TokenState } from './instance-state.js';
import type { ServiceCall, ServiceResult, SettledOrder } from './interpreter-types.js';
import { errorMessage } from './messages.js';
import type { Run } from './run.js';
import { NETWRIX_APPLICATION } from '../../services/netwrix-operations.js';
import { netwrixDecl } from './template-runtime.js';
import { assignPath, copyValue, declareVariables, expandText, Scope, truthy } from './variables.js';
import { createWorkItems } from './work-items.js';
import { initFrameVariables, resolveMaxSteps } from './frames.js';
import { indexProcess } from './process-index.js';

export type ActionStatus = 'done' | 'blocked';

export async function runAction(run: Run, token: TokenState, frame: FrameState, activity: ActivityModel, action: ActionModel): Promise<ActionStatus> {
  let local: Record<string, XValue> | null = null;
  if (action.variables.length > 0) {
    local = {};
    try {
      declareVariables(action.variables, local, new Scope(run, frame, token));
    } catch (e) {
      return failAction(run, frame, activity, action, errorMessage(e));
    }
  }
  const scope = new Scope(run, frame, token, local);
  if (action.condition) {
    let ok: boolean;
    try {
      ok = truthy(evaluate(action.condition, scope));
    } catch (e) {
      return failAction(run, frame, activity, action, `condition failed: ${errorMessage(e)}`);
    }
    if (!ok) {
      setActionOutcome(frame.vars, { suppressed: true });
      return 'done';
    }
  }
  switch (action.kind) {
    case 'service':
      return runService(run, token, frame, activity, action, scope);
    case 'expression':
      try {
        const value = evaluate(action.expression, scope);
        applyReturns(action.returns, (name) => scope.lookup(name), scope);
        setActionOutcome(frame.vars, { result: value });
      } catch (e) {
        return failAction(run, frame, activity, action, errorMessage(e));
      }
      return 'done';
    case 'subprocess':
      return startSubprocess(run, token, frame, activity, action, scope);
    case 'manual':
      return createWorkItems(run, token, frame, activity, action, scope);
  }
}

export function actionLabel(activity: ActivityModel, action: ActionModel): string {
  return `${activity.name}/${action.name ?? action.title ?? `action ${action.id}`}`;
}

function failAction(run: Run, frame: FrameState, activity: ActivityModel, action: ActionModel, message: string): ActionStatus {
  setActionOutcome(frame.vars, { error: message });
  run.state.errors.push(`${actionLabel(activity, action)}: ${message}`);
  return 'done';
}

function evaluateArguments(args: readonly ArgumentModel[], scope: Scope, skip?: string): Record<string, XValue> {
  const out: Record<string, XValue> = {};
  for (const a of args) {
    if (a.name === skip) continue;
    out[a.name] = a.expression ? evaluate(a.expression, scope) : a.value !== undefined ? expandText(a.value, scope) : null;
  }
  return out;
}

function applyReturns(returns: ServiceActionModel['returns'], source: (name: string) => XValue | undefined, scope: Scope): void {
  for (const r of returns) assignPath(scope, r.to, source(r.from) ?? null);
}

async function runService(
  run: Run,
  token: TokenState,
  frame: FrameState,
  activity: ActivityModel,
  action: ServiceActionModel,
  scope: Scope,
): Promise<ActionStatus> {
  let op = action.op;
  let args: Record<string, XValue>;
  try {
    if (op === undefined) {
      const opArg = action.arguments.find((a) => a.name === 'op');
      const v = opArg ? (opArg.expression ? evaluate(opArg.expression, scope) : expandText(opArg.value ?? '', scope)) : null;
      op = typeof v === 'string' && v !== '' ? v : undefined;
    }
    args = evaluateArguments(action.arguments, scope, 'op');
  } catch (e) {
    return failAction(run, frame, activity, action, errorMessage(e));
  }
  const application = action.application ?? action.className;
  if (op === undefined) return failAction(run, frame, activity, action, 'the service action names no op');
  if (application === NETWRIX_APPLICATION) addNetwrixArguments(run, frame, activity, args);
  const operation = run.ctx.resolveOperation(op, application);
  if (!operation) {
    const where = application && !application.endsWith('WorkflowServices') ? ` (application ${application})` : '';
    return failAction(run, frame, activity, action, `Unknown WorkflowServices op ${op}${where}`);
  }
  const call: ServiceCall = {
    op,
    application,
    args,
    instanceId: run.state.instanceId,
    idempotencyKey: `${run.state.instanceId}:${token.step}:${activity.name}:${action.id}`,
    launcher: run.ctx.launcher,
    subject: run.ctx.subject,
    now: run.ctx.now,
    ...(run.ctx.identities !== undefined && { identities: run.ctx.identities }),
    ...(run.ctx.lookups !== undefined && { lookups: run.ctx.lookups }),
    emit: emitterOf(run),
  };
  let result: ServiceResult;
  try {
    result = await operation(call);
  } catch (e) {
    return failAction(run, frame, activity, action, errorMessage(e));
  }
  if (result.error !== undefined) return failAction(run, frame, activity, action, result.error);
  const values = result.values ?? {};
  applyReturns(action.returns, (name) => (Object.hasOwn(values, name) ? values[name] : undefined), scope);
  setActionOutcome(frame.vars, { result: { ...values } });
  if (result.waitFor !== undefined && result.waitFor.length > 0) {
    // The instance waits here until the orders are settled (applyProvisioned); the next action runs after that.
    token.phase = 'provision';
    token.orders = [...new Set(result.waitFor)];
    return 'blocked';
  }
  return 'done';
}

/**
 * Orders are settled: every token whose orders are all settled goes on with its next action. An order that ended
 * in error (or was cancelled) sets WF_ACTION_ERROR and goes into the task result's errors, as a failing action
 * does; the workflow's transitions decide what follows.
 */
export function applyProvisioned(run: Run, event: { readonly orders: readonly SettledOrder[] }): void {
  const settled = new Map(event.orders.map((o) => [o.id, o]));
  for (const token of run.state.tokens) {
    if (token.phase !== 'provision' || !token.orders || !token.orders.every((id) => settled.has(id))) continue;
    const frame = run.frame(token.frame);
    const activity = run.activity(frame, token.activity);
    const action = activity.actions[token.action];
    const failed = token.orders.map((id) => settled.get(id)!).filter((o) => o.state === 'error' || o.state === 'cancelled');
    if (failed.length > 0 && action) {
      const what = failed.map((o) => `order ${o.id} ${o.state === 'cancelled' ? 'was cancelled' : `failed: ${o.errorCode ?? 'ERROR'}: ${o.error ?? ''}`}`);
      failAction(run, frame, activity, action, `PROVISIONING_ORDER_FAILED: ${what.join('; ')}`);
    }
    token.orders = undefined;
    token.phase = 'actions';
    token.action++;
    run.queue.push(token);
  }
}

/**
 * The `idflow.netwrix` operations work on the workflow's change set: they get `changes`, the workflow's
 * variables, and the template activity's declaration (BlockProvisioning, the ContinueWith target) unless the
 * action passes them itself.
 */
function addNetwrixArguments(run: Run, frame: FrameState, activity: ActivityModel, args: Record<string, XValue>): void {
  const decl = netwrixDecl(run.root, activity);
  if (!Object.hasOwn(args, 'changes')) args['changes'] = copyValue(frame.vars['changes'] ?? {});
  if (!Object.hasOwn(args, 'variables')) {
    const vars: Record<string, XValue> = {};
    for (const [k, v] of Object.entries(frame.vars)) if (!isBuiltinName(k)) vars[k] = copyValue(v);
    args['variables'] = vars;
  }
  if (!Object.hasOwn(args, 'blockProvisioning')) args['blockProvisioning'] = decl?.blockProvisioning ?? false;
  if (!Object.hasOwn(args, 'calledWorkflow') && decl?.calledWorkflow) args['calledWorkflow'] = decl.calledWorkflow;
  if (!Object.hasOwn(args, 'activity')) args['activity'] = activity.template?.activity ?? activity.name;
}

function startSubprocess(
  run: Run,
  token: TokenState,
  frame: FrameState,
  activity: ActivityModel,
  action: SubprocessActionModel,
  scope: Scope,
): ActionStatus {
  const obj = run.ctx.resolveProcess(action.process);
  const model = obj?.process;
  if (!model) return failAction(run, frame, activity, action, `Unknown process ${action.process}`);
  let input: Record<string, XValue>;
  try {
    input = evaluateArguments(action.arguments, scope);
  } catch (e) {
    return failAction(run, frame, activity, action, errorMessage(e));
  }
  const id = `f${++run.state.counters.frame}`;
  const child: FrameState = { id, process: action.process, vars: {}, steps: 0, maxSteps: resolveMaxSteps(model.maxSteps, run.ctx), caller: token.id };
  run.state.frames[id] = child;
  indexProcess(model);
  initStoredBuiltins(child.vars);
  initFrameVariables(run, child, model, input);
  token.phase = 'call';
  token.call = id;
  run.queue.push(run.newToken(id, model.start, []));
  return 'blocked';
}

/** A service's `emit`: returned, not bound to a name, so tsx's keepNames sets no name on it at every call. */
function emitterOf(run: Run): ServiceCall['emit'] {
  return (effect) => {
    run.effects.push(effect);
  };
}
