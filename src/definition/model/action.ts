import type { SourceLocation } from '../diagnostic.js';
import type { Expr } from './expression.js';
import type { VariableDecl } from './variable.js';

/**
 * `<Argument name='x' value='$(y)'/>` or `<Argument name='x'><expression>…</expression></Argument>`.
 * Exactly one of `value` and `expression` is set (an argument with neither passes null).
 */
export interface ArgumentModel {
  readonly name: string;
  /** Literal value; `$(var)` references are substituted at run time. */
  readonly value?: string;
  readonly expression?: Expr;
  readonly location: SourceLocation;
}

/** `<Return from='object' to='userObject'/>`: copy a result (or work item variable) into a process variable. */
export interface ReturnModel {
  readonly from: string;
  readonly to: string;
  readonly location: SourceLocation;
}

/** Who owns a work item. Several owners give one work item each. */
export type OwnerModel =
  /** `<Owner name='$(APPROVER)'/>`: a name, `$(var)` substituted at run time. */
  | { readonly kind: 'name'; readonly name: string; readonly location: SourceLocation }
  /** `<Owner><ref>approvers</ref></Owner>`: a string or a list of strings. */
  | { readonly kind: 'expression'; readonly expression: Expr; readonly location: SourceLocation }
  /**
   * Netwrix dialect: everyone whose profile holds `permission` may take the item; the first to decide takes it.
   * `requester` true means the person who launched the instance holds it first (the first activity).
   */
  | { readonly kind: 'permission'; readonly permission: string; readonly requester: boolean; readonly location: SourceLocation };

/**
 * A decision a person may take on a work item.
 * - `complete`: the work item closes and the activity's transitions are evaluated (`WF_WORKITEM_DECISION` holds the name).
 * - `save`: the editable variables are stored, the work item stays open (Netwrix `Save`).
 * - `assign`: the decision names another person (`--assignee`), who holds the next item (Netwrix `Delegate`, `Refine`).
 */
export interface DecisionModel {
  readonly name: string;
  readonly kind: 'complete' | 'save' | 'assign';
}

/** `<ManualAction>`: puts a work item in a person's inbox and waits. */
export interface ManualActionModel {
  readonly name?: string;
  readonly owners: readonly OwnerModel[];
  /**
   * Timeout as written: positive = minutes, negative = seconds (Waveset, reference §2.4), 0/absent = none.
   * A `timeoutExpression` wins when present.
   */
  readonly timeout?: number;
  readonly timeoutExpression?: Expr;
  readonly ignoreTimeout: boolean;
  readonly itemType?: string;
  readonly authType?: string;
  /** Request text shown to the owner: a literal (with `$(var)`) or an expression. */
  readonly request?: string;
  readonly requestExpression?: Expr;
  /** Who asks, as shown with the work item (Waveset `requester=`, reference §2.2): text with `$(var)`. */
  readonly requester?: string;
  /** Variables copied into the work item; undefined = all process variables. */
  readonly exposedVariables?: readonly string[];
  /** Variables a decision may write back; undefined = all exposed ones. */
  readonly editableVariables?: readonly string[];
  readonly viewVariables?: readonly string[];
  readonly variables: readonly VariableDecl[];
  readonly returns: readonly ReturnModel[];
  /** Form reference (`<ObjectRef type='UserForm' …/>` or `<FormRef>`), kept for the console. */
  readonly form?: { readonly type: string; readonly id?: string; readonly name?: string };
  readonly decisions: readonly DecisionModel[];
  /** Present when the manual action is an approval (idflow attributes; docs/approvals.md). */
  readonly approval?: ApprovalModel;
  readonly location: SourceLocation;
}

/**
 * An approval: approvers resolved at run time, asked in a mode, with four-eyes and escalation (docs/approvals.md).
 * Every field is text with `$(var)` substituted when the work items are put up; absent fields take their defaults.
 */
export interface ApprovalModel {
  /** `any` | `serial` | `parallel` (default any). */
  readonly mode?: string;
  /** `manager,owner,…`; absent: the manual action's owners are the approvers (or `manager` when it has none). */
  readonly scheme?: string;
  /** The login the approval is about; default the instance's subject. */
  readonly subject?: string;
  readonly resource?: string;
  readonly profile?: string;
  readonly person?: string;
  /** A login or `profile:<name>` asked when four-eyes leaves nobody. */
  readonly fallback?: string;
  /** `manager` (default) or `none`. */
  readonly escalation?: string;
  /**
   * Netwrix: when nobody is left and no fallback is named, offer the item by the state's permission as before,
   * instead of ending the approval with APPROVAL_NO_APPROVER.
   */
  readonly offerByPermission?: boolean;
}

interface ActionBase {
  /** Index in the activity's action list, as a string (Waveset `id`). */
  readonly id: string;
  readonly name?: string;
  readonly title?: string;
  readonly hidden?: boolean;
  readonly comments?: string;
  /** `<Condition>`: when false the action is skipped and `WF_ACTION_SUPPRESSED` is set. */
  readonly condition?: Expr;
  readonly arguments: readonly ArgumentModel[];
  readonly returns: readonly ReturnModel[];
  readonly variables: readonly VariableDecl[];
  readonly location: SourceLocation;
}

/** A named service operation (`application=`/`class=` + `<Argument name='op'>`). */
export interface ServiceActionModel extends ActionBase {
  readonly kind: 'service';
  readonly application?: string;
  readonly className?: string;
  /** The `op` argument when it is a literal; undefined when computed at run time. */
  readonly op?: string;
}

/** `<Action process='Name'>`: run another process as a subprocess with the arguments as its inputs. */
export interface SubprocessActionModel extends ActionBase {
  readonly kind: 'subprocess';
  readonly process: string;
}

/** `<Action><expression>…</expression></Action>`. */
export interface ExpressionActionModel extends ActionBase {
  readonly kind: 'expression';
  readonly expression: Expr;
}

/** An action whose work is a {@link ManualActionModel}. */
export interface ManualActionActionModel extends ActionBase {
  readonly kind: 'manual';
  readonly manual: ManualActionModel;
}

export type ActionModel = ServiceActionModel | SubprocessActionModel | ExpressionActionModel | ManualActionActionModel;
