import { optionKey } from './option-values.js';
import { UsageError } from './usage-error.js';

/**
 * Dates and times written on the command line (`--since`, `--until`), read by the validating parser of
 * src/definition/parse-instant.ts (luxon, loaded only when a date is given): `2025-02-30` is refused, not read as
 * 2 March. Without a zone the time is UTC, as every time idflow prints is (docs/decisions/cli-lists.md).
 * Returns epoch milliseconds; refuses with CLI_BAD_DATE.
 */
export async function parseDateArg(text: string, option: string): Promise<number> {
  const { parseIsoInstant } = await import('../definition/parse-instant.js');
  const parsed = parseIsoInstant(text);
  if ('error' in parsed) {
    throw new UsageError('CLI_BAD_DATE', `${option} takes a date such as 2025-02-01, 2025-02-01T09:30Z or "2025-02-01 09:30 Europe/Paris", not "${text}" (${parsed.error})`, {
      [optionKey(option)]: text,
    });
  }
  return parsed.ms;
}
