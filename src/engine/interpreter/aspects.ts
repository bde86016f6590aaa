/**
 * Netwrix aspects at run time (reference netwrix §6; docs/decisions/engine-aspects.md).
 *
 * Before aspects run on entering a template state, After aspects on leaving it, highest `Priority` first
 * (stable for equal priorities). An aspect whose IfExpression is false is skipped.
 *
 * Bindings: `Workflow_Directory_User:Directory_User.IsDraft` names the property `IsDraft` of the workflow's
 * entity, which is the `changes` variable (the change set). So the binding maps to `changes.IsDraft`; a path
 * through a list (`…Directory_User.Records.ContractEndDate`) addresses that property on every element.
 * `Directory_User:Mail` (a binding on the entity type itself) maps to `changes.Mail` the same way.
 *
 * Expressions see the process variables plus `changes` and the object at the ExpressionBinding, bound as
 * `record` (the parameter name of Netwrix's own C# examples) and as `entity`. For a list binding
 * (`…Directory_User.Records`) assertions and AddChange run once per element; other expressions see the single
 * object, or the change set when the binding gives several. When the loader keeps a C# parameter name in
 * `attributes.ExpressionVariable`, the object is bound under that name too.
 *
 * An assertion that fails throws {@link AspectAssertionError}: the whole advance is refused and nothing changes.
 */
import type { AspectModel } from '../../definition/model/aspect.js';
import type { ActivityModel } from '../../definition/model/activity.js';
import type { TransitionModel } from '../../definition/model/transition.js';
import type { XValue } from '../../expression/env.js';
import { evaluate } from '../../expression/index.js';
import { isBuiltinName } from './builtins.js';
import { AspectAssertionError, AspectUniqueValueError, AspectUnsupportedError } from './interpreter-errors.js';
import type { TokenState } from './instance-state.js';
import type { Run } from './run.js';
import { INVOKE, isWaitingState } from './template-runtime.js';
import { NOTIFICATION_PERMISSION_PREFIX } from '../../definition/netwrix/access-control-reader.js';
import { copyValue, Scope, toText, truthy } from './variables.js';

const sortedCache = new WeakMap<readonly AspectModel[], readonly AspectModel[]>();

export function byPriority(aspects: readonly AspectModel[]): readonly AspectModel[] {
  let s = sortedCache.get(aspects);
  if (!s) {
    s = aspects
      .map((a, i) => ({ a, i }))
      .sort((x, y) => y.a.priority - x.a.priority || x.i - y.i)
      .map((x) => x.a);
    sortedCache.set(aspects, s);
  }
  return s;
}

/** The property path inside the change set that a binding names. */
export function bindingPath(binding: string): string[] {
  const colon = binding.indexOf(':');
  const type = colon >= 0 ? binding.slice(0, colon) : '';
  const path = (colon >= 0 ? binding.slice(colon + 1) : binding).split('.').filter((s) => s !== '');
  // `Workflow_X:X.Prop`: the first segment is the workflow's entity variable, i.e. the change set itself.
  return type.startsWith('Workflow_') || colon < 0 ? path.slice(1) : path;
}

type Obj = { [key: string]: XValue };
const isObj = (v: XValue | undefined): v is Obj => v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);

/** Values at `path` below `root`, descending into every element of a list on the way. */
function valuesAt(root: XValue, path: readonly string[]): XValue[] {
  let cur: XValue[] = [root];
  for (const seg of path) {
    const next: XValue[] = [];
    for (const v of cur) {
      if (Array.isArray(v)) {
        for (const e of v) if (isObj(e)) next.push(Object.hasOwn(e, seg) ? e[seg]! : null);
      } else if (isObj(v)) next.push(Object.hasOwn(v, seg) ? v[seg]! : null);
      else next.push(null);
    }
    cur = next;
  }
  return cur.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

/** Sets `path` below `root` (maps created on the way; on a list, on every element). */
function setAt(root: Obj, path: readonly string[], value: XValue): void {
  if (path.length === 0) return;
  let targets: Obj[] = [root];
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    const next: Obj[] = [];
    for (const t of targets) {
      let v = t[seg];
      if (v === undefined || v === null) t[seg] = v = {};
      if (Array.isArray(v)) for (const e of v) { if (isObj(e)) next.push(e); }
      else if (isObj(v)) next.push(v);
    }
    targets = next;
  }
  for (const t of targets) t[path[path.length - 1]!] = copyValue(value);
}

function changeSet(run: Run, token: TokenState): Obj {
  const frame = run.frame(token.frame);
  let c = frame.vars['changes'];
  if (!isObj(c)) frame.vars['changes'] = c = {};
  return c;
}

export function runAspects(run: Run, token: TokenState, activity: ActivityModel, aspects: readonly AspectModel[]): void {
  for (const aspect of byPriority(aspects)) runAspect(run, token, activity, aspect);
}

function runAspect(run: Run, token: TokenState, activity: ActivityModel, aspect: AspectModel): void {
  const frame = run.frame(token.frame);
  const changes = changeSet(run, token);
  const ebPath = aspect.expressionBinding !== undefined ? bindingPath(aspect.expressionBinding) : [];
  const entities: XValue[] = ebPath.length === 0 ? [changes] : valuesAt(changes, ebPath).filter(isObj);
  const bindingSegs = aspect.binding !== undefined ? bindingPath(aspect.binding) : undefined;
  const alias = aspect.attributes['ExpressionVariable'];
  const scopeFor = (entity: XValue, extra: Obj = {}): Scope => {
    const b: Obj = { changes, entity, record: entity, ...extra };
    if (alias) b[alias] = entity;
    return new Scope(run, frame, token, null, b);
  };
  const details = { aspect: aspect.identifier, kind: aspect.kind, activity: activity.name, state: activity.template?.state ?? null };

  const single: XValue = entities.length === 1 ? entities[0]! : changes;
  if (aspect.ifExpression && !truthy(evaluate(aspect.ifExpression, scopeFor(single)))) return;

  switch (aspect.kind) {
    case 'AddChangeAspect': {
      if (!aspect.expression || !bindingSegs) return;
      // A binding below the ExpressionBinding is set per entity (e.g. per record); otherwise on the change set.
      const relative = ebPath.length > 0 && ebPath.every((s, i) => bindingSegs[i] === s) ? bindingSegs.slice(ebPath.length) : undefined;
      for (const entity of entities) {
        const value = evaluate(aspect.expression, scopeFor(entity));
        if (value === null && !acceptsNull(aspect, scopeFor(entity))) continue;
        if (relative && isObj(entity)) setAt(entity, relative, value);
        else setAt(changes, bindingSegs, value);
      }
      return;
    }
    case 'AssertValueAspect': {
      if (!aspect.expression) return;
      for (const entity of entities) {
        if (!truthy(evaluate(aspect.expression, scopeFor(entity)))) {
          throw new AspectAssertionError(aspect.message ?? `assertion ${aspect.identifier} failed`, details);
        }
      }
      return;
    }
    case 'AssertValueRequiredAspect': {
      if (!bindingSegs) return;
      const values = valuesAt(changes, bindingSegs);
      if (values.length === 0 || values.some((v) => v === null || v === '' || (Array.isArray(v) && v.length === 0))) {
        throw new AspectAssertionError(aspect.message ?? `${aspect.binding} is required`, { ...details, binding: aspect.binding ?? null });
      }
      return;
    }
    case 'BuildUniqueValueAspect': {
      if (!aspect.expression || !bindingSegs) return;
      if (aspect.attributes['OnlyIfNew'] === 'true' && valuesAt(changes, bindingSegs).some((v) => v !== null && v !== '')) return;
      const count = aspect.iterationsCount && aspect.iterationsCount > 0 ? aspect.iterationsCount : 1;
      for (let iteration = 0; iteration < count; iteration++) {
        const value = evaluate(aspect.expression, scopeFor(single, { iteration }));
        if (value === null) continue;
        if (!aspect.checkExpression || truthy(evaluate(aspect.checkExpression, scopeFor(single, { iteration, value })))) {
          setAt(changes, bindingSegs, value);
          return;
        }
      }
      throw new AspectUniqueValueError(aspect.message ?? `${aspect.identifier}: no unique value found in ${count} iterations`, details);
    }
    case 'InvokeWorkflowAspect': {
      if (!aspect.workflow) return;
      const variables: Obj = {};
      for (const [k, v] of Object.entries(frame.vars)) if (!isBuiltinName(k)) variables[k] = copyValue(v);
      run.effects.push({
        kind: 'launch',
        definition: aspect.workflow,
        variables,
        launcher: run.ctx.launcher,
        ...(run.ctx.subject !== undefined ? { subject: run.ctx.subject } : {}),
      });
      return;
    }
    case 'NotificationAspect': {
      const to: string[] = [];
      for (const r of aspect.recipients ?? []) {
        if (r.type === 'Hardcoded') to.push(...(r.emailAddresses ?? []));
        else if (r.type === 'Binding' && r.binding) for (const v of valuesAt(changes, bindingPath(r.binding))) { if (v !== null) to.push(toText(v)); }
        else if (r.type === 'Expression' && r.expression) {
          const v = evaluate(r.expression, scopeFor(single));
          for (const e of Array.isArray(v) ? v : [v]) if (e !== null) to.push(toText(e));
        } else if (r.type === 'Actor') {
          const permission = nextActorPermission(run, token, activity);
          if (permission) to.push(`permission:${permission}`);
        }
        else if (r.type === 'Performer') {
          // `Activity="Workflow:Request"`: the last person who decided a work item of that activity.
          const id = r.activity?.split(':').pop();
          const rec = [...run.state.records].reverse().find((x) => x.actor && (!id || x.activity === id || x.activity.startsWith(`${id}/`)));
          if (rec?.actor) to.push(rec.actor);
        } else if (r.type === 'Profile') {
          const permission = notificationPermission(run, token, activity);
          if (permission) to.push(`permission:${permission}`);
        }
      }
      const subject = aspect.subjectExpression ? toText(evaluate(aspect.subjectExpression, scopeFor(single))) : aspect.identifier;
      run.effects.push({ kind: 'notification', to, subject, body: `${activity.template?.activity ?? activity.name}: ${activity.template?.state ?? activity.name}` });
      return;
    }
    case 'InvokeScriptAspect':
      throw new AspectUnsupportedError(aspect.kind, aspect.identifier);
  }
}

/** AddChangeAspect: may a null value overwrite? `AcceptNullValueExpression` as written true, or evaluated. */
function acceptsNull(aspect: AspectModel, scope: Scope): boolean {
  if (aspect.acceptNullValue) return true;
  return aspect.acceptNullValueExpression !== undefined && truthy(evaluate(aspect.acceptNullValueExpression, scope));
}

/**
 * `Recipient Type="Profile"`: the identities whose profiles hold `/Custom/WorkflowsNotifications/<workflow>/<activity>/<state>`
 * for the state the aspect runs at (netwrix §4, the vendor's NotificationAspect page). Given as `permission:<permission>`
 * like Actor recipients; the holders are read when the message is sent (`AclPermissionResolver.notified`).
 */
function notificationPermission(run: Run, token: TokenState, activity: ActivityModel): string | undefined {
  const tpl = activity.template;
  if (!tpl) return undefined;
  const workflow = run.processOf(run.frame(token.frame)).model.name;
  return `${NOTIFICATION_PERMISSION_PREFIX}${workflow}/${tpl.activity}/${tpl.shortState}`;
}

/**
 * `Recipient Type="Actor"`: whoever may act on the next step, i.e. the next waiting state reachable from here
 * through automatic moves (success and system states). Recipients are given as `permission:<permission>`; the
 * notification transport expands them into people.
 */
function nextActorPermission(run: Run, token: TokenState, from: ActivityModel): string | undefined {
  const frame = run.frame(token.frame);
  let current = from;
  for (let hops = 0; hops < 32; hops++) {
    const next: TransitionModel | undefined = current.transitions.find((t) => t.decision === undefined || t.decision === INVOKE);
    if (!next) return undefined;
    current = run.activity(frame, next.to);
    const tpl = current.template;
    if (tpl?.permission && isWaitingState(current)) return tpl.permission;
  }
  return undefined;
}
