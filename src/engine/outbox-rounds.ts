/**
 * The loop every outbox worker runs (provisioning orders, notifications): rounds until the stop signal, a pause
 * of `idleMs` after a round that claimed less than a full batch, and a round that fails (the database busy or
 * gone for a moment) reported and retried after a backoff that grows with consecutive failures. A fatal storage
 * error stops the loop and is thrown. Handing back what the worker still holds is the caller's `finally`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { retryDelay } from '../repository/retry-transient.js';
import { StorageError } from '../repository/storage-error.js';

/**
 * The pause before the next round after `n` consecutive failed rounds: doubling from 200 ms to 10 s, with jitter
 * over its upper half (retry-transient.ts), so that a fleet whose database restarted does not come back in step.
 * The engine's instance rounds use the same policy.
 */
export const ROUND_RETRY = { baseDelayMs: 200, maxDelayMs: 10_000, random: Math.random } as const;

export interface OutboxRoundOptions<R extends { readonly claimed: number }> {
  readonly batchSize: number;
  readonly idleMs: number;
  /** One round: claim a batch, work it, settle it. */
  round(signal: AbortSignal): Promise<R>;
  onRound?(round: R): void;
  onRoundError(error: unknown): void;
}

export async function runOutboxRounds<R extends { readonly claimed: number }>(signal: AbortSignal, o: OutboxRoundOptions<R>): Promise<void> {
  let failures = 0;
  while (!signal.aborted) {
    let pause = 0;
    try {
      const round = await o.round(signal);
      failures = 0;
      o.onRound?.(round);
      if (round.claimed < o.batchSize) pause = o.idleMs;
    } catch (e) {
      if (e instanceof StorageError && e.fatal) throw e;
      failures++;
      o.onRoundError(e);
      pause = retryDelay(ROUND_RETRY, failures);
    }
    if (pause > 0 && !signal.aborted) await sleep(pause, undefined, { signal }).catch(() => undefined);
  }
}
