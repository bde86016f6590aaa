import { DateTime } from 'luxon';

/**
 * Dates and times as people write them in definitions and on the command line, read by a validating parser
 * (luxon): a day that does not exist (`2025-02-30`, `2025-13-01`, `25:00`) is refused, never rolled over.
 * Accepted: ISO 8601 dates and date-times with `T` or a space between them and any fraction of a second
 * (`2025-02-01`, `2025-02-01T09:30`, `2025-02-01 09:30:15.250`), each optionally followed by `Z`, an offset
 * (`+02:00`) or, after a space, an IANA time zone (`2025-02-01 09:30 Europe/Paris`). Without any of those the
 * time is in `zone` (UTC unless said otherwise). Returns epoch milliseconds, or a reason it is not a date.
 */
export function parseIsoInstant(text: string, zone = 'UTC'): { readonly ms: number } | { readonly error: string } {
  const trimmed = text.trim();
  const zoned = /^(\S+(?:[ T]\S+)?)\s+([A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)+|UTC)$/.exec(trimmed);
  const value = (zoned ? zoned[1]! : trimmed).replace(/^(\d{4}-\d{2}-\d{2}) (?=\d)/, '$1T');
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return { error: 'not an ISO 8601 date' };
  const parsed = DateTime.fromISO(value, { zone: zoned ? zoned[2]! : zone, setZone: true });
  if (!parsed.isValid) return { error: parsed.invalidExplanation ?? parsed.invalidReason ?? 'not an ISO 8601 date' };
  return { ms: parsed.toMillis() };
}

/** The Waveset XML object form `20250106 02:00:00` (UTC), validated the same way; undefined when it is not one. */
export function parseWavesetDate(text: string): number | undefined {
  if (!/^\d{8} \d{2}:\d{2}:\d{2}$/.test(text)) return undefined;
  const parsed = DateTime.fromFormat(text, 'yyyyMMdd HH:mm:ss', { zone: 'UTC' });
  return parsed.isValid ? parsed.toMillis() : undefined;
}
