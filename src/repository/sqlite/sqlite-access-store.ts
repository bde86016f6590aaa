import type { TokenScope } from '../../access/caller.js';
import type { AccessStore, AccountRecord, SessionRecord, TokenRecord } from '../access-store.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';

interface AccountRow {
  name: string;
  password_hash: string | null;
  administrator: number;
  disabled: number;
  created_at: number;
  created_by: string;
}
interface SessionRow {
  id_hash: string;
  account: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}
interface TokenRow {
  id: string;
  account: string;
  name: string;
  secret_hash: string;
  scopes: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

/** Accounts, sessions and tokens in SQLite (synchronous underneath; async to share the interface with PostgreSQL). */
export class SqliteAccessStore implements AccessStore {
  readonly kind = 'access' as const;
  readonly #db: SqliteDatabase;
  readonly #s: Record<string, SqliteStatement>;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#s = {
      insertAccount: db.prepare(
        'INSERT INTO logins (name, password_hash, administrator, disabled, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING',
      ),
      account: db.prepare('SELECT * FROM logins WHERE name = ?'),
      accounts: db.prepare('SELECT * FROM logins ORDER BY name'),
      admins: db.prepare('SELECT count(*) FROM logins WHERE administrator = 1 AND disabled = 0').pluck(),
      insertSession: db.prepare('INSERT INTO login_sessions (id_hash, account, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      session: db.prepare('SELECT * FROM login_sessions WHERE id_hash = ?'),
      deleteSession: db.prepare('DELETE FROM login_sessions WHERE id_hash = ?'),
      expired: db.prepare('DELETE FROM login_sessions WHERE expires_at <= ?'),
      insertToken: db.prepare(
        'INSERT INTO api_tokens (id, account, name, secret_hash, scopes, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      token: db.prepare('SELECT * FROM api_tokens WHERE id = ?'),
      tokens: db.prepare('SELECT * FROM api_tokens ORDER BY created_at DESC, id'),
      tokensOf: db.prepare('SELECT * FROM api_tokens WHERE account = ? ORDER BY created_at DESC, id'),
      revoke: db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      addFailure: db.prepare('INSERT INTO sign_in_failures (key, at) VALUES (?, ?)'),
      forget: db.prepare('DELETE FROM sign_in_failures WHERE key = ? AND at < ?'),
      countFailures: db.prepare('SELECT count(*) FROM sign_in_failures WHERE key = ? AND at >= ?').pluck(),
      clearFailures: db.prepare('DELETE FROM sign_in_failures WHERE key = ?'),
    };
  }

  async createAccount(a: AccountRecord): Promise<'created' | 'exists'> {
    const r = this.#s.insertAccount!.run(a.name, a.passwordHash, a.administrator ? 1 : 0, a.disabled ? 1 : 0, a.createdAt, a.createdBy);
    return r.changes > 0 ? 'created' : 'exists';
  }

  async getAccount(name: string): Promise<AccountRecord | undefined> {
    const row = this.#s.account!.get(name) as AccountRow | undefined;
    return row && toAccount(row);
  }

  async listAccounts(): Promise<AccountRecord[]> {
    return (this.#s.accounts!.all() as AccountRow[]).map(toAccount);
  }

  async updateAccount(name: string, change: { readonly passwordHash?: string | null; readonly administrator?: boolean; readonly disabled?: boolean }): Promise<boolean> {
    const sets: string[] = [];
    const args: unknown[] = [];
    if (change.passwordHash !== undefined) sets.push('password_hash = ?'), args.push(change.passwordHash);
    if (change.administrator !== undefined) sets.push('administrator = ?'), args.push(change.administrator ? 1 : 0);
    if (change.disabled !== undefined) sets.push('disabled = ?'), args.push(change.disabled ? 1 : 0);
    if (sets.length === 0) return (await this.getAccount(name)) !== undefined;
    return this.#db.prepare(`UPDATE logins SET ${sets.join(', ')} WHERE name = ?`).run(...args, name).changes > 0;
  }

  async countAdministrators(): Promise<number> {
    return this.#s.admins!.get() as number;
  }

  async createSession(s: SessionRecord): Promise<void> {
    this.#s.insertSession!.run(s.idHash, s.account, s.csrfToken, s.createdAt, s.expiresAt);
  }

  async getSession(idHash: string): Promise<SessionRecord | undefined> {
    const r = this.#s.session!.get(idHash) as SessionRow | undefined;
    return r && { idHash: r.id_hash, account: r.account, csrfToken: r.csrf_token, createdAt: r.created_at, expiresAt: r.expires_at };
  }

  async deleteSession(idHash: string): Promise<void> {
    this.#s.deleteSession!.run(idHash);
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    return this.#s.expired!.run(now).changes;
  }

  async createToken(t: TokenRecord): Promise<void> {
    this.#s.insertToken!.run(t.id, t.account, t.name, t.secretHash, JSON.stringify(t.scopes), t.createdAt, t.expiresAt, t.revokedAt);
  }

  async getToken(id: string): Promise<TokenRecord | undefined> {
    const r = this.#s.token!.get(id) as TokenRow | undefined;
    return r && toToken(r);
  }

  async listTokens(account?: string): Promise<TokenRecord[]> {
    const rows = (account === undefined ? this.#s.tokens!.all() : this.#s.tokensOf!.all(account)) as TokenRow[];
    return rows.map(toToken);
  }

  async revokeToken(id: string, at: number): Promise<boolean> {
    return this.#s.revoke!.run(at, id).changes > 0;
  }

  async addSignInFailure(keys: readonly string[], at: number, forgetBefore: number): Promise<void> {
    this.#db.transaction(() => {
      for (const key of keys) {
        this.#s.forget!.run(key, forgetBefore);
        this.#s.addFailure!.run(key, at);
      }
    })();
  }

  async countSignInFailures(key: string, since: number): Promise<number> {
    return this.#s.countFailures!.get(key, since) as number;
  }

  async clearSignInFailures(key: string): Promise<void> {
    this.#s.clearFailures!.run(key);
  }
}

function toAccount(r: AccountRow): AccountRecord {
  return {
    name: r.name,
    passwordHash: r.password_hash,
    administrator: r.administrator === 1,
    disabled: r.disabled === 1,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

function toToken(r: TokenRow): TokenRecord {
  return {
    id: r.id,
    account: r.account,
    name: r.name,
    secretHash: r.secret_hash,
    scopes: JSON.parse(r.scopes) as TokenScope[],
    createdAt: Number(r.created_at),
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  };
}

