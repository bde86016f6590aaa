/**
 * When an order that failed transiently is tried again (docs/decisions/provisioning-backoff.md): doubling from
 * `baseDelayMs` to `maxDelayMs` with jitter over the upper half, so that the orders a target refused during an
 * outage do not all come back in one burst; the target's own `Retry-After` wins when it asks for longer (and is
 * honoured up to `maxRetryAfterMs`). After `maxAttempts` calls the order fails for good.
 */
import { InvalidInputError } from '../errors.js';
import { retryDelay } from '../repository/retry-transient.js';

export interface ProvisioningBackoffOptions {
  /** The delay after the first transient failure, in ms; doubled after each next one. @default 1000 */
  readonly baseDelayMs?: number;
  /** The longest delay of our own, in ms. @default 300_000 (5 minutes) */
  readonly maxDelayMs?: number;
  /** The longest `Retry-After` honoured, in ms (a target asking for a day waits an hour). @default 3_600_000 */
  readonly maxRetryAfterMs?: number;
  /** Calls to the target in all; past them the order ends in error (PROVISIONING_ATTEMPTS_EXHAUSTED). @default 25 */
  readonly maxAttempts?: number;
  /** A number in [0, 1) for the jitter. @default Math.random */
  readonly random?: () => number;
}

export type ProvisioningBackoff = Required<ProvisioningBackoffOptions>;

export function compileBackoff(options: ProvisioningBackoffOptions = {}): ProvisioningBackoff {
  const out: ProvisioningBackoff = {
    baseDelayMs: options.baseDelayMs ?? 1000,
    maxDelayMs: options.maxDelayMs ?? 300_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 3_600_000,
    maxAttempts: options.maxAttempts ?? 25,
    random: options.random ?? Math.random,
  };
  for (const name of ['baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs', 'maxAttempts'] as const) {
    const v = out[name];
    const min = name === 'maxAttempts' ? 1 : 0;
    if (!Number.isSafeInteger(v) || v < min) {
      throw new InvalidInputError('PROVISIONING_OPTION_INVALID', `provisioning backoff ${name} must be a whole number ≥ ${min}, not ${String(v)}`, { [name]: v });
    }
  }
  return out;
}

/**
 * The pause before the next try of an order that has failed transiently `attempts` times (1 after the first
 * failure). `retryAfterMs`: what the target asked for.
 */
export function backoffDelay(policy: ProvisioningBackoff, attempts: number, retryAfterMs?: number): number {
  const own = retryDelay(policy, Math.max(1, attempts));
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs) || retryAfterMs <= 0) return own;
  return Math.max(Math.min(Math.ceil(retryAfterMs), policy.maxRetryAfterMs), Math.min(own, policy.baseDelayMs));
}
