/**
 * The settings of an LDAP connector object, validated once when the object is imported: every problem is a coded
 * `CONNECTOR_SETTINGS_INVALID` naming the setting, so a connector that was accepted never fails later for its
 * configuration's shape. The bind password is never a setting: `passwordEnv` names the environment variable that
 * holds it (docs/connectors/ldap.md).
 */
import { InvalidInputError } from '../../errors.js';

/** How `disable` keeps an account from signing in (docs/decisions/ldap-disable.md). */
export type LdapDisableSettings =
  /** `pwdAccountLockedTime: 000001010000Z` (locked until an administrator unlocks), read by the ppolicy overlay. */
  | { readonly method: 'ppolicy' }
  /** A documented attribute the directory's consumers read, set to `value` when disabled and removed when enabled. */
  | { readonly method: 'attribute'; readonly attribute: string; readonly value: string };

export interface LdapTlsSettings {
  /** A PEM file of the certificate authorities to trust (instead of Node's bundled list). */
  readonly caFile?: string;
  /** @default true. False accepts any certificate: for test directories only. */
  readonly rejectUnauthorized: boolean;
  /** The name to check the certificate against when it differs from the URL's host. */
  readonly serverName?: string;
}

export interface LdapSettings {
  /** `ldap://host:port` or `ldaps://host:port`. */
  readonly url: string;
  readonly bindDn: string;
  /** The environment variable holding the bind password. */
  readonly passwordEnv: string;
  /** Where accounts are created and looked up (subtree). */
  readonly peopleBase: string;
  /** @default 'uid'. The RDN attribute of new entries; its value is always the login. */
  readonly rdnAttribute: 'uid' | 'cn';
  /** Where groups named by their `cn` alone are found; also what `check()` looks for. */
  readonly groupBase?: string;
  /**
   * @default '' (the empty DN). The member a `groupOfNames` keeps when its last real member leaves, since the
   * schema requires at least one.
   */
  readonly emptyGroupMember: string;
  readonly disable: LdapDisableSettings;
  /**
   * @default 'search'. How `create` looks before it creates: `search` finds the login anywhere under `peopleBase`
   * (one search, then the add); `dn` lets the add itself look, at the DN the login names (one round trip; an entry
   * with that login elsewhere under the base is not seen). docs/connectors/ldap.md, "Operations".
   */
  readonly lookup: 'search' | 'dn';
  /** @default 10000. How long one LDAP operation may take before the order fails with `CONNECTOR_TIMEOUT`. */
  readonly timeoutMs: number;
  /** @default 5000. How long opening a connection may take. */
  readonly connectTimeoutMs: number;
  /** @default 4. Connections kept open; each carries many operations at once (LDAP multiplexes by message id). */
  readonly poolSize: number;
  /** @default false. Upgrade `ldap://` connections with StartTLS before binding. */
  readonly startTls: boolean;
  readonly tls: LdapTlsSettings;
}

const KNOWN = new Set([
  'url',
  'bindDn',
  'passwordEnv',
  'peopleBase',
  'rdnAttribute',
  'groupBase',
  'emptyGroupMember',
  'disable',
  'lookup',
  'timeoutMs',
  'connectTimeoutMs',
  'poolSize',
  'startTls',
  'tls',
]);

function invalid(where: string, setting: string, why: string): InvalidInputError {
  return new InvalidInputError('CONNECTOR_SETTINGS_INVALID', `${where}: LDAP connector setting '${setting}' ${why}`, { where, setting });
}

/** A DN as far as settings need to know: `attr=value` parts separated by commas. The directory checks the rest. */
const DN = /^[A-Za-z][A-Za-z0-9-]*=[^,]+(,\s*[A-Za-z][A-Za-z0-9-]*=[^,]+)*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ATTRIBUTE = /^[A-Za-z][A-Za-z0-9-]*$/;

/** Validates the raw settings of an LDAP connector object; `where` names the object (`connector ldap-main`). */
export function parseLdapSettings(raw: Readonly<Record<string, unknown>>, where: string): LdapSettings {
  for (const key of Object.keys(raw)) {
    if (!KNOWN.has(key)) {
      if (/password|secret|credential/i.test(key) && key !== 'passwordEnv') {
        throw invalid(where, key, 'is not accepted: secrets never go into settings; name the environment variable that holds the password in passwordEnv');
      }
      throw invalid(where, key, `is unknown; the known settings are ${[...KNOWN].join(', ')}`);
    }
  }
  const text = (name: string, required: boolean): string | undefined => {
    const value = raw[name];
    if (value === undefined || value === null) {
      if (required) throw invalid(where, name, 'is required');
      return undefined;
    }
    if (typeof value !== 'string' || value.trim() === '') throw invalid(where, name, 'must be a non-empty string');
    return value.trim();
  };
  const dn = (name: string, required: boolean): string | undefined => {
    const value = text(name, required);
    if (value !== undefined && !DN.test(value)) throw invalid(where, name, `must be a DN such as ou=people,dc=example,dc=org, not '${value}'`);
    return value;
  };
  // Settings read from XML arrive as text: "5000" and "true" are accepted as well as 5000 and true.
  const whole = (name: string, fallback: number, min: number, max: number): number => {
    const given = raw[name];
    if (given === undefined || given === null || given === '') return fallback;
    const value = typeof given === 'string' && /^\s*\d+\s*$/.test(given) ? Number(given) : given;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw invalid(where, name, `must be a whole number from ${min} to ${max}, not ${JSON.stringify(given)}`);
    }
    return value;
  };
  const flag = (given: unknown, name: string, fallback: boolean): boolean => {
    if (given === undefined || given === null || given === '') return fallback;
    const value = given === 'true' ? true : given === 'false' ? false : given;
    if (typeof value !== 'boolean') throw invalid(where, name, `must be true or false, not ${JSON.stringify(value)}`);
    return value;
  };

  const url = text('url', true)!;
  const scheme = /^(ldaps?):\/\/[^/?#\s]+\/?$/i.exec(url);
  if (!scheme) throw invalid(where, 'url', `must be ldap://host[:port] or ldaps://host[:port], not '${url}'`);
  const passwordEnv = text('passwordEnv', true)!;
  if (!ENV_NAME.test(passwordEnv)) throw invalid(where, 'passwordEnv', `must name an environment variable (letters, digits, _), not '${passwordEnv}'`);

  const rdnAttribute = raw['rdnAttribute'] ?? 'uid';
  if (rdnAttribute !== 'uid' && rdnAttribute !== 'cn') throw invalid(where, 'rdnAttribute', `must be 'uid' or 'cn', not ${JSON.stringify(rdnAttribute)}`);

  const lookup = raw['lookup'] ?? 'search';
  if (lookup !== 'search' && lookup !== 'dn') throw invalid(where, 'lookup', `must be 'search' or 'dn', not ${JSON.stringify(lookup)}`);

  const emptyGroupMember = raw['emptyGroupMember'] ?? '';
  if (typeof emptyGroupMember !== 'string' || (emptyGroupMember !== '' && !DN.test(emptyGroupMember))) {
    throw invalid(where, 'emptyGroupMember', `must be a DN or '' (the empty DN), not ${JSON.stringify(emptyGroupMember)}`);
  }

  let disable: LdapDisableSettings = { method: 'ppolicy' };
  const rawDisable = raw['disable'];
  if (rawDisable !== undefined && rawDisable !== null) {
    if (typeof rawDisable !== 'object' || Array.isArray(rawDisable)) throw invalid(where, 'disable', "must be an object such as { method: 'ppolicy' }");
    const d = rawDisable as Record<string, unknown>;
    for (const key of Object.keys(d)) {
      if (!['method', 'attribute', 'value'].includes(key)) throw invalid(where, `disable.${key}`, 'is unknown; disable takes method, attribute and value');
    }
    if (d['method'] === 'ppolicy') {
      if (d['attribute'] !== undefined || d['value'] !== undefined) throw invalid(where, 'disable.attribute', "is only for method 'attribute'");
    } else if (d['method'] === 'attribute') {
      const attribute = d['attribute'];
      if (typeof attribute !== 'string' || !ATTRIBUTE.test(attribute)) throw invalid(where, 'disable.attribute', 'must name an LDAP attribute');
      const value = d['value'] ?? 'disabled';
      if (typeof value !== 'string' || value === '') throw invalid(where, 'disable.value', 'must be a non-empty string');
      disable = { method: 'attribute', attribute, value };
    } else throw invalid(where, 'disable.method', `must be 'ppolicy' or 'attribute', not ${JSON.stringify(d['method'])}`);
  }

  const rawTls = raw['tls'] ?? {};
  if (typeof rawTls !== 'object' || rawTls === null || Array.isArray(rawTls)) throw invalid(where, 'tls', 'must be an object');
  const t = rawTls as Record<string, unknown>;
  for (const key of Object.keys(t)) {
    if (!['caFile', 'rejectUnauthorized', 'serverName'].includes(key)) throw invalid(where, `tls.${key}`, 'is unknown; tls takes caFile, rejectUnauthorized and serverName');
  }
  const tlsText = (name: string): string | undefined => {
    const value = t[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value.trim() === '') throw invalid(where, `tls.${name}`, 'must be a non-empty string');
    return value;
  };
  const caFile = tlsText('caFile');
  const serverName = tlsText('serverName');
  const tls: LdapTlsSettings = {
    rejectUnauthorized: flag(t['rejectUnauthorized'], 'tls.rejectUnauthorized', true),
    ...(caFile !== undefined ? { caFile } : {}),
    ...(serverName !== undefined ? { serverName } : {}),
  };
  const startTls = flag(raw['startTls'], 'startTls', false);
  if (startTls && scheme[1]!.toLowerCase() === 'ldaps') throw invalid(where, 'startTls', 'is for ldap:// URLs; an ldaps:// connection is encrypted from the start');

  const groupBase = dn('groupBase', false);
  return {
    url: url.replace(/\/$/, ''),
    bindDn: dn('bindDn', true)!,
    passwordEnv,
    peopleBase: dn('peopleBase', true)!,
    rdnAttribute,
    ...(groupBase !== undefined ? { groupBase } : {}),
    emptyGroupMember,
    disable,
    lookup,
    timeoutMs: whole('timeoutMs', 10_000, 100, 600_000),
    connectTimeoutMs: whole('connectTimeoutMs', 5_000, 100, 600_000),
    poolSize: whole('poolSize', 4, 1, 64),
    startTls,
    tls,
  };
}
