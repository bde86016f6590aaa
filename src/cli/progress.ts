/**
 * A one-line progress bar on stderr, for imports of many files. It draws only on a terminal, so pipes and logs
 * never see control characters, and redraws at most ten times a second.
 */
export class ProgressBar {
  readonly #stream: NodeJS.WriteStream;
  readonly #total: number;
  readonly #label: string;
  #lastDraw = 0;
  #drawn = false;

  constructor(stream: NodeJS.WriteStream, total: number, label: string) {
    this.#stream = stream;
    this.#total = Math.max(total, 1);
    this.#label = label;
  }

  /** Shows `done` of `total` finished; `note` (e.g. the current file) is cut to the terminal's width. */
  update(done: number, note = ''): void {
    const now = Date.now();
    if (done < this.#total && now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    const width = 24;
    const filled = Math.round((Math.min(done, this.#total) / this.#total) * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    let text = `${this.#label} [${bar}] ${done}/${this.#total} ${note}`;
    const columns = this.#stream.columns || 80;
    if (text.length > columns - 1) text = text.slice(0, columns - 2) + '…';
    this.#stream.write(`\r\x1b[K${text}`);
    this.#drawn = true;
  }

  /** Erases the bar, leaving the line free for what comes next. */
  finish(): void {
    if (this.#drawn) this.#stream.write('\r\x1b[K');
    this.#drawn = false;
  }
}

/** Files above which an import shows a progress bar. */
export const PROGRESS_THRESHOLD = 20;

/** A bar when stderr is a terminal and there is enough work to watch; undefined otherwise. */
export function progressFor(total: number, label: string, stream: NodeJS.WriteStream = process.stderr): ProgressBar | undefined {
  return stream.isTTY && total >= PROGRESS_THRESHOLD ? new ProgressBar(stream, total, label) : undefined;
}
