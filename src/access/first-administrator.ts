/**
 * The first administrator, set up by `idflow init` (docs/decisions/accounts-and-sessions.md): when the repository has
 * no enabled administrator account, one is created, named `$IDFLOW_ADMIN` (default `admin`), with the password in
 * `$IDFLOW_ADMIN_PASSWORD`, or a generated one that init prints once (only its argon2id hash is kept). A repository
 * that has an administrator is left alone, so running init again changes no password.
 */
import type { Repository } from '../repository/repository.js';
import { generatePassword } from './secrets.js';

export const ADMIN_NAME_ENV = 'IDFLOW_ADMIN';
export const ADMIN_PASSWORD_ENV = 'IDFLOW_ADMIN_PASSWORD';

export type FirstAdministrator =
  | { readonly status: 'exists' }
  | { readonly status: 'created'; readonly name: string; readonly password: { readonly from: 'environment' } | { readonly from: 'generated'; readonly value: string } };

export async function ensureFirstAdministrator(repository: Repository, env: NodeJS.ProcessEnv, by: string): Promise<FirstAdministrator> {
  if ((await repository.access.countAdministrators()) > 0) return { status: 'exists' };
  const name = env[ADMIN_NAME_ENV] || 'admin';
  const given = env[ADMIN_PASSWORD_ENV];
  const password = given || generatePassword();
  // Loaded here: argon2 is a native addon, and this module is imported by every `idflow` start (init's types).
  const { AccessService } = await import('./access-service.js');
  const accounts = new AccessService({ repository });
  const existing = await repository.access.getAccount(name);
  if (existing) {
    // An account of that name that is not an enabled administrator becomes one, with the new password.
    await accounts.setPassword(name, password);
    await repository.access.updateAccount(name, { administrator: true, disabled: false });
  } else {
    await accounts.createAccount({ name, password, administrator: true, by });
  }
  return { status: 'created', name, password: given ? { from: 'environment' } : { from: 'generated', value: password } };
}
