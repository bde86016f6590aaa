/**
 * XPRESS: compile XML expressions into {@link Expr} trees at load time, evaluate them at run time.
 * This file is the module's public surface; the implementation lives beside it. docs/xpress.md is the
 * user-facing catalogue.
 *
 * CONTRACT (other modules rely on exactly these signatures):
 * - `compileExpression(el, ctx)` turns one XPRESS element (`<add>`, `<ref>`, `<String>`, …) into an Expr, reporting
 *   unknown functions, bad literals, `<script>` and non-allow-listed `<invoke>`/`<new>` into ctx.diags with the
 *   element's location. Returns undefined when the element cannot be compiled.
 * - `compileExpressionBody(el, ctx)` compiles the expression held *inside* a container element such as
 *   `<expression>`, `<Condition>`, `<Transition>`, `<Argument>`, `<Variable>`: the single child expression, or an
 *   implicit `block` when there are several; undefined when the container has no child element.
 * - `evaluate(expr, env)` evaluates with Waveset semantics; errors are `ExpressionError`s with stable codes.
 * - `substitute(text, env)` / `substituteValue(text, env)` expand `$(var)` in attribute values.
 * - `truthy(v)` is XPRESS truth, for transition conditions and `<Condition>`.
 */
export { compileExpression, compileExpressionBody, isXpressElementName, XpressCompileCodes } from './compile.js';
export type { CompileContext } from './compile.js';
export { evaluate } from './evaluate.js';
export type { EvaluateLimits } from './evaluation.js';
export { EvaluationBudget } from './evaluation-budget.js';
export type { XpressEnv, XValue } from './env.js';
export { ExpressionError } from './expression-error.js';
export { substitute, substituteValue } from './substitute.js';
export { toInt, toStr, truthy, xEquals } from './values.js';
