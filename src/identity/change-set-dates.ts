import { ChangeSetError } from './change-set-errors.js';
import type { XValue } from '../expression/env.js';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function day(y: number, m: number, d: number, attribute: string, raw: XValue): number {
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  // Date.UTC rolls 2026-02-30 over into March: a date that is not one is refused, not moved.
  if (m < 1 || m > 12 || back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) throw notADate(attribute, raw);
  return t;
}

function notADate(attribute: string, raw: XValue): ChangeSetError {
  return new ChangeSetError('CHANGESET_DATE_INVALID', `${attribute} is not a date: ${JSON.stringify(raw)} (write YYYY-MM-DD, an ISO date-time with its zone, or YYYYMMDD)`, attribute, {
    value: raw,
  });
}

/**
 * A change set's date as epoch milliseconds: `YYYY-MM-DD` (midnight UTC), an ISO 8601 date-time with its zone, or
 * the number (or digits) `YYYYMMDD`. Anything else is `CHANGESET_DATE_INVALID` naming `attribute`.
 */
export function parseChangeSetDate(raw: XValue, attribute: string): number {
  if (typeof raw === 'number' || (typeof raw === 'string' && /^\d{8}$/.test(raw))) {
    const n = typeof raw === 'number' ? raw : Number(raw);
    if (!Number.isInteger(n) || n < 10000101 || n > 99991231) throw notADate(attribute, raw);
    return day(Math.floor(n / 10000), Math.floor(n / 100) % 100, n % 100, attribute, raw);
  }
  if (typeof raw !== 'string') throw notADate(attribute, raw);
  const s = raw.trim();
  const m = DAY.exec(s);
  if (m) return day(Number(m[1]), Number(m[2]), Number(m[3]), attribute, raw);
  if (DATE_TIME.test(s)) {
    day(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10)), attribute, raw);
    const t = Date.parse(s);
    if (Number.isFinite(t)) return t;
  }
  throw notADate(attribute, raw);
}

/** The date as `YYYY-MM-DD` (UTC), or with its time when it is not midnight: what people read. */
export function formatDate(t: number): string {
  const iso = new Date(t).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}
