import type { SourceLocation } from '../diagnostic.js';
import type { ActionModel, ManualActionModel } from '../model/action.js';
import type { ActivityModel } from '../model/activity.js';
import type { AspectModel } from '../model/aspect.js';
import type { Expr } from '../model/expression.js';
import type { ProcessModel } from '../model/process.js';
import type { VariableDecl } from '../model/variable.js';

/** Where an expression sits in a process, so a finding about it can name a place. */
export interface ExpressionSite {
  /** The activity holding the expression; undefined for process-level variables. */
  readonly activity?: ActivityModel;
  /** The action holding it, when there is one. */
  readonly action?: ActionModel;
  /** Location of the element that holds the expression (variable, argument, transition, …). */
  readonly location: SourceLocation;
}

/** Visitor for {@link walkExpressions}: called once for every node of every tree, parents before children. */
export type ExpressionVisitor = (expr: Expr, site: ExpressionSite) => void;

/**
 * The location of `expr` when the compiler kept its line and column, else the holder's location.
 * Use it to report a finding about one call inside a larger expression.
 */
export function exprLocation(expr: Expr, site: ExpressionSite): SourceLocation {
  if (expr.line === undefined) return site.location;
  return { file: site.location.file, line: expr.line, column: expr.column ?? 1 };
}

/**
 * Visits every node of one expression tree, parents before children, in document order.
 * Iterative, so that a deep tree cannot overflow the stack.
 */
export function walkExpr(root: Expr, visit: (expr: Expr) => void): void {
  const pending: Expr[] = [root];
  while (pending.length > 0) {
    const e = pending.pop()!;
    visit(e);
    const args = e.args;
    if (args) for (let i = args.length - 1; i >= 0; i--) pending.push(args[i]!);
  }
}

/**
 * Visits every expression of a process: variable initialisers (process, activity, action, manual action),
 * action conditions, arguments and bodies, manual-action owners, timeouts and request texts, transition
 * conditions, and the expressions of Netwrix aspects linked into activities.
 *
 * Shared by the validation rules and by anyone else who needs to look inside a process's expressions
 * (for example to list the rules or functions it calls).
 */
export function walkExpressions(process: ProcessModel, fn: ExpressionVisitor): void {
  const tree = (expr: Expr | undefined, site: ExpressionSite): void => {
    if (expr) walkExpr(expr, (e) => fn(e, site));
  };
  const variables = (vars: readonly VariableDecl[], activity?: ActivityModel, action?: ActionModel): void => {
    for (const v of vars) tree(v.initial, { activity, action, location: v.location });
  };
  const manual = (m: ManualActionModel, activity: ActivityModel, action: ActionModel): void => {
    for (const o of m.owners) if (o.kind === 'expression') tree(o.expression, { activity, action, location: o.location });
    tree(m.timeoutExpression, { activity, action, location: m.location });
    tree(m.requestExpression, { activity, action, location: m.location });
    variables(m.variables, activity, action);
  };
  const aspect = (a: AspectModel, activity: ActivityModel): void => {
    const site: ExpressionSite = { activity, location: a.location };
    tree(a.expression, site);
    tree(a.ifExpression, site);
    tree(a.checkExpression, site);
    tree(a.subjectExpression, site);
    for (const r of a.recipients ?? []) tree(r.expression, site);
  };

  variables(process.variables);
  for (const activity of process.activities) {
    variables(activity.variables, activity);
    for (const action of activity.actions) {
      const site: ExpressionSite = { activity, action, location: action.location };
      tree(action.condition, site);
      for (const arg of action.arguments) tree(arg.expression, { activity, action, location: arg.location });
      variables(action.variables, activity, action);
      if (action.kind === 'expression') tree(action.expression, site);
      if (action.kind === 'manual') manual(action.manual, activity, action);
    }
    for (const t of activity.transitions) tree(t.condition, { activity, location: t.location });
    if (activity.aspects) {
      for (const a of activity.aspects.before) aspect(a, activity);
      for (const a of activity.aspects.after) aspect(a, activity);
    }
  }
}
