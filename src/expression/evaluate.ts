import type { Expr } from '../definition/model/expression.js';
import { CONTROL_HANDLERS } from './builtins-control.js';
import { CORE_HANDLERS } from './builtins-core.js';
import { TEXT_AND_LIST_HANDLERS } from './builtins-text-and-lists.js';
import type { XpressEnv, XValue } from './env.js';
import { BreakSignal, Evaluation, type EvaluateLimits, type Handler } from './evaluation.js';

/** One handler per function in the catalogue (function-catalogue.ts); a test checks that none is missing. */
export const HANDLERS: Readonly<Record<string, Handler>> = {
  ...CORE_HANDLERS,
  ...TEXT_AND_LIST_HANDLERS,
  ...CONTROL_HANDLERS,
};

/**
 * Evaluates a compiled expression with Waveset semantics (docs/xpress.md). Variables come from `env`;
 * `defvar`, `dolist` and function arguments live only for this call. Errors are `ExpressionError`s with a
 * stable code and the failing element's `line`/`column` in `details`; `limits` bound the work one call may do.
 */
export function evaluate(expr: Expr, env: XpressEnv, limits?: EvaluateLimits): XValue {
  const x = new Evaluation(env, HANDLERS, limits);
  try {
    return x.eval(expr);
  } catch (s) {
    // Compiled expressions cannot break out of their top level; a hand-built one that does yields the value.
    if (s instanceof BreakSignal) return s.value;
    throw s;
  }
}
