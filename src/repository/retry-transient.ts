/**
 * Retrying what a busy or briefly unreachable database refused. Only {@link StorageError}s marked `transient` are
 * retried; anything else (a refused value, a damaged or read-only database) goes up at once.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { InvalidInputError } from '../errors.js';
import { isTransientStorageError, type StorageError } from './storage-error.js';

export interface RetryOptions {
  /** Tries in all, the first included. @default 6 */
  readonly attempts?: number;
  /** Delay before the first retry, in ms; doubled before each next one. @default 50 */
  readonly baseDelayMs?: number;
  /** Cap of one delay, in ms. @default 2000 */
  readonly maxDelayMs?: number;
  /** How to wait (tests pass one that counts instead of sleeping). @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for the jitter. @default Math.random */
  readonly random?: () => number;
  /** Told before each retry. */
  readonly onRetry?: (error: StorageError, attempt: number, delayMs: number) => void;
}

export type RetryPolicy = Required<Omit<RetryOptions, 'onRetry'>> & Pick<RetryOptions, 'onRetry'>;

/**
 * Checks the options once and fills in the defaults. With SQLite every try already waits up to the busy timeout
 * (5 s) for the lock, so six tries ride out a database busy for about half a minute; longer, the caller's operation
 * fails with the last `REPO_BUSY` and nothing of it is written.
 */
export function compileRetryPolicy(options: RetryOptions = {}): RetryPolicy {
  const attempts = options.attempts ?? 6;
  const baseDelayMs = options.baseDelayMs ?? 50;
  const maxDelayMs = options.maxDelayMs ?? 2000;
  const bad = (name: string, value: number, min: number): InvalidInputError =>
    new InvalidInputError('ENGINE_OPTION_INVALID', `storageRetry.${name} must be a whole number ≥ ${min}, not ${String(value)}`, { [name]: value });
  if (!Number.isSafeInteger(attempts) || attempts < 1) throw bad('attempts', attempts, 1);
  if (!Number.isSafeInteger(baseDelayMs) || baseDelayMs < 0) throw bad('baseDelayMs', baseDelayMs, 0);
  if (!Number.isSafeInteger(maxDelayMs) || maxDelayMs < 0) throw bad('maxDelayMs', maxDelayMs, 0);
  return {
    attempts,
    baseDelayMs,
    maxDelayMs,
    sleep: options.sleep ?? ((ms) => sleepFor(ms)),
    random: options.random ?? Math.random,
    ...(options.onRetry && { onRetry: options.onRetry }),
  };
}

/** The wait before retry `n` (1 for the first): exponential, capped, with jitter over its upper half. */
export function retryDelay(policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>, n: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(n - 1, 30));
  // Half fixed, half random: several workers that hit the same lock do not come back in step.
  return Math.round(ceiling / 2 + (policy.random() * ceiling) / 2);
}

/**
 * Runs `operation`, and again after a pause while it fails with a transient storage error, up to
 * `policy.attempts` tries. The operation must be safe to repeat: a store's commit is (a failed transaction wrote
 * nothing; a repeated one that did commit meets its own revision check).
 */
export async function retryTransient<T>(operation: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (e) {
      if (!isTransientStorageError(e) || attempt >= policy.attempts) throw e;
      const delay = retryDelay(policy, attempt);
      policy.onRetry?.(e, attempt, delay);
      await policy.sleep(delay);
    }
  }
}
