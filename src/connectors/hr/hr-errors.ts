import { ConflictError, InvalidInputError, NotFoundError } from '../../errors.js';
import type { HrProblem } from './hr-file.js';

export function hrSourceNotFound(name: string, known: readonly string[]): NotFoundError {
  return new NotFoundError(
    'HR_SOURCE_NOT_FOUND',
    `no HR source named "${name}"${known.length ? ` (the sources are ${known.join(', ')})` : '; set one with `idflow hr source set FILE`'}`,
    { source: name, known: [...known] },
  );
}

/** A bad file: refused whole, every problem listed in `details.problems`; nothing was applied. */
export class HrFileRefusedError extends InvalidInputError {
  readonly problems: readonly HrProblem[];
  constructor(file: string, runId: string, problems: readonly HrProblem[]) {
    const first = problems[0]!;
    super(
      'HR_FILE_REFUSED',
      `${file} was refused with ${problems.length} problem${problems.length === 1 ? '' : 's'}, nothing applied; first: ${first.line !== undefined ? `line ${first.line}: ` : ''}${first.message}`,
      { file, runId, problems: problems.map((p) => ({ ...p })) },
    );
    this.problems = problems;
  }
}

export function hrThresholdExceeded(source: string, starts: number, threshold: number, runId: string): ConflictError {
  return new ConflictError(
    'HR_THRESHOLD_EXCEEDED',
    `the run would start ${starts} workflows, more than source "${source}" allows (${threshold}); nothing changed. Check the file, then run again with --force, or look first with --dry-run`,
    { source, starts, threshold, runId },
  );
}
