/**
 * Cursor pagination (docs/api.md, "Lists"): a list answers `{ items, nextCursor }`; `nextCursor` is opaque (the
 * base64url JSON of the last row's creation time and id) and continues the list in the same order and filter.
 */
import { InvalidInputError } from '../errors.js';

export interface Cursor {
  readonly createdAt: number;
  readonly id: string;
}

export function encodeCursor(row: { readonly createdAt: string; readonly id: string }): string {
  return encodeAfter({ createdAt: Date.parse(row.createdAt), id: row.id });
}

/** The cursor of a position given as epoch ms and id (the engine's `next`). */
export function encodeAfter(at: Cursor): string {
  return Buffer.from(JSON.stringify([at.createdAt, at.id])).toString('base64url');
}

export function decodeCursor(text: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && typeof value[1] === 'string') {
      return { createdAt: value[0] as number, id: value[1] };
    }
  } catch {
    // falls through to the refusal
  }
  throw new InvalidInputError('HTTP_CURSOR_INVALID', 'the cursor is not one this server gave out; start the list again without it', {});
}

/** One page and the cursor of the next, when the page is full. */
export function page<T extends { readonly createdAt: string; readonly id: string }>(items: readonly T[], limit: number): { items: readonly T[]; nextCursor: string | null } {
  const last = items.at(-1);
  return { items, nextCursor: items.length >= limit && last ? encodeCursor(last) : null };
}

/** An ISO date-time query parameter as epoch ms. */
export function instant(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new InvalidInputError('HTTP_INVALID_REQUEST', `${name} must be an ISO 8601 date-time, not ${JSON.stringify(text)}`, { [name]: text });
  return ms;
}
