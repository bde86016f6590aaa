/**
 * Accounts, browser sessions, API tokens and sign-in failures (migration 0009; docs/decisions/accounts-and-sessions.md).
 * Secrets never reach this store: passwords arrive as argon2id hashes, session ids and token secrets as SHA-256
 * hashes (src/http/ computes them). Async and free of SQL dialect so that both databases implement it. Times are
 * epoch milliseconds.
 */
import type { TokenScope } from '../access/caller.js';

export interface AccountRecord {
  /** The person login: the name work items, audit rows and profile assignments use. */
  readonly name: string;
  /** argon2id hash; null: no password sign-in (tokens only). */
  readonly passwordHash: string | null;
  readonly administrator: boolean;
  readonly disabled: boolean;
  readonly createdAt: number;
  readonly createdBy: string;
}

export interface SessionRecord {
  /** SHA-256 (hex) of the cookie value. */
  readonly idHash: string;
  readonly account: string;
  readonly csrfToken: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface TokenRecord {
  /** Public part of the token (`idf_<id>_<secret>`). */
  readonly id: string;
  readonly account: string;
  /** What the token is for, as its creator named it. */
  readonly name: string;
  /** SHA-256 (hex) of the secret part. */
  readonly secretHash: string;
  readonly scopes: readonly TokenScope[];
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
}

export interface AccessStore {
  readonly kind: 'access';
  /** `exists` when an account of that name is there already (nothing changes). */
  createAccount(account: AccountRecord): Promise<'created' | 'exists'>;
  getAccount(name: string): Promise<AccountRecord | undefined>;
  listAccounts(): Promise<AccountRecord[]>;
  /** Changes what is given; false when there is no such account. */
  updateAccount(name: string, change: { readonly passwordHash?: string | null; readonly administrator?: boolean; readonly disabled?: boolean }): Promise<boolean>;
  countAdministrators(): Promise<number>;
  createSession(session: SessionRecord): Promise<void>;
  getSession(idHash: string): Promise<SessionRecord | undefined>;
  deleteSession(idHash: string): Promise<void>;
  /** Deletes sessions past their expiry; returns how many. */
  deleteExpiredSessions(now: number): Promise<number>;
  createToken(token: TokenRecord): Promise<void>;
  getToken(id: string): Promise<TokenRecord | undefined>;
  /** An account's tokens (or all), newest first. */
  listTokens(account?: string): Promise<TokenRecord[]>;
  /** false when there is no such token or it was revoked already. */
  revokeToken(id: string, at: number): Promise<boolean>;
  /** Records a failed sign-in under each key and drops this key's failures older than `forgetBefore`. */
  addSignInFailure(keys: readonly string[], at: number, forgetBefore: number): Promise<void>;
  /** Failures of `key` at or after `since`. */
  countSignInFailures(key: string, since: number): Promise<number>;
  clearSignInFailures(key: string): Promise<void>;
}
