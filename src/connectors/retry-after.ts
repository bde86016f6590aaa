/**
 * HTTP `Retry-After` (RFC 9110 §10.2.3) as milliseconds to wait: either delay-seconds (`120`) or an HTTP date
 * (`Wed, 21 Oct 2026 07:28:00 GMT`). A date is measured against the response's own `Date` header when it has one,
 * so a target whose clock differs from ours still gets the wait it asked for; else against `now`.
 * Undefined when the header is absent or unreadable (the worker's backoff then decides).
 */
export function parseRetryAfter(value: string | null | undefined, responseDate?: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds * 1000) ? seconds * 1000 : undefined;
  }
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  const reference = responseDate ? Date.parse(responseDate) : NaN;
  return Math.max(0, at - (Number.isNaN(reference) ? now : reference));
}
