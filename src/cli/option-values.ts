import { escapeControls, firstControlCharacter } from '../identity/subject-key.js';
import { UsageError } from './usage-error.js';

/**
 * Option values read from the command line. Each refusal is a {@link UsageError} with the option's own stable code
 * and a message naming what is allowed.
 */

/** The key an option's value is reported under in an error's details: `--since` → `since`. */
export function optionKey(option: string): string {
  return option.replace(/^-+/, '');
}

/** `--limit 20`: digits only, so `0x10`, `1e3` and ` 5` are refused rather than read as some other number. */
export function positiveInteger(text: string, option: string, code: string): number {
  const n = /^\d{1,15}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1)) throw new UsageError(code, `${option} takes a positive whole number (1, 2, …), not "${text}"`, { [optionKey(option)]: text });
  return n;
}

/** `--state open`: one of `values`, as written. */
export function oneOf<T extends string>(text: string, values: readonly T[], option: string, code: string): T {
  const found = values.find((v) => v === text);
  if (found === undefined) throw new UsageError(code, `${option} must be one of ${values.join(', ')}, not "${text}"`, { [optionKey(option)]: text });
  return found;
}

/**
 * A person named on the command line (`--as`, `--owner`, `--assignee`, `profile assign PERSON`): the name is stored
 * in the audit and printed in lists, so an empty one (`CLI_EMPTY_NAME`: a variable that was not set, `--as "$U"`)
 * and one holding control characters or terminal escapes (`CLI_BAD_NAME`: it would rewrite the screen of whoever
 * reads the audit) are refused, never stored. Returned as given otherwise.
 */
export function personName(text: string, option: string): string {
  const key = optionKey(option);
  if (text.trim() === '') throw new UsageError('CLI_EMPTY_NAME', `${option} needs a name, not an empty value`, { [key]: text });
  const control = firstControlCharacter(text);
  if (control !== undefined) {
    throw new UsageError(
      'CLI_BAD_NAME',
      `${option} may not hold control characters or terminal escapes; "${escapeControls(text)}" holds U+${control.toString(16).toUpperCase().padStart(4, '0')}`,
      { [key]: escapeControls(text) },
    );
  }
  return text;
}
