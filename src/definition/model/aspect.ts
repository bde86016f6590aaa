import type { SourceLocation } from '../diagnostic.js';
import type { Expr } from './expression.js';

/** The Netwrix aspect kinds (reference netwrix §6). `InvokeScriptAspect` is recognised and refused. */
export const AspectKinds = [
  'AddChangeAspect',
  'AssertValueAspect',
  'AssertValueRequiredAspect',
  'BuildUniqueValueAspect',
  'InvokeScriptAspect',
  'InvokeWorkflowAspect',
  'NotificationAspect',
] as const;
export type AspectKind = (typeof AspectKinds)[number];

/** Where an aspect cuts in: entering (`Before`) or leaving (`After`) a template state of an activity. */
export interface PointCutModel {
  /** `Workflow:Activity`. */
  readonly activity: string;
  /** Template state, e.g. `ActionWithRefine-Executed`. */
  readonly activityState: string;
  readonly mode: 'Before' | 'After';
  readonly templateTransformation?: string;
  readonly location: SourceLocation;
}

export interface NotificationRecipientModel {
  readonly type: 'Actor' | 'Performer' | 'Binding' | 'Hardcoded' | 'Expression' | 'Profile';
  readonly binding?: string;
  readonly emailAddresses?: readonly string[];
  readonly expression?: Expr;
  readonly activity?: string;
  readonly activityState?: string;
  readonly isCC: boolean;
}

/**
 * A Netwrix aspect with its expressions (C# subset or XPRESS) compiled to the XPRESS expression tree. Kind-specific attributes that have no field here
 * are kept in `attributes` as written.
 */
export interface AspectModel {
  readonly kind: AspectKind;
  readonly identifier: string;
  readonly binding?: string;
  readonly expressionBinding?: string;
  readonly expression?: Expr;
  readonly ifExpression?: Expr;
  /** `Message_L1`: shown when an assert aspect refuses a transition. */
  readonly message?: string;
  /** Higher runs first; may be negative. */
  readonly priority: number;
  /** InvokeWorkflowAspect: the workflow to launch. */
  readonly workflow?: string;
  /** AddChangeAspect `AcceptNullValueExpression` written `true`/`false` (idflow files before the C# subset). */
  readonly acceptNullValue?: boolean;
  /** AddChangeAspect `AcceptNullValueExpression` as an expression (C# in Netwrix files): true lets a null value overwrite. */
  readonly acceptNullValueExpression?: Expr;
  /** BuildUniqueValueAspect `SimulationExpression`: compiled and checked, never evaluated (idflow has no preview). */
  readonly simulationExpression?: Expr;
  /** BuildUniqueValueAspect: iterations and the uniqueness check, as XPRESS. */
  readonly iterationsCount?: number;
  readonly checkExpression?: Expr;
  readonly recipients?: readonly NotificationRecipientModel[];
  readonly subjectExpression?: Expr;
  readonly attributes: Readonly<Record<string, string>>;
  readonly pointCuts: readonly PointCutModel[];
  readonly location: SourceLocation;
}
