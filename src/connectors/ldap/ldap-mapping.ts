/**
 * The neutral account vocabulary mapped to `inetOrgPerson` (docs/connectors/ldap.md has the table), and the DN
 * arithmetic the connector needs: an account's DN is `<rdnAttribute>=<login>,<peopleBase>`.
 *
 * `cn` and `sn` are required by the schema, so they are always written: `sn` is the last name (the login when there
 * is none) and `cn` the display name, else "first last", else the login (with `rdnAttribute: cn`, `cn` is the
 * login, since it names the entry). An update recomputes them only when a name it depends on changes, so a `cn`
 * someone set by hand survives an update of the e-mail address.
 */
import { ACCOUNT_ATTRIBUTE_NAMES, ConnectorError, type AccountAttributes, type AccountAttributeValue } from '../connector.js';
import type { LdapSettings } from './ldap-settings.js';

/** The LDAP attribute each neutral name is written to. */
export const LDAP_ATTRIBUTE_OF: Readonly<Record<(typeof ACCOUNT_ATTRIBUTE_NAMES)[number], string>> = {
  login: 'uid',
  firstName: 'givenName',
  lastName: 'sn',
  displayName: 'displayName',
  email: 'mail',
  phone: 'telephoneNumber',
  title: 'title',
  department: 'departmentNumber',
  organization: 'o',
  employeeId: 'employeeNumber',
  manager: 'manager',
  location: 'l',
};

/** Every attribute the connector manages on an account entry, for reads. */
export const MANAGED_LDAP_ATTRIBUTES: readonly string[] = [...new Set([...Object.values(LDAP_ATTRIBUTE_OF), 'cn'])];

export const OBJECT_CLASSES: readonly string[] = ['top', 'person', 'organizationalPerson', 'inetOrgPerson'];

const KNOWN = new Set<string>(ACCOUNT_ATTRIBUTE_NAMES);
const NAME_PARTS = new Set(['displayName', 'firstName', 'lastName']);

/** Refuses names outside the neutral vocabulary (`CONNECTOR_ATTRIBUTE_UNKNOWN`, permanent). */
export function checkAttributeNames(attributes: AccountAttributes): void {
  const unknown = Object.keys(attributes).filter((k) => !KNOWN.has(k));
  if (unknown.length) {
    throw new ConnectorError(
      'CONNECTOR_ATTRIBUTE_UNKNOWN',
      `unknown account attribute${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the known ones are ${ACCOUNT_ATTRIBUTE_NAMES.join(', ')}`,
      { transient: false, details: { attributes: unknown } },
    );
  }
}

/**
 * RFC 4514 escaping of an attribute value inside a DN, in the hex form (`\2C` for a comma) that slapd itself
 * writes, so that the key a create answers is the same string a later search answers for the same entry.
 */
export function escapeDnValue(value: string): string {
  const hex = (c: string): string => `\\${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
  let out = value.replace(/[\\,+"<>;=\0]/g, hex);
  if (out.startsWith(' ') || out.startsWith('#')) out = hex(out[0]!) + out.slice(1);
  if (out.endsWith(' ')) out = `${out.slice(0, -1)}\\20`;
  return out;
}

/** The inverse of {@link escapeDnValue} for the `\c` and `\hh` forms. */
export function unescapeDnValue(value: string): string {
  return value.replace(/\\([0-9a-fA-F]{2}|.)/g, (_, e: string) => (e.length === 2 ? String.fromCharCode(parseInt(e, 16)) : e));
}

/** Index of the comma that ends the first RDN of `dn`, or -1. */
function firstSeparator(dn: string): number {
  for (let i = 0; i < dn.length; i++) {
    if (dn[i] === '\\') i++;
    else if (dn[i] === ',') return i;
  }
  return -1;
}

/** `uid=jdoe` of `uid=jdoe,ou=people,dc=example,dc=org`. */
export function rdnOf(dn: string): string {
  const i = firstSeparator(dn);
  return i < 0 ? dn : dn.slice(0, i);
}

/** `ou=people,dc=example,dc=org` of `uid=jdoe,ou=people,dc=example,dc=org` ('' for a one-RDN DN). */
export function parentOf(dn: string): string {
  const i = firstSeparator(dn);
  return i < 0 ? '' : dn.slice(i + 1).trim();
}

/** A DN for comparisons: attribute names and values lower-cased, spaces around separators dropped. */
export function normalizeDn(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((rdn) => rdn.trim().replace(/\s*=\s*/, '=').toLowerCase())
    .join(',');
}

export function sameDn(a: string, b: string): boolean {
  return normalizeDn(a) === normalizeDn(b);
}

export function accountRdn(settings: LdapSettings, login: string): string {
  return `${settings.rdnAttribute}=${escapeDnValue(login)}`;
}

export function accountDn(settings: LdapSettings, login: string): string {
  return `${accountRdn(settings, login)},${settings.peopleBase}`;
}

/** A group as an order names it: a DN, or a `cn` under `groupBase`. */
export function groupDn(settings: LdapSettings, group: string): string {
  if (/^[A-Za-z][A-Za-z0-9-]*=/.test(group)) return group;
  if (!settings.groupBase) {
    throw new ConnectorError('CONNECTOR_REJECTED', `group '${group}' is not a DN and the connector has no groupBase to find it under`, {
      transient: false,
      details: { group },
    });
  }
  return `cn=${escapeDnValue(group)},${settings.groupBase}`;
}

/** The values of a neutral attribute: `null`, `''` and `[]` all mean none. */
export function valuesOf(value: AccountAttributeValue | undefined): string[] {
  if (value === null || value === undefined) return [];
  return (typeof value === 'string' ? [value] : [...value]).filter((v) => v !== '');
}

function single(value: AccountAttributeValue | undefined): string | undefined {
  return valuesOf(value)[0];
}

/** The login of an `attributes` record: one non-empty string. */
export function loginOf(attributes: AccountAttributes, what: string): string {
  const login = attributes['login'];
  if (typeof login !== 'string' || login.trim() === '') {
    throw new ConnectorError('CONNECTOR_REJECTED', `${what} needs attributes.login: one non-empty string`, { transient: false });
  }
  return login;
}

/** The LDAP values of one neutral attribute (a manager's login becomes the manager's DN). */
function ldapValues(settings: LdapSettings, name: string, value: AccountAttributeValue | undefined): string[] {
  const values = valuesOf(value);
  return name === 'manager' ? values.map((m) => (/^[A-Za-z][A-Za-z0-9-]*=/.test(m) ? m : accountDn(settings, m))) : values;
}

function commonName(settings: LdapSettings, view: AccountAttributes): string {
  const login = single(view['login']) ?? '';
  if (settings.rdnAttribute === 'cn') return login;
  const display = single(view['displayName']);
  if (display) return display;
  const full = [single(view['firstName']), single(view['lastName'])].filter(Boolean).join(' ');
  return full || login;
}

/** What a new entry holds for `attributes` (which include `login`). */
export function entryFor(settings: LdapSettings, attributes: AccountAttributes): Record<string, string[]> {
  const entry: Record<string, string[]> = { objectClass: [...OBJECT_CLASSES] };
  for (const [name, value] of Object.entries(attributes)) {
    const values = ldapValues(settings, name, value);
    if (values.length) entry[LDAP_ATTRIBUTE_OF[name as keyof typeof LDAP_ATTRIBUTE_OF]] = values;
  }
  entry['cn'] = [commonName(settings, attributes)];
  entry['sn'] = [single(attributes['lastName']) ?? single(attributes['login'])!];
  return entry;
}

/** The name parts of an entry, read back into the neutral vocabulary (enough to recompute `cn` and `sn`). */
export function namesOf(entry: Readonly<Record<string, unknown>>): AccountAttributes {
  const first = (attr: string): string | null => {
    const v = entry[attr];
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
    return null;
  };
  return { login: first('uid'), firstName: first('givenName'), lastName: first('sn'), displayName: first('displayName') };
}

/** An entry's values of an attribute, as strings (ldapts answers a string for one value, an array for several). */
export function entryValues(entry: Readonly<Record<string, unknown>>, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const v = key === undefined ? undefined : entry[key];
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)));
}

/**
 * The LDAP attributes an update of `changes` must replace on `entry`, with their new values: only those whose values
 * differ (so a replayed update changes nothing). `login` is not changed here (that is a rename).
 */
export function replacementsFor(
  settings: LdapSettings,
  entry: Readonly<Record<string, unknown>>,
  changes: AccountAttributes,
): Map<string, string[]> {
  const wanted = new Map<string, string[]>();
  for (const [name, value] of Object.entries(changes)) {
    if (name === 'login') continue;
    wanted.set(LDAP_ATTRIBUTE_OF[name as keyof typeof LDAP_ATTRIBUTE_OF], ldapValues(settings, name, value));
  }
  if (Object.keys(changes).some((k) => NAME_PARTS.has(k))) {
    const view: AccountAttributes = { ...namesOf(entry), ...changes };
    if (settings.rdnAttribute === 'uid') wanted.set('cn', [commonName(settings, view)]);
    const sn = single(view['lastName']) ?? single(view['login']);
    if (sn !== undefined) wanted.set('sn', [sn]);
  }
  const out = new Map<string, string[]>();
  for (const [attribute, values] of wanted) {
    const current = entryValues(entry, attribute);
    const same = current.length === values.length && values.every((v) => current.includes(v));
    if (!same) out.set(attribute, values);
  }
  return out;
}
