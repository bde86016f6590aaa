/**
 * What a connector is: the one thing in idflow that talks to a target system (an LDAP directory, a SCIM service, a
 * CSV file). Provisioning workers call connectors outside any step and outside any database transaction
 * (docs/decisions: no network call inside a step); each call carries the order's idempotency key, a timeout and an
 * abort signal.
 *
 * Accounts are described in one neutral vocabulary ({@link AccountAttributes}); each connector maps it to its
 * target's schema (LDAP `inetOrgPerson`, SCIM core User, CSV columns), so a workflow and the provisioning planner
 * never know which target they feed.
 *
 * Connectors look before they create: a `create` whose account already exists (a replayed order, an account made
 * by hand) adopts it and answers with its key, never a second account.
 */
import { IdflowError, type ErrorDetails } from '../errors.js';

/**
 * The neutral account vocabulary. Every key is optional except where an operation says so; `null` in an `update`
 * removes the attribute on the target. Multi-valued attributes are arrays.
 * - `login`: the account name (LDAP `uid`, SCIM `userName`, the CSV key column by default);
 * - `firstName`, `lastName`, `displayName`, `email`, `phone`, `title`, `department`, `organization`,
 *   `employeeId`, `manager` (the manager's login), `location`.
 */
export type AccountAttributeValue = string | readonly string[] | null;
export type AccountAttributes = Readonly<Record<string, AccountAttributeValue>>;

/** The names {@link AccountAttributes} knows; connectors refuse others (`CONNECTOR_ATTRIBUTE_UNKNOWN`). */
export const ACCOUNT_ATTRIBUTE_NAMES = [
  'login',
  'firstName',
  'lastName',
  'displayName',
  'email',
  'phone',
  'title',
  'department',
  'organization',
  'employeeId',
  'manager',
  'location',
] as const;

/**
 * One change to one account on one target. `key` is the target's own key of the account, as an earlier `create`
 * answered it (LDAP: the entry's DN; SCIM: the resource id; CSV: the key column's value).
 * - `create`: `attributes.login` is required; answers the new (or adopted) account's key.
 * - `update`: changes only the attributes given.
 * - `rename`: the login changes (LDAP: modify DN to the new RDN; SCIM: `userName`); answers the new key.
 * - `disable` / `enable`: the account stays but may not sign in (each connector documents how).
 * - `delete`: removes the account; deleting an account that is already gone succeeds.
 * - `addMember` / `removeMember`: `group` is the group's key on the target as the resource names it (LDAP: the
 *   group's DN; SCIM: the group's displayName or id; CSV: the group name written to the groups column).
 */
export type ProvisioningOperation =
  | { readonly kind: 'create'; readonly attributes: AccountAttributes }
  | { readonly kind: 'update'; readonly key: string; readonly attributes: AccountAttributes }
  | { readonly kind: 'rename'; readonly key: string; readonly newLogin: string; readonly attributes?: AccountAttributes }
  | { readonly kind: 'disable'; readonly key: string }
  | { readonly kind: 'enable'; readonly key: string }
  | { readonly kind: 'delete'; readonly key: string }
  | { readonly kind: 'addMember'; readonly key: string; readonly group: string }
  | { readonly kind: 'removeMember'; readonly key: string; readonly group: string };

export type ProvisioningOperationKind = ProvisioningOperation['kind'];

export interface ProvisioningRequest {
  /** The order's idempotency key: the same when an order is replayed after a crash. */
  readonly idempotencyKey: string;
  readonly operation: ProvisioningOperation;
  /** Aborted when the order's time is up or the worker stops; a connector stops waiting on the target at once. */
  readonly signal: AbortSignal;
}

export interface ProvisioningResult {
  /** The account's key after the operation (the new key after `create` and `rename`). */
  readonly key: string;
  /** `created` when a create made a new account, `adopted` when it found one already there. */
  readonly outcome: 'created' | 'adopted' | 'changed' | 'unchanged' | 'deleted';
}

export interface ConnectorCheck {
  /** True when the target answered and idflow's credentials work. */
  readonly ok: boolean;
  /** What was checked, in words (`bound as cn=admin,dc=example,dc=org; ou=people,dc=example,dc=org exists`). */
  readonly detail: string;
}

/** A live connection to one target, made from validated settings by its {@link ConnectorFactory}. */
export interface Connector {
  /** `ldap`, `scim`, `csv`. */
  readonly kind: string;
  /** The connector object's name (what resources and orders refer to). */
  readonly name: string;
  apply(request: ProvisioningRequest): Promise<ProvisioningResult>;
  /** `idflow connector test NAME`: reach the target, authenticate, check what the settings name. */
  check(signal: AbortSignal): Promise<ConnectorCheck>;
  /** Closes connections; the connector is not used afterwards. */
  close(): Promise<void>;
}

/**
 * Makes connectors of one kind. `parseSettings` validates a connector object's settings once, at import (coded
 * `CONNECTOR_SETTINGS_INVALID` errors naming the setting); `create` only receives settings it accepted. Secrets are
 * never in settings: settings name environment variables (`passwordEnv: IDFLOW_LDAP_PASSWORD`), read from `env`
 * when the connector is created, and never written to output, logs or the audit.
 */
export interface ConnectorFactory<S = unknown> {
  readonly kind: string;
  parseSettings(raw: Readonly<Record<string, unknown>>, where: string): S;
  create(name: string, settings: S, env: Readonly<Record<string, string | undefined>>): Connector;
}

/**
 * A target refused or failed an operation. `transient` says whether the same request may succeed later (timeouts,
 * connection refused, HTTP 5xx and 429, LDAP busy/unavailable); `retryAfterMs` is the target's own hint (HTTP
 * `Retry-After`). Permanent failures (schema violation, 4xx other than 429, no such group) wait for an
 * administrator's retry.
 *
 * Codes: `CONNECTOR_UNAVAILABLE` (could not reach it, or it said busy: transient), `CONNECTOR_TIMEOUT` (transient),
 * `CONNECTOR_REJECTED` (it refused the request: permanent), `CONNECTOR_AUTH_FAILED` (permanent),
 * `CONNECTOR_NOT_FOUND` (the account or group named is not there: permanent).
 */
export class ConnectorError extends IdflowError {
  readonly transient: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(
    code: string,
    message: string,
    options: { transient: boolean; retryAfterMs?: number; details?: ErrorDetails; cause?: unknown },
  ) {
    super(code, message, options.details ?? {}, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.transient = options.transient;
    this.retryAfterMs = options.retryAfterMs;
  }
}
