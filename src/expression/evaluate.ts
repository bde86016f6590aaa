import type { Expr } from '../definition/model/expression.js';
import type { XpressEnv, XValue } from './env.js';
import { ExpressionError } from './expression-error.js';

/** PLACEHOLDER — implemented by the XPRESS work. */
export function evaluate(expr: Expr, env: XpressEnv): XValue {
  void env;
  throw new ExpressionError('XPRESS_NOT_IMPLEMENTED', `evaluate(${expr.op}) is not implemented yet`);
}
