/**
 * Accounts, sign-in, sessions and API tokens over the repository's access store (docs/decisions/accounts-and-sessions.md).
 * One instance per process; it keeps nothing in memory that another process could invalidate (DESIGN decision 10):
 * sessions, tokens, disabled flags and sign-in failures are read from the database on every request.
 */
import { InvalidInputError, NotAuthorizedError, NotFoundError } from '../errors.js';
import { checkProfileName } from '../repository/profile-store.js';
import type { AccountRecord, SessionRecord, TokenRecord } from '../repository/access-store.js';
import type { Repository } from '../repository/repository.js';
import { TOKEN_SCOPES, type Caller, type TokenScope } from './caller.js';
import { argon2Hashing, checkPassword, type PasswordHashing } from './passwords.js';
import { randomSecret, sameSecret, sha256Hex } from './secrets.js';
import { RateLimitedError, UnauthenticatedError } from './access-errors.js';

export interface SignInLimit {
  /** Failed sign-ins of one account inside the window after which it is refused. @default 5 */
  readonly perAccount: number;
  /** Failed sign-ins from one client address inside the window. @default 20 */
  readonly perClient: number;
  /** @default 15 minutes */
  readonly windowMs: number;
}

export interface AccessServiceOptions {
  readonly repository: Repository;
  /** @default argon2id with the library's default cost */
  readonly hashing?: PasswordHashing;
  /** @default Date.now */
  readonly clock?: () => number;
  /** How long a browser session lasts. @default 8 hours */
  readonly sessionTtlMs?: number;
  readonly signInLimit?: Partial<SignInLimit>;
}

/** What a successful sign-in gives the browser. */
export interface SignedIn {
  /** The cookie value; only its hash is stored. */
  readonly sessionId: string;
  readonly csrfToken: string;
  readonly expiresAt: number;
  readonly caller: Caller;
}

export interface NewToken {
  /** `idf_<id>_<secret>`: shown once, never stored. */
  readonly token: string;
  readonly record: Omit<TokenRecord, 'secretHash'>;
}

const TOKEN_PATTERN = /^idf_([A-Za-z0-9_-]{16})_([A-Za-z0-9_-]{43})$/;

export class AccessService {
  readonly #repo: Repository;
  readonly #hashing: PasswordHashing;
  readonly #clock: () => number;
  readonly #sessionTtlMs: number;
  readonly #limit: SignInLimit;
  /** Verified against when the account does not exist, so a wrong name costs as long as a wrong password. */
  #dummyHash: Promise<string> | undefined;

  constructor(options: AccessServiceOptions) {
    this.#repo = options.repository;
    this.#hashing = options.hashing ?? argon2Hashing();
    this.#clock = options.clock ?? Date.now;
    this.#sessionTtlMs = options.sessionTtlMs ?? 8 * 3600_000;
    this.#limit = { perAccount: 5, perClient: 20, windowMs: 15 * 60_000, ...options.signInLimit };
    for (const [k, v] of Object.entries(this.#limit)) {
      if (!Number.isInteger(v) || v < 1) throw new InvalidInputError('HTTP_OPTION_INVALID', `signInLimit.${k} must be a positive integer, not ${String(v)}`, { [k]: v });
    }
    if (!Number.isInteger(this.#sessionTtlMs) || this.#sessionTtlMs < 1000) {
      throw new InvalidInputError('HTTP_OPTION_INVALID', `sessionTtlMs must be an integer of at least 1000, not ${String(this.#sessionTtlMs)}`, {});
    }
  }

  get sessionTtlMs(): number {
    return this.#sessionTtlMs;
  }

  /** Creates an account (a person login). `ACCOUNT_EXISTS` when the name is taken. */
  async createAccount(request: { readonly name: string; readonly password?: string; readonly administrator?: boolean; readonly by: string }): Promise<AccountRecord> {
    checkProfileName('person', request.name);
    if (request.password !== undefined) checkPassword(request.password);
    const account: AccountRecord = {
      name: request.name,
      passwordHash: request.password === undefined ? null : await this.#hashing.hash(request.password),
      administrator: request.administrator ?? false,
      disabled: false,
      createdAt: this.#clock(),
      createdBy: request.by,
    };
    if ((await this.#repo.access.createAccount(account)) === 'exists') {
      throw new InvalidInputError('ACCOUNT_EXISTS', `an account named ${request.name} exists already`, { name: request.name });
    }
    return account;
  }

  async setPassword(name: string, password: string): Promise<void> {
    checkPassword(password);
    if (!(await this.#repo.access.updateAccount(name, { passwordHash: await this.#hashing.hash(password) }))) {
      throw new NotFoundError('ACCOUNT_NOT_FOUND', `no account named ${name}`, { name });
    }
  }

  /**
   * Checks a name and password. Refused sign-ins say only `HTTP_SIGN_IN_FAILED` (never which of the two was
   * wrong); past the limit, `HTTP_RATE_LIMITED` whatever the password, until failures age out of the window.
   */
  async signIn(name: string, password: string, client: string): Promise<SignedIn> {
    const now = this.#clock();
    const since = now - this.#limit.windowMs;
    const keys = [`account:${name}`, `client:${client}`];
    const [byAccount, byClient] = await Promise.all(keys.map((k) => this.#repo.access.countSignInFailures(k, since)));
    if (byAccount! >= this.#limit.perAccount || byClient! >= this.#limit.perClient) {
      throw new RateLimitedError('too many failed sign-ins; wait before trying again', Math.ceil(this.#limit.windowMs / 1000));
    }
    const account = await this.#repo.access.getAccount(name);
    const hash = account?.passwordHash ?? (await (this.#dummyHash ??= this.#hashing.hash(randomSecret())));
    const ok = (await this.#hashing.verify(hash, password)) && account !== undefined && account.passwordHash !== null && !account.disabled;
    if (!ok || !account) {
      await this.#repo.access.addSignInFailure(keys, now, since);
      throw new UnauthenticatedError('HTTP_SIGN_IN_FAILED', 'the name or the password is wrong, or the account is disabled', {});
    }
    await this.#repo.access.clearSignInFailures(keys[0]!);
    const sessionId = randomSecret();
    const session: SessionRecord = { idHash: sha256Hex(sessionId), account: name, csrfToken: randomSecret(), createdAt: now, expiresAt: now + this.#sessionTtlMs };
    await this.#repo.access.createSession(session);
    // Expired sessions are cleared by sign-ins rather than by a timer: nothing runs in the background.
    await this.#repo.access.deleteExpiredSessions(now);
    return { sessionId, csrfToken: session.csrfToken, expiresAt: session.expiresAt, caller: await this.#callerOf(account, 'session') };
  }

  /** The session a cookie value names, if it is current and its account enabled. */
  async session(sessionId: string): Promise<{ readonly caller: Caller; readonly session: SessionRecord } | undefined> {
    const session = await this.#repo.access.getSession(sha256Hex(sessionId));
    if (!session || session.expiresAt <= this.#clock()) return undefined;
    const account = await this.#repo.access.getAccount(session.account);
    if (!account || account.disabled) return undefined;
    return { caller: await this.#callerOf(account, 'session'), session };
  }

  async signOut(sessionId: string): Promise<void> {
    await this.#repo.access.deleteSession(sha256Hex(sessionId));
  }

  /** The caller an API token stands for, if it is well formed, current, not revoked and its account enabled. */
  async token(token: string): Promise<Caller | undefined> {
    const m = TOKEN_PATTERN.exec(token);
    if (!m) return undefined;
    const record = await this.#repo.access.getToken(m[1]!);
    if (!record || record.revokedAt !== null || (record.expiresAt !== null && record.expiresAt <= this.#clock())) return undefined;
    if (!sameSecret(record.secretHash, sha256Hex(m[2]!))) return undefined;
    const account = await this.#repo.access.getAccount(record.account);
    if (!account || account.disabled) return undefined;
    return { ...(await this.#callerOf(account, 'token')), scopes: record.scopes };
  }

  /**
   * A new API token for the caller's own account, with at most the caller's scopes (a token cannot make a token
   * wider than itself). Only the administrator scope needs an administrator.
   */
  async createToken(caller: Caller, request: { readonly name: string; readonly scopes: readonly TokenScope[]; readonly expiresAt?: number }): Promise<NewToken> {
    const scopes = [...new Set(request.scopes)];
    const unknown = scopes.filter((s) => !TOKEN_SCOPES.includes(s));
    if (scopes.length === 0 || unknown.length > 0) {
      throw new InvalidInputError('TOKEN_SCOPE_INVALID', `a token needs one or more of the scopes ${TOKEN_SCOPES.join(', ')}`, { unknown });
    }
    const wider = scopes.filter((s) => (caller.scopes !== undefined && !caller.scopes.includes(s)) || (s === 'admin' && !caller.administrator));
    if (wider.length > 0) {
      throw new NotAuthorizedError('TOKEN_SCOPE_NOT_ALLOWED', `${caller.person} may not give a token the scopes ${wider.join(', ')}`, { scopes: wider });
    }
    const id = randomSecret(12);
    const secret = randomSecret(32);
    const record: TokenRecord = {
      id,
      account: caller.person,
      name: request.name,
      secretHash: sha256Hex(secret),
      scopes,
      createdAt: this.#clock(),
      expiresAt: request.expiresAt ?? null,
      revokedAt: null,
    };
    await this.#repo.access.createToken(record);
    const { secretHash: _hidden, ...shown } = record;
    return { token: `idf_${id}_${secret}`, record: shown };
  }

  /** Revokes a token of the caller's own account (an administrator: any). `TOKEN_NOT_FOUND` otherwise. */
  async revokeToken(caller: Caller, id: string): Promise<void> {
    const record = await this.#repo.access.getToken(id);
    if (!record || (record.account !== caller.person && !caller.administrator)) {
      throw new NotFoundError('TOKEN_NOT_FOUND', `no token ${id} of ${caller.person}`, { id });
    }
    await this.#repo.access.revokeToken(id, this.#clock());
  }

  async #callerOf(account: AccountRecord, how: 'session' | 'token'): Promise<Caller> {
    return { person: account.name, authenticatedBy: how, profiles: await this.#repo.profiles.profilesOf(account.name), administrator: account.administrator };
  }
}
