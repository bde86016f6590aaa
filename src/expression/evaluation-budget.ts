/**
 * The counters that bound XPRESS work. One budget may be shared by several evaluations: the engine gives every
 * expression of an activity (and every `<rule>` they call) the same budget, so a rule that calls itself cannot
 * start each call with a fresh allowance.
 */

/** Bounds on XPRESS work, so a hostile or buggy expression cannot hang or exhaust the process. */
export interface EvaluateLimits {
  /** Most expression nodes evaluated against one budget (`XPRESS_STEP_LIMIT`). @default 1_000_000 */
  maxSteps?: number;
  /** Deepest `<call>` nesting of defun functions (`XPRESS_RECURSION_LIMIT`). @default 100 */
  maxCallDepth?: number;
  /**
   * Deepest nesting of expression evaluation, counting calls and `<rule>` calls (`XPRESS_RECURSION_LIMIT`); Node's
   * stack holds about 1,400. @default 1_000
   */
  maxDepth?: number;
  /** Longest string built, in UTF-16 units (`XPRESS_VALUE_TOO_LARGE`). @default 10 MiB */
  maxStringLength?: number;
  /** Most elements in a list built (`XPRESS_VALUE_TOO_LARGE`). @default 1_000_000 */
  maxListLength?: number;
  /**
   * Total string units and list slots built against one budget, which bounds the memory and time of loops that
   * copy growing values (`XPRESS_VALUE_TOO_LARGE`). @default 200_000_000
   */
  maxAllocation?: number;
  /**
   * Largest value built, measured as it would be stored (its JSON size, see `valueSize`): a list holding the same
   * string N times counts it N times (`XPRESS_VALUE_TOO_LARGE`). @default 16 MiB
   */
  maxValueSize?: number;
}

export const DEFAULT_LIMITS: Readonly<Required<EvaluateLimits>> = Object.freeze({
  maxSteps: 1_000_000,
  maxCallDepth: 100,
  maxDepth: 1_000,
  maxStringLength: 10 * 1024 * 1024,
  maxListLength: 1_000_000,
  maxAllocation: 200_000_000,
  maxValueSize: 16 * 1024 * 1024,
});

const COMPLETE = new WeakSet<EvaluateLimits>([DEFAULT_LIMITS]);

/** Completes caller limits with the defaults (no copy when the defaults apply, or for limits it completed). */
export function resolveLimits(limits: EvaluateLimits | undefined): Readonly<Required<EvaluateLimits>> {
  if (limits === undefined) return DEFAULT_LIMITS;
  if (COMPLETE.has(limits)) return limits as Readonly<Required<EvaluateLimits>>;
  const out = Object.freeze({ ...DEFAULT_LIMITS, ...limits });
  COMPLETE.add(out);
  return out;
}

/** What has been spent against the limits; evaluations sharing the budget add to the same counters. */
export class EvaluationBudget {
  readonly limits: Readonly<Required<EvaluateLimits>>;
  /** Expression nodes evaluated. */
  steps = 0;
  /** Current nesting of evaluation (calls and rule calls included). */
  depth = 0;
  /** Current nesting of defun `<call>`s. */
  callDepth = 0;
  /** String units and list slots built. */
  allocated = 0;

  constructor(limits?: EvaluateLimits) {
    this.limits = resolveLimits(limits);
  }

  /** Starts a new allowance (the engine does this as an activity is entered); nesting is left as it is. */
  renew(): void {
    this.steps = 0;
    this.allocated = 0;
  }
}
