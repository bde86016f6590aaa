/**
 * The work one advance may do (docs/engine.md, "Budgets and size limits"). Every advance gets a fresh budget;
 * every XPRESS evaluation of an activity, and every `<rule>` those evaluations call, spends the same XPRESS
 * allowance, which is renewed as the next activity is entered.
 *
 * When an advance has entered `advanceSteps` activities, spent `advanceXpressSteps` XPRESS steps or run for
 * `advanceMs`, it yields before its next activity: what it did is committed and the instance is continued by a
 * later claim, so one busy instance cannot hold back the rest of its batch. Yields happen only between
 * activities, so they never change what an instance computes, only where its commits fall.
 */
import { DEFAULT_MAX_STEPS_CEILING } from '../../definition/validate/rules/max-steps-ceiling.js';
import { EvaluationBudget, resolveLimits, type EvaluateLimits } from '../../expression/evaluation-budget.js';

/** The limits an engine runs instances under (resolved engine options; see `WorkLimits` in engine-api.ts). */
export interface AdvanceLimits {
  /** Highest maxSteps any process may have; a definition's own maxSteps may only lower it. */
  readonly maxStepsCeiling: number;
  /** Activities one advance enters before it yields. */
  readonly advanceSteps: number;
  /** XPRESS steps one advance spends before it yields (checked between activities). */
  readonly advanceXpressSteps: number;
  /** Milliseconds (on the engine's monotonic clock) one advance runs before it yields (checked between activities). */
  readonly advanceMs: number;
  /** XPRESS steps all the expressions of one activity may spend, rule calls included (`XPRESS_STEP_LIMIT`). */
  readonly activityXpressSteps: number;
  /** Largest value XPRESS may build, as stored (`XPRESS_VALUE_TOO_LARGE`). */
  readonly maxValueBytes: number;
  /** Largest stored size of an instance: its state with every variable, plus what one advance writes (`ENGINE_STATE_TOO_LARGE`). */
  readonly maxStateBytes: number;
}

export const DEFAULT_ADVANCE_LIMITS: AdvanceLimits = Object.freeze({
  maxStepsCeiling: DEFAULT_MAX_STEPS_CEILING,
  advanceSteps: 1_000,
  advanceXpressSteps: 5_000_000,
  advanceMs: 1_000,
  activityXpressSteps: 1_000_000,
  maxValueBytes: 16 * 1024 * 1024,
  maxStateBytes: 32 * 1024 * 1024,
});

/**
 * What an advance runs under when its run context sets no limits (the interpreter used on its own, as in its unit
 * tests): the default ceilings and sizes, and no yields, since the caller drives the advance.
 */
export const UNYIELDING_LIMITS: AdvanceLimits = Object.freeze({
  ...DEFAULT_ADVANCE_LIMITS,
  advanceSteps: Number.POSITIVE_INFINITY,
  advanceXpressSteps: Number.POSITIVE_INFINITY,
  advanceMs: Number.POSITIVE_INFINITY,
});

/** Why an advance yielded. */
export type YieldReason = 'steps' | 'xpress' | 'time';

const resolved = new WeakMap<AdvanceLimits, EvaluateLimits>();

/** The XPRESS limits of an engine's limits, made once per engine rather than once per advance. */
function xpressLimits(limits: AdvanceLimits): EvaluateLimits {
  let x = resolved.get(limits);
  if (!x) {
    x = resolveLimits({ maxSteps: limits.activityXpressSteps, maxValueSize: limits.maxValueBytes });
    resolved.set(limits, x);
  }
  return x;
}

export class WorkBudget {
  /** Shared by every evaluation of the current activity and the rules it calls. */
  readonly xpress: EvaluationBudget;
  /** XPRESS steps of the activities this advance finished. */
  #xpressBefore = 0;
  readonly #startedAt: number;

  constructor(
    readonly limits: AdvanceLimits,
    private readonly monotonic: (() => number) | undefined,
  ) {
    this.xpress = new EvaluationBudget(xpressLimits(limits));
    this.#startedAt = monotonic ? monotonic() : 0;
  }

  /** A new activity is entered: it gets a fresh XPRESS allowance. */
  beginActivity(): void {
    this.#xpressBefore += this.xpress.steps;
    this.xpress.renew();
  }

  /** XPRESS steps spent by this advance so far. */
  get xpressSteps(): number {
    return this.#xpressBefore + this.xpress.steps;
  }

  /** Whether the advance, having entered `steps` activities, must yield before the next one. */
  spent(steps: number): YieldReason | undefined {
    if (steps >= this.limits.advanceSteps) return 'steps';
    if (this.xpressSteps >= this.limits.advanceXpressSteps) return 'xpress';
    if (this.monotonic && this.monotonic() - this.#startedAt >= this.limits.advanceMs) return 'time';
    return undefined;
  }
}
