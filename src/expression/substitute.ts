import { replaceBounded, toStrBounded, type TextLimit } from './bounded-text.js';
import type { XpressEnv, XValue } from './env.js';
import { ExpressionError } from './expression-error.js';
import { resolveReference } from './path.js';

const WHOLE = /^\$\(([^()]+)\)$/;
const ANY = /\$\(([^()]+)\)/g;

type Lookup = (name: string) => XValue | undefined;

/**
 * `$(name)` substitution with a lookup function; the evaluator passes its own so local variables are seen. With a
 * `limit`, a result that would pass it is refused before it is built.
 */
export function substituteWith(text: string, lookup: Lookup, limit?: TextLimit): string {
  if (!text.includes('$(')) return text;
  return replaceBounded(text, ANY, (m) => toStrBounded(resolveReference(m[1]!.trim(), lookup) ?? null, limit), limit);
}

/**
 * Replaces every `$(name)` in `text` with the variable's value as a string (paths allowed:
 * `$(user.accounts[AD].email)`); unknown variables and null become "". There is no escape: a `$(` with no
 * closing parenthesis stays as written. Used for `value='$(x)'` attributes and `<expand>`. When the environment
 * carries an evaluation budget, its string limit applies (`XPRESS_VALUE_TOO_LARGE`).
 */
export function substitute(text: string, env: XpressEnv): string {
  return substituteWith(text, (n) => env.lookup(n), envLimit(env));
}

/** Like {@link substituteWith}, but a text that is exactly one `$(name)` gives the variable's value itself. */
export function substituteValueWith(text: string, lookup: Lookup, limit?: TextLimit): XValue {
  const whole = WHOLE.exec(text);
  if (whole) return resolveReference(whole[1]!.trim(), lookup) ?? null;
  return substituteWith(text, lookup, limit);
}

/**
 * The value of an attribute such as `<Argument name='user' value='$(userObject)'/>`: when the whole text is one
 * `$(name)`, the variable's value unchanged (a map stays a map, null stays null); otherwise the substituted
 * string. Engine and loaders call this for argument, variable and owner values.
 */
export function substituteValue(text: string, env: XpressEnv): XValue {
  return substituteValueWith(text, (n) => env.lookup(n), envLimit(env));
}

function envLimit(env: XpressEnv): TextLimit | undefined {
  const limits = env.budget?.limits;
  if (!limits) return undefined;
  const max = Math.min(limits.maxStringLength, limits.maxValueSize - 2);
  return { max, tooLong: (n) => new ExpressionError('XPRESS_VALUE_TOO_LARGE', `a string of ${n} characters exceeds the limit of ${max}`) };
}
