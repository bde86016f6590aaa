/** First pause after a failed worker round, in milliseconds. */
const FIRST_DELAY_MS = 200;
/** Longest pause between retries of a failing round. */
const MAX_DELAY_MS = 10_000;

/**
 * How long a worker waits before its next round after `failures` consecutive failed rounds: doubling from 200 ms up
 * to 10 s, each pause drawn between half and all of that ("equal jitter"), so that a fleet whose database
 * restarted does not come back in lockstep. `random` returns [0, 1); tests pass their own.
 */
export function roundRetryDelay(failures: number, random: () => number): number {
  const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
