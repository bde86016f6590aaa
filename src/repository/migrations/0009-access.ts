import type { Migration } from '../migration.js';

/**
 * Who may sign in (issue 12; docs/decisions/accounts-and-sessions.md). An account IS a person login: its name is the
 * person name work items, audit rows and profile assignments use.
 *
 * - `logins` (the accounts people sign in with; `accounts` are those in target systems, 0008): an argon2id password hash (NULL: may not sign in with a password, tokens only), the administrator
 *   flag, and a disabled flag that stops sessions and tokens at their next request.
 * - `login_sessions`: browser sessions, keyed by the SHA-256 of the cookie value (the cookie itself is never stored), with
 *   the CSRF token the browser must echo on every unsafe request.
 * - `api_tokens`: keyed by a public id; only the SHA-256 of the secret part is stored; revocable and scoped.
 * - `sign_in_failures`: one row per failed sign-in, per key (account name, client address), counted over a window so
 *   that every idflow process behind a load balancer enforces the same limit.
 * Times are epoch milliseconds, like the runtime tables.
 */
export const m0009Access: Migration = {
  version: 9,
  name: 'access',
  sqlite: `
CREATE TABLE logins (
  name          TEXT PRIMARY KEY,
  password_hash TEXT,
  administrator INTEGER NOT NULL DEFAULT 0,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  created_by    TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE login_sessions (
  id_hash      TEXT PRIMARY KEY,
  account      TEXT NOT NULL REFERENCES logins (name) ON DELETE CASCADE,
  csrf_token   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX login_sessions_by_expiry ON login_sessions (expires_at);
CREATE TABLE api_tokens (
  id          TEXT PRIMARY KEY,
  account     TEXT NOT NULL REFERENCES logins (name) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  scopes      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER,
  revoked_at  INTEGER
) WITHOUT ROWID;
CREATE INDEX api_tokens_by_account ON api_tokens (account, created_at);
CREATE TABLE sign_in_failures (
  key TEXT NOT NULL,
  at  INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_by_key ON sign_in_failures (key, at);
`,
  postgres: `
CREATE TABLE logins (
  name          TEXT PRIMARY KEY,
  password_hash TEXT,
  administrator BOOLEAN NOT NULL DEFAULT FALSE,
  disabled      BOOLEAN NOT NULL DEFAULT FALSE,
  created_at    BIGINT NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE TABLE login_sessions (
  id_hash      TEXT PRIMARY KEY,
  account      TEXT NOT NULL REFERENCES logins (name) ON DELETE CASCADE,
  csrf_token   TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL
);
CREATE INDEX login_sessions_by_expiry ON login_sessions (expires_at);
CREATE TABLE api_tokens (
  id          TEXT PRIMARY KEY,
  account     TEXT NOT NULL REFERENCES logins (name) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  scopes      TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT,
  revoked_at  BIGINT
);
CREATE INDEX api_tokens_by_account ON api_tokens (account, created_at);
CREATE TABLE sign_in_failures (
  key TEXT NOT NULL,
  at  BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_by_key ON sign_in_failures (key, at);
`,
};
