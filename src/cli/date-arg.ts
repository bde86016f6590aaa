import { DateTime } from 'luxon';
import { UsageError } from './usage-error.js';

/**
 * Dates and times written on the command line (`--since`, `--until`), read by a validating parser (luxon): a day
 * that does not exist (`2025-02-30`) is refused, never rolled over into March. Accepted, in ISO 8601:
 * `2025-02-01`, `2025-02-01T09:30`, `2025-02-01 09:30:15.250` (a space for the T, fractional seconds), each
 * optionally followed by `Z`, an offset (`+02:00`) or an IANA zone after a space (`2025-02-01 09:30 Europe/Paris`).
 * Without a zone the time is UTC, as every time idflow prints is (docs/decisions/cli-dates.md).
 * Returns epoch milliseconds.
 */
export function parseDateArg(text: string, option: string): number {
  const trimmed = text.trim();
  const zoned = /^(\S+(?:[ T]\S+)?)\s+([A-Za-z][A-Za-z0-9_+\-]*(?:\/[A-Za-z0-9_+\-]+)+|UTC)$/.exec(trimmed);
  const value = (zoned ? zoned[1]! : trimmed).replace(/^(\d{4}-\d{2}-\d{2}) (?=\d)/, '$1T');
  const zone = zoned ? zoned[2]! : 'UTC';
  const parsed = DateTime.fromISO(value, { zone, setZone: true });
  if (!parsed.isValid || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const why = parsed.invalidExplanation ?? parsed.invalidReason ?? 'not an ISO 8601 date';
    throw new UsageError('CLI_BAD_DATE', `${option} takes a date such as 2025-02-01, 2025-02-01T09:30Z or "2025-02-01 09:30 Europe/Paris", not "${text}" (${why})`, {
      [option.replace(/^-+/, '')]: text,
    });
  }
  return parsed.toMillis();
}
