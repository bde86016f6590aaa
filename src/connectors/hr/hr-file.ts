/**
 * Reads one HR file: bytes → text (encoding detected or declared) → CSV records → rows of mapped attributes. A file
 * with any problem is refused whole: every problem is reported with its line, and nothing is applied.
 */
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import type { HrEncoding, HrSourceConfig } from './hr-source.js';

export type HrProblemKind = 'encoding' | 'unknown-column' | 'missing-column' | 'missing-key' | 'duplicate-key' | 'bad-date' | 'malformed';

/** One reason a file is refused; `line` is the file's line (1 = the header) when there is one. */
export interface HrProblem {
  readonly kind: HrProblemKind;
  readonly line?: number;
  readonly column?: string;
  readonly key?: string;
  readonly message: string;
}

export interface HrFile {
  /** Mapped attributes by key, in file order. */
  readonly rows: Map<string, Record<string, string>>;
  readonly problems: readonly HrProblem[];
  /** The encoding the file was read with. */
  readonly encoding: Exclude<HrEncoding, 'auto'>;
}

/** Decodes the bytes; `undefined` text with a problem when they are not in the declared or detected encoding. */
export function decodeHrBytes(bytes: Uint8Array, declared: HrEncoding): { text?: string; encoding: Exclude<HrEncoding, 'auto'>; problem?: HrProblem } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bom8 = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
  const bomLE = b.length >= 2 && b[0] === 0xff && b[1] === 0xfe;
  const bomBE = b.length >= 2 && b[0] === 0xfe && b[1] === 0xff;
  let encoding: Exclude<HrEncoding, 'auto'>;
  if (declared !== 'auto') encoding = declared;
  else encoding = bomLE ? 'utf-16le' : bomBE ? 'utf-16be' : 'utf-8';
  if (encoding === 'latin1') return { text: b.toString('latin1'), encoding };
  try {
    const text = new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(b);
    // UTF-16 without a BOM read as UTF-8 is valid but full of NULs: that is a wrong encoding, not a CSV.
    if (text.includes('\u0000')) return { encoding, problem: { kind: 'encoding', message: `the file holds NUL characters: it is not ${encoding} text (UTF-16 needs a byte-order mark, or declare the encoding)` } };
    void bom8;
    return { text, encoding };
  } catch {
    const at = firstInvalidUtf8(b);
    const line = at === undefined ? undefined : countLines(b, at);
    return {
      encoding,
      problem: {
        kind: 'encoding',
        ...(line !== undefined && { line }),
        message: `the file is not valid ${encoding}${at !== undefined ? ` (byte ${at}${line !== undefined ? `, line ${line}` : ''})` : ''}; if it is Latin-1, declare it (--encoding latin1 or "encoding: latin1" in the source)`,
      },
    };
  }
}

/** Reads and checks a whole file against the source's mapping. */
export function readHrFile(bytes: Uint8Array, source: HrSourceConfig, declared: HrEncoding = source.encoding): HrFile {
  const decoded = decodeHrBytes(bytes, declared);
  const rows = new Map<string, Record<string, string>>();
  if (decoded.text === undefined) return { rows, problems: [decoded.problem!], encoding: decoded.encoding };
  const problems: HrProblem[] = [];
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(decoded.text, { delimiter: source.delimiter, bom: true, relax_column_count: true, skip_empty_lines: true, info: true, trim: true }) as typeof records;
  } catch (e) {
    const err = e as { message?: string; lines?: number };
    return { rows, problems: [{ kind: 'malformed', ...(err.lines !== undefined && { line: err.lines }), message: `not a well-formed CSV file: ${err.message ?? String(e)}` }], encoding: decoded.encoding };
  }
  const header = records[0]?.record ?? [];
  if (header.length === 0) return { rows, problems: [{ kind: 'missing-column', line: 1, message: 'the file is empty: it needs a header line' }], encoding: decoded.encoding };
  for (const column of header) {
    if (!(column in source.columns) && !source.ignore.includes(column)) {
      problems.push({ kind: 'unknown-column', line: 1, column, message: `unknown column "${column}": map it in the source's "columns" or list it under "ignore"` });
    }
  }
  for (const column of Object.keys(source.columns)) {
    if (!header.includes(column)) problems.push({ kind: 'missing-column', line: 1, column, message: `the column "${column}" the source maps is missing` });
  }
  if (!header.includes(source.key)) return { rows, problems, encoding: decoded.encoding };
  const firstLine = new Map<string, number>();
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    if (record.length !== header.length) {
      problems.push({ kind: 'malformed', line, message: `${record.length} fields where the header has ${header.length}` });
      continue;
    }
    const attributes: Record<string, string> = {};
    let key = '';
    header.forEach((column, i) => {
      const value = record[i] ?? '';
      if (column === source.key) key = value;
      const attribute = source.columns[column];
      if (attribute === undefined) return;
      const format = source.dates[column];
      if (format !== undefined && value !== '') {
        const d = DateTime.fromFormat(value, format, { zone: 'utc' });
        if (!d.isValid) {
          problems.push({ kind: 'bad-date', line, column, ...(key !== '' && { key }), message: `"${value}" in column "${column}" is not a date in the format ${format}` });
          return;
        }
        attributes[attribute] = d.toISODate()!;
        return;
      }
      attributes[attribute] = value;
    });
    if (key === '') {
      problems.push({ kind: 'missing-key', line, column: source.key, message: `the key column "${source.key}" is empty` });
      continue;
    }
    const seen = firstLine.get(key);
    if (seen !== undefined) {
      problems.push({ kind: 'duplicate-key', line, column: source.key, key, message: `key "${key}" is already on line ${seen}` });
      continue;
    }
    firstLine.set(key, line);
    rows.set(key, attributes);
  }
  return { rows, problems, encoding: decoded.encoding };
}

function firstInvalidUtf8(b: Buffer): number | undefined {
  // The longest prefix that is valid UTF-8 so far (stream mode: a cut character is not an error); validity of
  // prefixes is monotone, so a binary search finds where it breaks in log(n) decodes.
  let lo = 0;
  let hi = b.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  return lo < b.length ? lo : undefined;
}

function countLines(b: Buffer, end: number): number {
  let n = 1;
  for (let i = 0; i < end; i++) if (b[i] === 0x0a) n++;
  return n;
}
