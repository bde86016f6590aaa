/**
 * The LDAP connector: accounts as `inetOrgPerson` entries under `peopleBase`, memberships as `member` values of
 * `groupOfNames` entries. docs/connectors/ldap.md describes what each operation does on the directory.
 *
 * Every operation is safe to replay (an order is executed at least once): `create` looks for the login before it
 * adds and adopts what it finds, `update` writes only attributes whose values differ, `rename` of an entry already
 * renamed finds it under its new name, `delete` of an entry already gone succeeds, and membership changes answer
 * `unchanged` when the directory already says so.
 */
import { Attribute, Change, EqualityFilter, type Client } from 'ldapts';
import {
  ConnectorError,
  type AccountAttributes,
  type Connector,
  type ConnectorCheck,
  type ProvisioningOperation,
  type ProvisioningRequest,
  type ProvisioningResult,
} from '../connector.js';
import { classifyLdapError, resultCodeOf } from './ldap-errors.js';
import {
  accountDn,
  accountRdn,
  checkAttributeNames,
  entryFor,
  entryValues,
  groupDn,
  loginOf,
  MANAGED_LDAP_ATTRIBUTES,
  parentOf,
  replacementsFor,
  sameDn,
} from './ldap-mapping.js';
import { LdapPool } from './ldap-pool.js';
import type { LdapSettings } from './ldap-settings.js';

/** `pwdAccountLockedTime` with this value: locked until an administrator removes it (slapo-ppolicy(5)). */
export const PERMANENTLY_LOCKED = '000001010000Z';

type Entry = Readonly<Record<string, unknown>> & { readonly dn: string };

/** LDAP result codes the operations expect and turn into outcomes. */
const NO_SUCH_OBJECT = 32;
const NO_SUCH_ATTRIBUTE = 16;
const TYPE_OR_VALUE_EXISTS = 20;
const ALREADY_EXISTS = 68;
const OBJECT_CLASS_VIOLATION = 65;

/** uid matches without regard to case, as the directory's own matching rule does. */
function hasLogin(entry: Readonly<Record<string, unknown>>, login: string): boolean {
  return entryValues(entry, 'uid').some((v) => v.toLowerCase() === login.toLowerCase());
}

function replace(attribute: string, values: readonly string[]): Change {
  return new Change({ operation: 'replace', modification: new Attribute({ type: attribute, values: [...values] }) });
}
function add(attribute: string, values: readonly string[]): Change {
  return new Change({ operation: 'add', modification: new Attribute({ type: attribute, values: [...values] }) });
}
function remove(attribute: string, values: readonly string[]): Change {
  return new Change({ operation: 'delete', modification: new Attribute({ type: attribute, values: [...values] }) });
}

export class LdapConnector implements Connector {
  readonly kind = 'ldap';
  readonly name: string;
  readonly #settings: LdapSettings;
  readonly #pool: LdapPool;

  constructor(name: string, settings: LdapSettings, password: string) {
    this.name = name;
    this.#settings = settings;
    this.#pool = new LdapPool(settings, password);
  }

  async apply(request: ProvisioningRequest): Promise<ProvisioningResult> {
    const { operation, signal } = request;
    return this.#pool.run(signal, (client) => this.#apply(client, operation));
  }

  async #apply(c: Client, op: ProvisioningOperation): Promise<ProvisioningResult> {
    switch (op.kind) {
      case 'create':
        return this.#create(c, op.attributes);
      case 'update':
        return this.#update(c, op.key, op.attributes);
      case 'rename':
        return this.#rename(c, op.key, op.newLogin, op.attributes ?? {});
      case 'disable':
        return this.#setDisabled(c, op.key, true);
      case 'enable':
        return this.#setDisabled(c, op.key, false);
      case 'delete':
        return this.#delete(c, op.key);
      case 'addMember':
        return this.#addMember(c, op.key, groupDn(this.#settings, op.group));
      case 'removeMember':
        return this.#removeMember(c, op.key, groupDn(this.#settings, op.group));
    }
  }

  // ---- the operations ----

  async #create(c: Client, attributes: AccountAttributes): Promise<ProvisioningResult> {
    checkAttributeNames(attributes);
    const login = loginOf(attributes, 'create');
    if (this.#settings.lookup === 'search') {
      const found = await this.#findByLogin(c, login);
      if (found) return this.#adopt(c, found, attributes);
    }
    const dn = accountDn(this.#settings, login);
    try {
      await c.add(dn, entryFor(this.#settings, attributes));
      return { key: dn, outcome: 'created' };
    } catch (e) {
      const code = resultCodeOf(e);
      if (code === ALREADY_EXISTS) {
        // Another worker created it between our search and our add (or an entry holds the DN without the login).
        const now = this.#settings.lookup === 'search' ? await this.#findByLogin(c, login) : await this.#read(c, dn);
        if (now && hasLogin(now, login)) return this.#adopt(c, now, attributes);
        throw new ConnectorError('CONNECTOR_REJECTED', `LDAP add of '${dn}': an entry of that name exists but its uid is not '${login}'`, {
          transient: false,
          details: { operation: 'add', dn },
        });
      }
      if (code === NO_SUCH_OBJECT) {
        throw new ConnectorError('CONNECTOR_REJECTED', `LDAP add of '${dn}': the people base '${this.#settings.peopleBase}' does not exist`, {
          transient: false,
          details: { operation: 'add', dn, ldapResultCode: code },
          cause: e,
        });
      }
      throw classifyLdapError(e, { operation: 'add', dn });
    }
  }

  /** An adopted entry gets the attributes the order carries, so the result is the same as a fresh create's. */
  async #adopt(c: Client, entry: Entry, attributes: AccountAttributes): Promise<ProvisioningResult> {
    const { login: _login, ...rest } = attributes;
    await this.#modify(c, entry, rest);
    return { key: entry.dn, outcome: 'adopted' };
  }

  async #update(c: Client, key: string, attributes: AccountAttributes): Promise<ProvisioningResult> {
    checkAttributeNames(attributes);
    const entry = await this.#readOrThrow(c, key, 'update');
    const login = attributes['login'];
    if (login !== undefined && login !== null && !hasLogin(entry, String(login))) {
      throw new ConnectorError('CONNECTOR_REJECTED', `LDAP update of '${key}': the login changes through a rename, not an update`, {
        transient: false,
        details: { operation: 'update', dn: key },
      });
    }
    const changed = await this.#modify(c, entry, attributes);
    return { key: entry.dn, outcome: changed ? 'changed' : 'unchanged' };
  }

  async #rename(c: Client, key: string, newLogin: string, attributes: AccountAttributes): Promise<ProvisioningResult> {
    checkAttributeNames(attributes);
    if (typeof newLogin !== 'string' || newLogin.trim() === '') {
      throw new ConnectorError('CONNECTOR_REJECTED', 'rename needs newLogin: one non-empty string', { transient: false });
    }
    const entry = await this.#read(c, key);
    let renamed: Entry;
    let outcome: ProvisioningResult['outcome'];
    if (!entry) {
      // A replay: the entry may already carry its new name.
      const moved = await this.#findByLogin(c, newLogin);
      if (!moved) throw this.#notFound('rename', key);
      renamed = moved;
      outcome = 'unchanged';
    } else if (hasLogin(entry, newLogin) && sameDn(entry.dn, `${accountRdn(this.#settings, newLogin)},${parentOf(entry.dn)}`)) {
      renamed = entry;
      outcome = 'unchanged';
    } else {
      const holder = await this.#findByLogin(c, newLogin);
      if (holder && !sameDn(holder.dn, entry.dn)) {
        throw new ConnectorError('CONNECTOR_REJECTED', `LDAP rename of '${key}': the login '${newLogin}' is already taken by '${holder.dn}'`, {
          transient: false,
          details: { operation: 'modify DN', dn: key, holder: holder.dn },
        });
      }
      const rdn = accountRdn(this.#settings, newLogin);
      const newDn = `${rdn},${parentOf(entry.dn)}`;
      try {
        // The new RDN alone: the entry stays where it is; the old RDN value is removed.
        await c.modifyDN(entry.dn, rdn);
      } catch (e) {
        throw classifyLdapError(e, { operation: 'modify DN', dn: entry.dn });
      }
      if (this.#settings.rdnAttribute !== 'uid') {
        await this.#call('modify', newDn, () => c.modify(newDn, [replace('uid', [newLogin])]));
      }
      renamed = (await this.#read(c, newDn)) ?? { dn: newDn };
      outcome = 'changed';
    }
    // Groups still naming the old DN (no referential-integrity overlay, or a crash before this ran last time).
    if (!sameDn(key, renamed.dn)) await this.#repointMemberships(c, key, renamed.dn);
    if (Object.keys(attributes).length) {
      const { login: _login, ...rest } = attributes;
      if (await this.#modify(c, renamed, rest)) outcome = 'changed';
    }
    return { key: renamed.dn, outcome };
  }

  async #setDisabled(c: Client, key: string, disabled: boolean): Promise<ProvisioningResult> {
    const method = this.#settings.disable;
    const attribute = method.method === 'ppolicy' ? 'pwdAccountLockedTime' : method.attribute;
    const value = method.method === 'ppolicy' ? PERMANENTLY_LOCKED : method.value;
    const entry = await this.#readOrThrow(c, key, disabled ? 'disable' : 'enable', [attribute]);
    const current = entryValues(entry, attribute);
    if (disabled) {
      if (current.length === 1 && current[0] === value) return { key: entry.dn, outcome: 'unchanged' };
      await this.#call('modify', entry.dn, () => c.modify(entry.dn, [replace(attribute, [value])]));
    } else {
      if (current.length === 0) return { key: entry.dn, outcome: 'unchanged' };
      await this.#call('modify', entry.dn, () => c.modify(entry.dn, [replace(attribute, [])]));
    }
    return { key: entry.dn, outcome: 'changed' };
  }

  async #delete(c: Client, key: string): Promise<ProvisioningResult> {
    // Memberships first, so that a failure leaves the account with its groups rather than groups naming nobody.
    await this.#repointMemberships(c, key, undefined);
    try {
      await c.del(key);
    } catch (e) {
      if (resultCodeOf(e) !== NO_SUCH_OBJECT) throw classifyLdapError(e, { operation: 'delete', dn: key });
    }
    return { key, outcome: 'deleted' };
  }

  async #addMember(c: Client, key: string, group: string): Promise<ProvisioningResult> {
    await this.#readOrThrow(c, key, 'add member', ['1.1']);
    try {
      await c.modify(group, [add('member', [key])]);
    } catch (e) {
      const code = resultCodeOf(e);
      if (code === TYPE_OR_VALUE_EXISTS) return { key, outcome: 'unchanged' };
      if (code === NO_SUCH_OBJECT) throw this.#notFound('add member', group, 'group');
      throw classifyLdapError(e, { operation: 'modify', dn: group });
    }
    // The group no longer needs the stand-in member that kept it valid while empty.
    try {
      await c.modify(group, [remove('member', [this.#settings.emptyGroupMember])]);
    } catch (e) {
      const code = resultCodeOf(e);
      if (code !== NO_SUCH_ATTRIBUTE && code !== OBJECT_CLASS_VIOLATION) throw classifyLdapError(e, { operation: 'modify', dn: group });
    }
    return { key, outcome: 'changed' };
  }

  async #removeMember(c: Client, key: string, group: string): Promise<ProvisioningResult> {
    const outcome = await this.#removeFrom(c, group, key);
    if (outcome === 'no group') throw this.#notFound('remove member', group, 'group');
    return { key, outcome };
  }

  /** Takes `member` out of `group`; the last member leaves the stand-in behind (groupOfNames needs one). */
  async #removeFrom(c: Client, group: string, member: string): Promise<'changed' | 'unchanged' | 'no group'> {
    try {
      await c.modify(group, [remove('member', [member])]);
      return 'changed';
    } catch (e) {
      const code = resultCodeOf(e);
      if (code === NO_SUCH_ATTRIBUTE) return 'unchanged';
      if (code === NO_SUCH_OBJECT) return 'no group';
      if (code !== OBJECT_CLASS_VIOLATION) throw classifyLdapError(e, { operation: 'modify', dn: group });
    }
    try {
      await c.modify(group, [add('member', [this.#settings.emptyGroupMember]), remove('member', [member])]);
      return 'changed';
    } catch (e) {
      const code = resultCodeOf(e);
      if (code === NO_SUCH_ATTRIBUTE || code === TYPE_OR_VALUE_EXISTS) return 'unchanged';
      throw classifyLdapError(e, { operation: 'modify', dn: group });
    }
  }

  /** Every group under `groupBase` naming `from` names `to` instead (or nobody, when `to` is undefined). */
  async #repointMemberships(c: Client, from: string, to: string | undefined): Promise<void> {
    const base = this.#settings.groupBase;
    if (!base) return;
    const groups = await this.#call('search', base, () =>
      c.search(base, { scope: 'sub', filter: new EqualityFilter({ attribute: 'member', value: from }), attributes: ['1.1'] }),
    );
    for (const group of groups.searchEntries) {
      if (to === undefined) {
        await this.#removeFrom(c, group.dn, from);
        continue;
      }
      try {
        await c.modify(group.dn, [add('member', [to]), remove('member', [from])]);
      } catch (e) {
        const code = resultCodeOf(e);
        if (code === TYPE_OR_VALUE_EXISTS) await this.#removeFrom(c, group.dn, from);
        else if (code !== NO_SUCH_ATTRIBUTE && code !== NO_SUCH_OBJECT) throw classifyLdapError(e, { operation: 'modify', dn: group.dn });
      }
    }
  }

  // ---- reads and writes ----

  /** Writes the attributes whose values differ; true when something was written. */
  async #modify(c: Client, entry: Entry, attributes: AccountAttributes): Promise<boolean> {
    const replacements = replacementsFor(this.#settings, entry, attributes);
    if (replacements.size === 0) return false;
    const changes = [...replacements].map(([attribute, values]) => replace(attribute, values));
    await this.#call('modify', entry.dn, () => c.modify(entry.dn, changes));
    return true;
  }

  async #findByLogin(c: Client, login: string): Promise<Entry | undefined> {
    const base = this.#settings.peopleBase;
    const result = await this.#call('search', base, () =>
      c.search(base, { scope: 'sub', filter: new EqualityFilter({ attribute: 'uid', value: login }), attributes: [...MANAGED_LDAP_ATTRIBUTES], sizeLimit: 2 }),
    );
    const entries = result.searchEntries;
    if (entries.length > 1) {
      throw new ConnectorError('CONNECTOR_REJECTED', `more than one entry under '${base}' has uid '${login}': ${entries.map((e) => e.dn).join('; ')}`, {
        transient: false,
        details: { operation: 'search', dn: base, login },
      });
    }
    return entries[0];
  }

  async #read(c: Client, dn: string, attributes: readonly string[] = MANAGED_LDAP_ATTRIBUTES): Promise<Entry | undefined> {
    try {
      const result = await c.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: [...attributes] });
      return result.searchEntries[0];
    } catch (e) {
      if (resultCodeOf(e) === NO_SUCH_OBJECT) return undefined;
      throw classifyLdapError(e, { operation: 'read', dn });
    }
  }

  async #readOrThrow(c: Client, dn: string, operation: string, attributes?: readonly string[]): Promise<Entry> {
    const entry = await this.#read(c, dn, attributes);
    if (!entry) throw this.#notFound(operation, dn);
    return entry;
  }

  #notFound(operation: string, dn: string, what: 'account' | 'group' = 'account'): ConnectorError {
    return new ConnectorError('CONNECTOR_NOT_FOUND', `LDAP ${operation}: the ${what} '${dn}' is not in the directory`, {
      transient: false,
      details: { operation, dn, [what]: dn },
    });
  }

  async #call<T>(operation: string, dn: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      throw classifyLdapError(e, { operation, dn });
    }
  }

  // ---- check and close ----

  async check(signal: AbortSignal): Promise<ConnectorCheck> {
    const seen: string[] = [];
    try {
      return await this.#pool.run(signal, async (c) => {
        seen.push(`bound as ${this.#settings.bindDn}`);
        const problems: string[] = [];
        for (const [what, dn] of [
          ['peopleBase', this.#settings.peopleBase],
          ['groupBase', this.#settings.groupBase],
        ] as const) {
          if (dn === undefined) continue;
          if (await this.#read(c, dn, ['1.1'])) seen.push(`${dn} exists`);
          else problems.push(`${what} ${dn} does not exist`);
        }
        if (this.#settings.disable.method === 'ppolicy') {
          if (await this.#knowsAttribute(c, 'pwdAccountLockedTime')) seen.push('pwdAccountLockedTime is in the schema (ppolicy)');
          else problems.push("the schema has no pwdAccountLockedTime: load the ppolicy overlay or set disable to { method: 'attribute', … }");
        }
        return { ok: problems.length === 0, detail: [...seen, ...problems].join('; ') };
      });
    } catch (e) {
      const error = classifyLdapError(e, { operation: 'check' });
      return { ok: false, detail: [...seen, `${error.code}: ${error.message}`].join('; ') };
    }
  }

  async #knowsAttribute(c: Client, name: string): Promise<boolean> {
    const root = await this.#read(c, '', ['subschemaSubentry']);
    const subschema = root ? entryValues(root, 'subschemaSubentry')[0] : undefined;
    if (!subschema) return false;
    const schema = await this.#call('search', subschema, () =>
      c.search(subschema, { scope: 'base', filter: '(objectClass=subschema)', attributes: ['attributeTypes'] }),
    );
    const types = schema.searchEntries[0] ? entryValues(schema.searchEntries[0], 'attributeTypes') : [];
    const needle = `'${name.toLowerCase()}'`;
    return types.some((t) => t.toLowerCase().includes(needle));
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
