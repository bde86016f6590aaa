import type { TokenScope } from '../../access/caller.js';
import type { AccessStore, AccountRecord, SessionRecord, TokenRecord } from '../access-store.js';
import { statement, type PgDatabase } from './postgres-database.js';

interface AccountRow {
  name: string;
  password_hash: string | null;
  administrator: boolean;
  disabled: boolean;
  created_at: string | number;
  created_by: string;
}
interface SessionRow {
  id_hash: string;
  account: string;
  csrf_token: string;
  created_at: string | number;
  expires_at: string | number;
}
interface TokenRow {
  id: string;
  account: string;
  name: string;
  secret_hash: string;
  scopes: string;
  created_at: string | number;
  expires_at: string | number | null;
  revoked_at: string | number | null;
}

const S = {
  insertAccount: statement(
    `INSERT INTO logins (name, password_hash, administrator, disabled, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (name) DO NOTHING RETURNING name`,
  ),
  account: statement('SELECT * FROM logins WHERE name = $1'),
  accounts: statement('SELECT * FROM logins ORDER BY name COLLATE "C"'),
  update: statement(
    `UPDATE logins SET password_hash = CASE WHEN $2 THEN $3 ELSE password_hash END,
       administrator = COALESCE($4, administrator), disabled = COALESCE($5, disabled) WHERE name = $1 RETURNING name`,
  ),
  admins: statement('SELECT count(*)::int AS n FROM logins WHERE administrator AND NOT disabled'),
  insertSession: statement('INSERT INTO login_sessions (id_hash, account, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)'),
  session: statement('SELECT * FROM login_sessions WHERE id_hash = $1'),
  deleteSession: statement('DELETE FROM login_sessions WHERE id_hash = $1'),
  expired: statement('DELETE FROM login_sessions WHERE expires_at <= $1'),
  insertToken: statement(
    'INSERT INTO api_tokens (id, account, name, secret_hash, scopes, created_at, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
  ),
  token: statement('SELECT * FROM api_tokens WHERE id = $1'),
  tokens: statement('SELECT * FROM api_tokens ORDER BY created_at DESC, id COLLATE "C"'),
  tokensOf: statement('SELECT * FROM api_tokens WHERE account = $1 ORDER BY created_at DESC, id COLLATE "C"'),
  revoke: statement('UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL'),
  addFailures: statement(
    `WITH gone AS (DELETE FROM sign_in_failures WHERE key = ANY($1::text[]) AND at < $3)
     INSERT INTO sign_in_failures (key, at) SELECT k, $2 FROM unnest($1::text[]) AS k`,
  ),
  countFailures: statement('SELECT count(*)::int AS n FROM sign_in_failures WHERE key = $1 AND at >= $2'),
  clearFailures: statement('DELETE FROM sign_in_failures WHERE key = $1'),
};

/** Accounts, sessions and tokens in PostgreSQL: one statement per call. */
export class PostgresAccessStore implements AccessStore {
  readonly kind = 'access' as const;
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async createAccount(a: AccountRecord): Promise<'created' | 'exists'> {
    const { rows } = await this.#db.query(S.insertAccount, [a.name, a.passwordHash, a.administrator, a.disabled, a.createdAt, a.createdBy]);
    return rows.length > 0 ? 'created' : 'exists';
  }

  async getAccount(name: string): Promise<AccountRecord | undefined> {
    const { rows } = await this.#db.query<AccountRow>(S.account, [name]);
    return rows[0] && toAccount(rows[0]);
  }

  async listAccounts(): Promise<AccountRecord[]> {
    return (await this.#db.query<AccountRow>(S.accounts)).rows.map(toAccount);
  }

  async updateAccount(name: string, change: { readonly passwordHash?: string | null; readonly administrator?: boolean; readonly disabled?: boolean }): Promise<boolean> {
    const { rows } = await this.#db.query(S.update, [
      name,
      change.passwordHash !== undefined,
      change.passwordHash ?? null,
      change.administrator ?? null,
      change.disabled ?? null,
    ]);
    return rows.length > 0;
  }

  async countAdministrators(): Promise<number> {
    return (await this.#db.query<{ n: number }>(S.admins)).rows[0]?.n ?? 0;
  }

  async createSession(s: SessionRecord): Promise<void> {
    await this.#db.query(S.insertSession, [s.idHash, s.account, s.csrfToken, s.createdAt, s.expiresAt]);
  }

  async getSession(idHash: string): Promise<SessionRecord | undefined> {
    const r = (await this.#db.query<SessionRow>(S.session, [idHash])).rows[0];
    return r && { idHash: r.id_hash, account: r.account, csrfToken: r.csrf_token, createdAt: Number(r.created_at), expiresAt: Number(r.expires_at) };
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.#db.query(S.deleteSession, [idHash]);
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    return (await this.#db.query(S.expired, [now])).rowCount;
  }

  async createToken(t: TokenRecord): Promise<void> {
    await this.#db.query(S.insertToken, [t.id, t.account, t.name, t.secretHash, JSON.stringify(t.scopes), t.createdAt, t.expiresAt, t.revokedAt]);
  }

  async getToken(id: string): Promise<TokenRecord | undefined> {
    const r = (await this.#db.query<TokenRow>(S.token, [id])).rows[0];
    return r && toToken(r);
  }

  async listTokens(account?: string): Promise<TokenRecord[]> {
    const { rows } = account === undefined ? await this.#db.query<TokenRow>(S.tokens) : await this.#db.query<TokenRow>(S.tokensOf, [account]);
    return rows.map(toToken);
  }

  async revokeToken(id: string, at: number): Promise<boolean> {
    return (await this.#db.query(S.revoke, [at, id])).rowCount > 0;
  }

  async addSignInFailure(keys: readonly string[], at: number, forgetBefore: number): Promise<void> {
    if (keys.length === 0) return;
    await this.#db.query(S.addFailures, [[...keys], at, forgetBefore]);
  }

  async countSignInFailures(key: string, since: number): Promise<number> {
    return (await this.#db.query<{ n: number }>(S.countFailures, [key, since])).rows[0]?.n ?? 0;
  }

  async clearSignInFailures(key: string): Promise<void> {
    await this.#db.query(S.clearFailures, [key]);
  }
}

function toAccount(r: AccountRow): AccountRecord {
  return {
    name: r.name,
    passwordHash: r.password_hash,
    administrator: r.administrator,
    disabled: r.disabled,
    createdAt: Number(r.created_at),
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
