/**
 * Password hashing with argon2id (docs/decisions/accounts-and-sessions.md). The cost is an option so that tests run
 * fast; production uses OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane), not the library's default (64 MiB, 3
 * passes, 4 lanes), so that sign-in plus the first inbox page stays under 300 ms (docs/decisions/argon2-cost.md).
 */
import argon2 from 'argon2';
import { InvalidInputError } from '../errors.js';

export interface PasswordHashing {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export interface Argon2Cost {
  /** KiB. @default 19456 (19 MiB) */
  readonly memoryCost?: number;
  /** Passes. @default 2 */
  readonly timeCost?: number;
  /** Lanes. @default 1 */
  readonly parallelism?: number;
}

/** OWASP's argon2id minimum (Password Storage Cheat Sheet): m=19 MiB, t=2, p=1. */
export const DEFAULT_ARGON2_COST = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function argon2Hashing(cost: Argon2Cost = {}): PasswordHashing {
  const options: argon2.HashOptions & { raw?: false } = {
    type: argon2.argon2id,
    memoryCost: cost.memoryCost ?? DEFAULT_ARGON2_COST.memoryCost,
    timeCost: cost.timeCost ?? DEFAULT_ARGON2_COST.timeCost,
    parallelism: cost.parallelism ?? DEFAULT_ARGON2_COST.parallelism,
  };
  return {
    hash: (password) => argon2.hash(password, options),
    verify: async (hash, password) => {
      try {
        return await argon2.verify(hash, password);
      } catch {
        // A malformed stored hash verifies nothing.
        return false;
      }
    },
  };
}

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

/** Refuses a password too short to resist guessing or too long to hash cheaply (`ACCOUNT_PASSWORD_WEAK`). */
export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new InvalidInputError('ACCOUNT_PASSWORD_WEAK', `a password needs ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`, {
      min: MIN_PASSWORD_LENGTH,
      max: MAX_PASSWORD_LENGTH,
    });
  }
}
