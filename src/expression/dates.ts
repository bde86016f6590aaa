/**
 * Dates as idflow's values hold them: ISO 8601 text, either a day (`2025-01-31`) or an instant in UTC
 * (`2025-01-31T08:30:00Z`). The C# subset's DateTime members (docs/csharp-expressions.md) work on these through
 * the allow-listed `System.DateTime` methods. Text of one form sorts in date order, so XPRESS comparisons work too.
 */
import { ExpressionError } from './expression-error.js';

export interface ParsedDate {
  /** Milliseconds since the epoch, UTC. */
  readonly ms: number;
  /** True for a day without a time of day; arithmetic keeps the form unless it adds hours, minutes or seconds. */
  readonly dateOnly: boolean;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** The date a text spells, or undefined when it is not an ISO 8601 date of the forms above. */
export function parseDate(text: string): ParsedDate | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(Number(y), month)) return undefined;
  let ms = Date.UTC(Number(y), month - 1, day, Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), Number((frac ?? '0').padEnd(3, '0')));
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  if (!Number.isFinite(ms)) return undefined;
  return { ms, dateOnly: h === undefined };
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `2025-01-31` for a day, `2025-01-31T08:30:00Z` (milliseconds only when there are some) for an instant. */
export function formatDate(ms: number, dateOnly: boolean): string {
  const iso = new Date(ms).toISOString();
  if (dateOnly) return iso.slice(0, 10);
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

/** The date a value holds, or an `XPRESS_NOT_A_DATE` error saying what was found instead. */
export function requireDate(v: unknown, method: string): ParsedDate {
  const d = typeof v === 'string' ? parseDate(v) : undefined;
  if (d) return d;
  const what = typeof v === 'string' ? `a string of ${v.length} characters that is not an ISO 8601 date` : v === null ? 'null' : `a ${Array.isArray(v) ? 'list' : typeof v}`;
  throw new ExpressionError('XPRESS_NOT_A_DATE', `${method} needs a date (2025-01-31 or 2025-01-31T08:30:00Z), got ${what}`, { method });
}

/** Adds calendar months the way .NET does: the day is clamped to the last day of the target month. */
export function addMonths(d: ParsedDate, months: number): ParsedDate {
  const t = new Date(d.ms);
  const total = t.getUTCFullYear() * 12 + t.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const day = Math.min(t.getUTCDate(), daysInMonth(year, month + 1));
  const ms = Date.UTC(year, month, day, t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds(), t.getUTCMilliseconds());
  return checkRange({ ms, dateOnly: d.dateOnly });
}

/** .NET DateTime covers years 1 to 9999; past them AddDays and friends throw, and so does idflow. */
export function checkRange(d: ParsedDate): ParsedDate {
  const year = new Date(d.ms).getUTCFullYear();
  if (!Number.isFinite(d.ms) || year < 1 || year > 9999) {
    throw new ExpressionError('XPRESS_DATE_OUT_OF_RANGE', 'the date is outside the years 1 to 9999', {});
  }
  return d;
}
