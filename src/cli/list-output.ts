import { Option, type Command } from 'commander';
import { parseDateArg } from './date-arg.js';
import { oneOf, positiveInteger } from './option-values.js';
import { println } from './output.js';
import { UsageError } from './usage-error.js';

/**
 * What every list command (`tasks`, `workitems`, …) shares: newest first by default, pages of `--limit` rows with a
 * cursor to go on (`--after`), `--sort`, a creation-date range (`--since`, `--until`), `--output
 * table|json|jsonl|csv` (`--json` kept), `--fields`, and tables that fit the terminal (`--wide` to see long
 * values whole). docs/cli.md "Lists"; docs/decisions/cli-lists.md.
 */

export const OUTPUTS = ['table', 'json', 'jsonl', 'csv'] as const;
export type OutputFormat = (typeof OUTPUTS)[number];
export const SORTS = ['newest', 'oldest'] as const;

/** Rows per page when `--limit` is not given. */
export const DEFAULT_LIMIT = 50;

/** The widest a cell of a truncatable column gets in a table without `--wide`. */
const MAX_CELL = 48;

export interface ListOptionValues {
  readonly limit?: string;
  readonly after?: string;
  readonly sort?: string;
  readonly since?: string;
  readonly until?: string;
  readonly output?: string;
  readonly json?: boolean;
  readonly fields?: string;
  readonly wide?: boolean;
}

export interface ListRequest {
  readonly limit: number;
  readonly order: 'asc' | 'desc';
  readonly after?: { readonly createdAt: number; readonly id: string };
  readonly since?: number;
  readonly until?: number;
  readonly output: OutputFormat;
  readonly fields?: readonly string[];
  readonly wide: boolean;
}

/**
 * Adds the list options to a command; `fields` are the names `--fields` takes. `dated` says which time of a row
 * orders it and `--since`/`--until` filter on: its creation (`created`), or what stands for it in that list
 * (`assigned` for a profile assignment).
 */
export function addListOptions(command: Command, fields: readonly string[], dated = 'created'): Command {
  const time = dated === 'created' ? 'creation time' : `${dated} time`;
  return command
    .option('--limit <n>', `at most this many rows (default ${DEFAULT_LIMIT}); a full page prints the cursor of the next`)
    .option('--after <cursor>', 'continue a list after the page that printed this cursor')
    .addOption(new Option('--sort <order>', `by ${time}`).choices(SORTS).default('newest'))
    .option('--since <date>', `${dated} at or after this date (ISO 8601: 2025-02-01, 2025-02-01T09:30Z, "2025-02-01 09:30 Europe/Paris")`)
    .option('--until <date>', `${dated} before this date`)
    .option('--output <format>', `${OUTPUTS.join(', ')} (default table)`)
    .option('--json', 'the same as --output json')
    .option('--fields <list>', `the columns to show, comma-separated: ${fields.join(', ')}`)
    .option('--wide', 'show long values whole instead of truncating them to fit the terminal');
}

/** A page cursor: the last row's creation time and id, opaque to people. */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([Date.parse(createdAt), id]), 'utf8').toString('base64url');
}

function decodeCursor(text: string): { createdAt: number; id: string } {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && typeof value[1] === 'string') {
      return { createdAt: value[0] as number, id: value[1] as string };
    }
  } catch {
    // reported below
  }
  throw new UsageError('CLI_BAD_CURSOR', `--after takes the cursor a previous page printed, not "${text}"`, { after: text });
}

/** Reads and checks the list options once, before anything is opened. */
export async function listRequest(options: ListOptionValues, fields: readonly string[]): Promise<ListRequest> {
  const limit = options.limit === undefined ? DEFAULT_LIMIT : positiveInteger(options.limit, '--limit', 'CLI_BAD_LIMIT');
  const output = options.output !== undefined ? oneOf(options.output, OUTPUTS, '--output', 'CLI_BAD_OUTPUT') : options.json ? 'json' : 'table';
  if (options.json && output !== 'json') {
    throw new UsageError('CLI_CONFLICTING_OPTIONS', `--json and --output ${output} exclude each other; give one`, { output });
  }
  let chosen: string[] | undefined;
  if (options.fields !== undefined) {
    chosen = options.fields.split(',').map((f) => f.trim().toLowerCase()).filter((f) => f !== '');
    const unknown = chosen.filter((f) => !fields.includes(f));
    if (chosen.length === 0 || unknown.length > 0) {
      throw new UsageError('CLI_BAD_FIELDS', `--fields takes names among ${fields.join(', ')}; not ${unknown.length ? unknown.map((f) => `"${f}"`).join(', ') : 'an empty list'}`, {
        fields: options.fields,
      });
    }
  }
  const since = options.since !== undefined ? await parseDateArg(options.since, '--since') : undefined;
  const until = options.until !== undefined ? await parseDateArg(options.until, '--until') : undefined;
  return {
    limit,
    order: options.sort === 'oldest' ? 'asc' : 'desc',
    ...(options.after !== undefined && { after: decodeCursor(options.after) }),
    ...(since !== undefined && { since }),
    ...(until !== undefined && { until }),
    output,
    ...(chosen && { fields: chosen }),
    wide: Boolean(options.wide),
  };
}

/** The engine filter terms of a list request; asks for one row more than a page to know whether another follows. */
export function pageFilter(r: ListRequest) {
  return {
    limit: r.limit + 1,
    order: r.order,
    ...(r.after !== undefined && { after: r.after }),
    ...(r.since !== undefined && { since: r.since }),
    ...(r.until !== undefined && { until: r.until }),
  };
}

/** A row as the lists order and page it: by its time (ISO 8601), then its id compared as text. */
export interface ListRow {
  readonly id: string;
  readonly createdAt: string;
}

/**
 * Orders, filters and cuts in memory what {@link pageFilter} asks a store for: for the lists whose rows are
 * configuration-sized and read whole (objects, schedules, profile assignments; docs/decisions/cli-lists.md). The
 * same order, date range and cursor as the store-paged lists, so a cursor means the same thing everywhere.
 */
export function pageRows<T extends ListRow>(rows: readonly T[], r: ListRequest): T[] {
  const key = (row: T): [number, string] => [Date.parse(row.createdAt), row.id];
  const compare = (a: [number, string], b: [number, string]): number => (a[0] !== b[0] ? a[0] - b[0] : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
  const sign = r.order === 'asc' ? 1 : -1;
  const after = r.after ? ([r.after.createdAt, r.after.id] as [number, string]) : undefined;
  return rows
    .filter((row) => {
      const k = key(row);
      if (r.since !== undefined && k[0] < r.since) return false;
      if (r.until !== undefined && k[0] >= r.until) return false;
      return after === undefined || sign * compare(k, after) > 0;
    })
    .sort((a, b) => sign * compare(key(a), key(b)))
    .slice(0, r.limit + 1);
}

export interface ListColumn<T> {
  /** The name `--fields` takes and the header (upper-cased) of the table. */
  readonly name: string;
  /** The cell as text, for tables and CSV. */
  readonly text: (row: T) => string;
  /** The value in JSON with `--fields` (default: the text). */
  readonly json?: (row: T) => unknown;
  readonly right?: boolean;
  /** Never truncated (ids people copy). */
  readonly keep?: boolean;
  /** Shown only when asked for with `--fields`. */
  readonly optional?: boolean;
}

/**
 * Prints one page. `rows` may hold one row more than the page (see {@link pageFilter}); then the page ends at the
 * limit and the cursor of the next page is printed on stderr (`more: --after CURSOR`), so stdout stays the rows.
 */
export function printList<T extends ListRow>(
  rows: readonly T[],
  columns: readonly ListColumn<T>[],
  r: ListRequest,
  empty: string,
  full?: (row: T) => unknown,
): void {
  const page = rows.slice(0, r.limit);
  const more = rows.length > r.limit;
  const shown = r.fields ? r.fields.map((f) => columns.find((c) => c.name === f)!) : columns.filter((c) => !c.optional);
  const record = (row: T): unknown =>
    r.fields ? Object.fromEntries(shown.map((c) => [c.name, c.json ? c.json(row) : c.text(row)])) : full ? full(row) : row;
  switch (r.output) {
    case 'json':
      process.stdout.write(`${JSON.stringify(page.map(record), null, 2)}\n`);
      break;
    case 'jsonl':
      for (const row of page) process.stdout.write(`${JSON.stringify(record(row))}\n`);
      break;
    case 'csv':
      println(shown.map((c) => csvCell(c.name)).join(','));
      for (const row of page) println(shown.map((c) => csvCell(c.text(row))).join(','));
      break;
    case 'table':
      if (page.length === 0) println(empty);
      else println(formatFittedTable(page, shown, r.wide ? undefined : terminalWidth()));
      break;
  }
  const last = page.at(-1);
  if (more && last) process.stderr.write(`more: add --after ${encodeCursor(last.createdAt, last.id)} for the next page\n`);
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function terminalWidth(): number {
  // Not a terminal (a pipe, a file, a test): cells still stop at MAX_CELL, so a long request text cannot make every
  // line hundreds of characters wide; --wide prints them whole.
  return process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : Infinity;
}

/**
 * A table whose cells are truncated (`…`) to fit: first each truncatable column to {@link MAX_CELL}, then, on a
 * terminal narrower than that, the widest truncatable columns further (down to 8 characters). Widths count
 * terminal columns: wide characters (CJK, most emoji) take two, combining marks none.
 * Without `width` (`--wide`) nothing is truncated.
 */
export function formatFittedTable<T>(rows: readonly T[], columns: readonly ListColumn<T>[], width: number | undefined): string {
  const cells = rows.map((r) => columns.map((c) => c.text(r).replace(/[\r\n\t]+/g, ' ')));
  const headers = columns.map((c) => c.name.toUpperCase());
  const natural = headers.map((h, i) => Math.max(displayWidth(h), ...cells.map((row) => displayWidth(row[i]!))));
  const widths = [...natural];
  if (width !== undefined) {
    for (let i = 0; i < widths.length; i++) if (!columns[i]!.keep) widths[i] = Math.min(widths[i]!, Math.max(MAX_CELL, displayWidth(headers[i]!)));
    const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
    while (total() > width) {
      let widest = -1;
      for (let i = 0; i < widths.length; i++) {
        if (columns[i]!.keep || widths[i]! <= Math.max(8, displayWidth(headers[i]!))) continue;
        if (widest < 0 || widths[i]! > widths[widest]!) widest = i;
      }
      if (widest < 0) break;
      widths[widest]!--;
    }
  }
  const line = (row: readonly string[]): string =>
    row
      .map((cell, i) => {
        const text = truncate(cell, widths[i]!);
        const pad = ' '.repeat(Math.max(0, widths[i]! - displayWidth(text)));
        if (columns[i]!.right) return pad + text;
        return i === row.length - 1 ? text : text + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch.codePointAt(0)!);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

/** Terminal columns a text takes. */
export function displayWidth(text: string): number {
  let n = 0;
  for (const ch of text) n += charWidth(ch.codePointAt(0)!);
  return n;
}

function charWidth(cp: number): number {
  // Combining marks, zero-width joiners and variation selectors take no column of their own.
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0x1ab0 && cp <= 0x1aff) || (cp >= 0x20d0 && cp <= 0x20ff)) return 0;
  if (cp < 0x1100) return 1;
  // East Asian Wide and Fullwidth ranges, and the emoji planes.
  return (cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
    ? 2
    : 1;
}
