import type { SourceLocation } from '../diagnostic.js';
import type { Expr } from './expression.js';

/**
 * A `<Variable>` of a process, activity, action or manual action.
 *
 * Scope rules (reference waveset §1.3): without `scope` a variable is local; `input` may be set by the caller;
 * `output` is returned to the caller; `external` makes assignments go to the scope where the name was first
 * declared.
 */
export interface VariableDecl {
  readonly name: string;
  /** Static initial value from the `value` attribute; may contain `$(var)` references. */
  readonly value?: string;
  /** Initial value from a child expression (`<Variable name='x'><expression>…</expression></Variable>`). */
  readonly initial?: Expr;
  readonly input: boolean;
  readonly output: boolean;
  readonly external: boolean;
  /** Declared `scope` attribute, `local` when absent. */
  readonly scope: string;
  readonly comments?: string;
  readonly location: SourceLocation;
}
