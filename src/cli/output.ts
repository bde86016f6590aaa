import { CommanderError } from 'commander';
import { DefinitionError, formatDiagnostic } from '../definition/diagnostic.js';
import { IdflowError } from '../errors.js';
import { UsageError } from './usage-error.js';

/** Exit statuses of `idflow`: scripts branch on these. */
export const ExitStatus = {
  ok: 0,
  /** Invalid definitions, or any other IdflowError (not found, conflict, …). */
  failed: 1,
  /** The command line is wrong: unknown command, option or type, missing argument. */
  usage: 2,
} as const;

/** Writes a line (adding the newline) to stdout. */
export function println(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/**
 * A time as every output prints it, tables, `show` and JSON alike: ISO 8601 in UTC with milliseconds, exactly the
 * text JSON carries (`2024-05-01T09:30:12.345Z`), so a time copied from a table finds the same instant in JSON and
 * in `--since`/`--until`; empty for no time (docs/decisions/cli-lists.md).
 */
export function shortTime(iso: string | undefined): string {
  return iso ?? '';
}

/** Pretty-printed JSON on stdout, for `--json`. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string | number | boolean | undefined;
  /** Right-align (numbers). */
  readonly right?: boolean;
}

/** A plain text table: upper-case headers, columns padded to their widest cell, two spaces apart. */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => String(c.value(r) ?? '')));
  const headers = columns.map((c) => c.header.toUpperCase());
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, i) => {
        const last = i === row.length - 1;
        if (columns[i]!.right) return cell.padStart(widths[i]!);
        return last ? cell : cell.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

export function printTable<T>(rows: readonly T[], columns: readonly Column<T>[]): void {
  println(formatTable(rows, columns));
}

/**
 * Reports an error on stderr — `idflow: error CODE: message`, or the error's JSON with `--json` — and returns the
 * exit status. Errors that are not idflow's own are bugs: they get their stack trace.
 */
export function reportError(err: unknown, json: boolean): number {
  if (err instanceof CommanderError) {
    // Commander has already printed its message (through the program's output configuration).
    return err.exitCode === 0 ? ExitStatus.ok : ExitStatus.usage;
  }
  if (err instanceof IdflowError) {
    if (json) {
      process.stderr.write(`${JSON.stringify(err instanceof DefinitionError ? { ...err.toJSON(), diagnostics: err.diagnostics } : err.toJSON())}\n`);
    } else if (err instanceof DefinitionError) {
      for (const d of err.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    } else {
      process.stderr.write(`idflow: error ${err.code}: ${err.message}\n`);
    }
    return err instanceof UsageError ? ExitStatus.usage : ExitStatus.failed;
  }
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(json ? `${JSON.stringify({ error: { code: 'INTERNAL', message: String(err) } })}\n` : `idflow: internal error: ${text}\n`);
  return ExitStatus.failed;
}

