import type { SourceLocation } from '../diagnostic.js';
import type { Expr } from './expression.js';

/**
 * A move to another activity. Transitions are tried in order; the first whose condition is true wins and one
 * without a condition is always taken (it acts as the else). In an AND-split every true transition is taken.
 */
export interface TransitionModel {
  /** Target activity name. */
  readonly to: string;
  readonly condition?: Expr;
  /** Taken only when the work item was decided with this decision (Netwrix verbs: `Execute`, `Approve`, …). */
  readonly decision?: string;
  /** Public name of the transition (Netwrix `ActionWithRefine-ActionPending-Execute`). */
  readonly name?: string;
  readonly location: SourceLocation;
}
