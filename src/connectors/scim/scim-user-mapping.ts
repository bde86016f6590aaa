/**
 * The neutral account vocabulary (src/connectors/connector.ts) on SCIM's core User schema (RFC 7643 §4.1) and its
 * enterprise extension (§4.3):
 *
 * | neutral        | SCIM                                         |
 * |----------------|----------------------------------------------|
 * | login          | userName                                     |
 * | firstName      | name.givenName                               |
 * | lastName       | name.familyName                              |
 * | displayName    | displayName                                  |
 * | email          | emails (type work; the first is primary)     |
 * | phone          | phoneNumbers (type work)                     |
 * | title          | title                                        |
 * | location       | addresses (type work, locality)              |
 * | department     | enterprise: department                       |
 * | organization   | enterprise: organization                     |
 * | employeeId     | enterprise: employeeNumber                   |
 * | manager        | enterprise: manager.value (the manager's SCIM id, looked up by userName) |
 *
 * Multi-valued SCIM attributes (emails, phoneNumbers, addresses) are written whole: idflow owns the work entries it
 * writes, and an update replaces the list.
 */
import { ACCOUNT_ATTRIBUTE_NAMES, ConnectorError, type AccountAttributes, type AccountAttributeValue } from '../connector.js';

export const SCIM_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCIM_ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const SCIM_PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface PatchOperation {
  readonly op: 'add' | 'replace' | 'remove';
  readonly path: string;
  readonly value?: unknown;
}

interface Target {
  /** The attribute's path (a PATCH path; for the extension, relative to it). */
  readonly path: string;
  readonly enterprise?: boolean;
  readonly multi?: (values: readonly string[]) => unknown[];
}

const TARGETS: Readonly<Record<(typeof ACCOUNT_ATTRIBUTE_NAMES)[number], Target>> = {
  login: { path: 'userName' },
  firstName: { path: 'name.givenName' },
  lastName: { path: 'name.familyName' },
  displayName: { path: 'displayName' },
  email: { path: 'emails', multi: (vs) => vs.map((value, i) => ({ value, type: 'work', primary: i === 0 })) },
  phone: { path: 'phoneNumbers', multi: (vs) => vs.map((value) => ({ value, type: 'work' })) },
  title: { path: 'title' },
  location: { path: 'addresses', multi: (vs) => vs.map((locality, i) => ({ locality, type: 'work', primary: i === 0 })) },
  department: { path: 'department', enterprise: true },
  organization: { path: 'organization', enterprise: true },
  employeeId: { path: 'employeeNumber', enterprise: true },
  manager: { path: 'manager', enterprise: true },
};

/** Resolves the manager's login to the manager's SCIM id (a lookup on the target). */
export type ManagerResolver = (login: string) => Promise<string>;

/** Checks every attribute name first: nothing is sent for an order that names an attribute SCIM cannot hold. */
export function checkAttributeNames(connector: string, attributes: AccountAttributes, enterprise: boolean): void {
  for (const name of Object.keys(attributes)) {
    const target = (TARGETS as Record<string, Target | undefined>)[name];
    if (!target) {
      throw new ConnectorError('CONNECTOR_ATTRIBUTE_UNKNOWN', `connector ${connector}: no account attribute "${name}"; the attributes are ${ACCOUNT_ATTRIBUTE_NAMES.join(', ')}`, {
        transient: false,
        details: { connector, attribute: name },
      });
    }
    if (target.enterprise && !enterprise) {
      throw new ConnectorError(
        'CONNECTOR_ATTRIBUTE_UNKNOWN',
        `connector ${connector}: "${name}" needs the SCIM enterprise User extension, which this connector's enterpriseExtension setting turns off`,
        { transient: false, details: { connector, attribute: name } },
      );
    }
  }
}

function one(connector: string, name: string, value: Exclude<AccountAttributeValue, null>): string {
  if (typeof value === 'string') return value;
  if (value.length === 1) return value[0]!;
  throw new ConnectorError('CONNECTOR_REJECTED', `connector ${connector}: "${name}" takes one value on a SCIM target, not ${value.length}`, {
    transient: false,
    details: { connector, attribute: name },
  });
}

async function scimValue(connector: string, name: string, value: Exclude<AccountAttributeValue, null>, resolveManager: ManagerResolver): Promise<unknown> {
  const target = (TARGETS as Record<string, Target>)[name]!;
  if (target.multi) return target.multi(typeof value === 'string' ? [value] : value);
  const text = one(connector, name, value);
  return name === 'manager' ? { value: await resolveManager(text) } : text;
}

/** The body of `POST /Users` for these attributes (`active: true`). */
export async function userResource(connector: string, attributes: AccountAttributes, resolveManager: ManagerResolver): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = { schemas: [SCIM_USER_SCHEMA], active: true };
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null) continue;
    const target = (TARGETS as Record<string, Target>)[name]!;
    let into = body;
    if (target.enterprise) {
      into = (body[SCIM_ENTERPRISE_USER_SCHEMA] ??= {}) as Record<string, unknown>;
      if (!(body['schemas'] as string[]).includes(SCIM_ENTERPRISE_USER_SCHEMA)) (body['schemas'] as string[]).push(SCIM_ENTERPRISE_USER_SCHEMA);
    }
    const parts = target.path.split('.');
    for (const part of parts.slice(0, -1)) into = (into[part] ??= {}) as Record<string, unknown>;
    into[parts.at(-1)!] = await scimValue(connector, name, value, resolveManager);
  }
  return body;
}

/** The PATCH operations that set these attributes (`null` removes one). */
export async function userPatch(connector: string, attributes: AccountAttributes, resolveManager: ManagerResolver): Promise<PatchOperation[]> {
  const ops: PatchOperation[] = [];
  for (const [name, value] of Object.entries(attributes)) {
    const target = (TARGETS as Record<string, Target>)[name]!;
    const path = target.enterprise ? `${SCIM_ENTERPRISE_USER_SCHEMA}:${target.path}` : target.path;
    if (value === null) ops.push({ op: 'remove', path });
    else ops.push({ op: 'replace', path, value: await scimValue(connector, name, value, resolveManager) });
  }
  return ops;
}

/** A SCIM filter comparing `attribute` with a string, quoted as RFC 7644 §3.4.2.2 says (a JSON string). */
export function eqFilter(attribute: string, value: string): string {
  return `${attribute} eq ${JSON.stringify(value)}`;
}
