import { IdflowError } from '../errors.js';

/** Where something stands in a configuration file. Lines and columns count from 1. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export type Severity = 'error' | 'warning';

/**
 * One finding about a configuration file. Errors stop an import; warnings do not.
 * `code` is stable (see docs/errors.md); `message` says what is wrong and what is allowed.
 */
export interface Diagnostic {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly location: SourceLocation;
}

/** `FILE:LINE:COL: error|warning CODE: message`, the format `idflow check` prints. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.location.file}:${d.location.line}:${d.location.column}: ${d.severity} ${d.code}: ${d.message}`;
}

/**
 * Collects diagnostics while a file is read, so that one run reports every problem rather than the first.
 * Loaders receive one and add to it; callers decide what to do with errors.
 */
export class DiagnosticBag {
  readonly #items: Diagnostic[] = [];
  #errorCount = 0;

  error(code: string, message: string, location: SourceLocation): void {
    this.#items.push({ severity: 'error', code, message, location });
    this.#errorCount++;
  }

  warning(code: string, message: string, location: SourceLocation): void {
    this.#items.push({ severity: 'warning', code, message, location });
  }

  add(d: Diagnostic): void {
    this.#items.push(d);
    if (d.severity === 'error') this.#errorCount++;
  }

  get items(): readonly Diagnostic[] {
    return this.#items;
  }

  get errors(): readonly Diagnostic[] {
    return this.#items.filter((d) => d.severity === 'error');
  }

  get warnings(): readonly Diagnostic[] {
    return this.#items.filter((d) => d.severity === 'warning');
  }

  /**
   * How many errors have been reported, without building the list: readers compare it before and after reading an
   * object to tell whether that object had errors, once per object of a file.
   */
  get errorCount(): number {
    return this.#errorCount;
  }

  hasErrors(): boolean {
    return this.#errorCount > 0;
  }

  /** Diagnostics sorted by file, line and column, for stable output. */
  sorted(): Diagnostic[] {
    return [...this.#items].sort(
      (a, b) =>
        a.location.file.localeCompare(b.location.file) ||
        a.location.line - b.location.line ||
        a.location.column - b.location.column,
    );
  }
}

/** Thrown by APIs that load definitions when the input has errors; carries every diagnostic found. */
export class DefinitionError extends IdflowError {
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[]) {
    const first = diagnostics.find((d) => d.severity === 'error') ?? diagnostics[0];
    super(
      first?.code ?? 'DEFINITION_INVALID',
      first ? formatDiagnostic(first) : 'the definition is invalid',
      { count: diagnostics.length },
    );
    this.diagnostics = diagnostics;
  }
}
