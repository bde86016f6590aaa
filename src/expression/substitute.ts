import type { XpressEnv, XValue } from './env.js';
import { resolveReference } from './path.js';
import { toStr } from './values.js';

const WHOLE = /^\$\(([^()]+)\)$/;
const ANY = /\$\(([^()]+)\)/g;

type Lookup = (name: string) => XValue | undefined;

/** `$(name)` substitution with a lookup function; the evaluator passes its own so local variables are seen. */
export function substituteWith(text: string, lookup: Lookup): string {
  if (!text.includes('$(')) return text;
  return text.replace(ANY, (_m, name: string) => toStr(resolveReference(name.trim(), lookup) ?? null));
}

/**
 * Replaces every `$(name)` in `text` with the variable's value as a string (paths allowed:
 * `$(user.accounts[AD].email)`); unknown variables and null become "". There is no escape: a `$(` with no
 * closing parenthesis stays as written. Used for `value='$(x)'` attributes and `<expand>`.
 */
export function substitute(text: string, env: XpressEnv): string {
  return substituteWith(text, (n) => env.lookup(n));
}

/** Like {@link substituteWith}, but a text that is exactly one `$(name)` gives the variable's value itself. */
export function substituteValueWith(text: string, lookup: Lookup): XValue {
  const whole = WHOLE.exec(text);
  if (whole) return resolveReference(whole[1]!.trim(), lookup) ?? null;
  return substituteWith(text, lookup);
}

/**
 * The value of an attribute such as `<Argument name='user' value='$(userObject)'/>`: when the whole text is one
 * `$(name)`, the variable's value unchanged (a map stays a map, null stays null); otherwise the substituted
 * string. Engine and loaders call this for argument, variable and owner values.
 */
export function substituteValue(text: string, env: XpressEnv): XValue {
  return substituteValueWith(text, (n) => env.lookup(n));
}
