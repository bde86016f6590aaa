/**
 * Password hashing with argon2id (docs/decisions/accounts-and-sessions.md). The cost is an option so that tests run
 * fast; production uses the library's defaults (64 MiB, 3 passes).
 */
import argon2 from 'argon2';
import { InvalidInputError } from '../errors.js';

export interface PasswordHashing {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export interface Argon2Cost {
  /** KiB. @default 65536 */
  readonly memoryCost?: number;
  /** Passes. @default 3 */
  readonly timeCost?: number;
}

export function argon2Hashing(cost: Argon2Cost = {}): PasswordHashing {
  const options: argon2.HashOptions & { raw?: false } = { type: argon2.argon2id, ...(cost.memoryCost !== undefined && { memoryCost: cost.memoryCost }), ...(cost.timeCost !== undefined && { timeCost: cost.timeCost }) };
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
