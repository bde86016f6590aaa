import type { EvaluationBudget } from './evaluation-budget.js';

/**
 * Values XPRESS works with. Plain JSON so that process variables persist unchanged:
 * null, integers (JS numbers), strings, booleans (from `<Boolean>`), lists (arrays) and maps (plain objects).
 */
export type XValue = null | number | string | boolean | XValue[] | { [key: string]: XValue };

/**
 * What an expression can reach while it runs. The engine implements this over the TaskInstance's scopes.
 */
export interface XpressEnv {
  /** Value of a variable (dotted/bracket paths are resolved by the evaluator, not here); undefined when unknown. */
  lookup(name: string): XValue | undefined;
  /** Assign a variable following the scope rules (`external` goes to the declaring scope). */
  assign(name: string, value: XValue): void;
  /** Call a stored Rule object by name with named arguments. Throws when the rule does not exist. */
  callRule?(name: string, args: Readonly<Record<string, XValue>>): XValue;
  /** Output of `<print>` and `<trace>`; defaults to nothing. */
  print?(line: string): void;
  /** Current time, for date functions; defaults to Date.now(). */
  now?(): number;
  /**
   * Counters and limits shared by every evaluation in this environment, and by the rules they call: set, it wins
   * over the `limits` given to `evaluate`. Absent, each `evaluate` call has a budget of its own.
   */
  readonly budget?: EvaluationBudget;
}
