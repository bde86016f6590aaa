/**
 * The SCIM 2.0 client connector (kind `scim`, docs/connectors/scim.md): Users and Groups of a SCIM service provider
 * over HTTP with Node's fetch.
 *
 * - create looks before it creates (`filter=userName eq "…"`): an account already there (a replayed order, one made
 *   by hand) is adopted and brought in line with a PATCH; a POST that loses a race (409) adopts the winner;
 * - update, rename (`userName`), disable (`active=false`) and enable are PATCHes of the user;
 * - delete is a DELETE; a 404 means the account is already gone, which is what was asked;
 * - membership is a PATCH of the group (`add members` / `remove members[value eq "…"]`), which SCIM makes idempotent.
 * Retrying is the provisioning worker's: every failure is a ConnectorError saying whether it is transient.
 */
import type { AccountAttributes, Connector, ConnectorCheck, ConnectorFactory, ProvisioningOperation, ProvisioningRequest, ProvisioningResult } from '../connector.js';
import { ConnectorError } from '../connector.js';
import { ScimHttp } from './scim-http.js';
import { parseScimSettings, type ScimSettings } from './scim-settings.js';
import { checkAttributeNames, eqFilter, SCIM_PATCH_SCHEMA, userPatch, userResource, type PatchOperation } from './scim-user-mapping.js';

interface ListResponse {
  readonly totalResults?: number;
  readonly Resources?: readonly { readonly id?: string; readonly userName?: string; readonly displayName?: string }[];
}

export class ScimConnector implements Connector {
  readonly kind = 'scim';
  readonly name: string;
  readonly #settings: ScimSettings;
  readonly #http: ScimHttp;
  /** Group displayName → SCIM id: groups are looked up once, not once per membership. */
  readonly #groupIds = new Map<string, string>();

  constructor(name: string, settings: ScimSettings, env: Readonly<Record<string, string | undefined>>) {
    this.name = name;
    this.#settings = settings;
    this.#http = new ScimHttp(name, settings, env);
  }

  async apply(request: ProvisioningRequest): Promise<ProvisioningResult> {
    const op = request.operation;
    if ('attributes' in op && op.attributes) checkAttributeNames(this.name, op.attributes, this.#settings.enterpriseExtension);
    switch (op.kind) {
      case 'create':
        return this.#create(op.attributes, request);
      case 'update':
        return this.#patchUser(op.key, await this.#userPatch(op.attributes, request.signal), request);
      case 'rename': {
        // The new login is the userName; a `login` among the attributes would contradict it.
        const rest = Object.fromEntries(Object.entries(op.attributes ?? {}).filter(([k]) => k !== 'login'));
        const ops = [{ op: 'replace', path: 'userName', value: op.newLogin } as const, ...(await this.#userPatch(rest, request.signal))];
        return this.#patchUser(op.key, ops, request);
      }
      case 'disable':
      case 'enable':
        return this.#patchUser(op.key, [{ op: 'replace', path: 'active', value: op.kind === 'enable' }], request);
      case 'delete': {
        // 404: already gone (a replayed order, or deleted by hand), which is what was asked.
        await this.#http.request('DELETE', `/Users/${encodeURIComponent(op.key)}`, { signal: request.signal, allow: [404] });
        return { key: op.key, outcome: 'deleted' };
      }
      case 'addMember':
      case 'removeMember':
        return this.#membership(op, request);
    }
  }

  async #create(attributes: AccountAttributes, request: ProvisioningRequest): Promise<ProvisioningResult> {
    const login = attributes['login'];
    if (typeof login !== 'string' || login === '') {
      throw new ConnectorError('CONNECTOR_REJECTED', `connector ${this.name}: a create needs the account's login (one value)`, {
        transient: false,
        details: { connector: this.name },
      });
    }
    const existing = await this.#findUser(login, request.signal);
    if (existing !== undefined) return this.#adopt(existing, attributes, request);
    const body = await userResource(this.name, attributes, (m) => this.#managerId(m, request.signal));
    const res = await this.#http.request('POST', '/Users', { signal: request.signal, body, idempotencyKey: request.idempotencyKey, allow: [409] });
    if (res.status === 409) {
      // Another writer created it between our look and our POST (or a POST of ours whose answer was lost).
      const winner = await this.#findUser(login, request.signal);
      if (winner === undefined) {
        throw new ConnectorError('CONNECTOR_REJECTED', `connector ${this.name}: POST /Users: 409 for "${login}", yet no user of that userName is found`, {
          transient: false,
          details: { connector: this.name, login },
        });
      }
      return this.#adopt(winner, attributes, request);
    }
    const id = (res.body as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string' || id === '') {
      throw new ConnectorError('CONNECTOR_REJECTED', `connector ${this.name}: POST /Users answered ${res.status} without the new user's id`, {
        transient: false,
        details: { connector: this.name, login },
      });
    }
    return { key: id, outcome: 'created' };
  }

  /** An account found where one was to be created: it gets the order's attributes and is active, as if just created. */
  async #adopt(id: string, attributes: AccountAttributes, request: ProvisioningRequest): Promise<ProvisioningResult> {
    const rest = Object.fromEntries(Object.entries(attributes).filter(([k]) => k !== 'login'));
    const ops: PatchOperation[] = [...(await this.#userPatch(rest, request.signal)), { op: 'replace', path: 'active', value: true }];
    await this.#patch(`/Users/${encodeURIComponent(id)}`, ops, request);
    return { key: id, outcome: 'adopted' };
  }

  async #patchUser(key: string, ops: readonly PatchOperation[], request: ProvisioningRequest): Promise<ProvisioningResult> {
    if (ops.length === 0) return { key, outcome: 'unchanged' };
    await this.#patch(`/Users/${encodeURIComponent(key)}`, ops, request);
    return { key, outcome: 'changed' };
  }

  #userPatch(attributes: AccountAttributes, signal: AbortSignal): Promise<PatchOperation[]> {
    return userPatch(this.name, attributes, (m) => this.#managerId(m, signal));
  }

  async #patch(path: string, ops: readonly PatchOperation[], request: ProvisioningRequest): Promise<void> {
    await this.#http.request('PATCH', path, {
      signal: request.signal,
      idempotencyKey: request.idempotencyKey,
      body: { schemas: [SCIM_PATCH_SCHEMA], Operations: ops },
    });
  }

  async #membership(op: Extract<ProvisioningOperation, { kind: 'addMember' | 'removeMember' }>, request: ProvisioningRequest): Promise<ProvisioningResult> {
    const change: PatchOperation =
      op.kind === 'addMember'
        ? { op: 'add', path: 'members', value: [{ value: op.key }] }
        : { op: 'remove', path: `members[${eqFilter('value', op.key)}]` };
    const groupId = await this.#groupId(op.group, request.signal);
    try {
      await this.#patch(`/Groups/${encodeURIComponent(groupId)}`, [change], request);
    } catch (e) {
      // A group looked up earlier may have been deleted and made again under a new id: look once more.
      if (!(e instanceof ConnectorError && e.code === 'CONNECTOR_NOT_FOUND') || this.#settings.groupKey === 'id' || !this.#groupIds.has(op.group)) throw e;
      this.#groupIds.delete(op.group);
      await this.#patch(`/Groups/${encodeURIComponent(await this.#groupId(op.group, request.signal))}`, [change], request);
    }
    return { key: op.key, outcome: 'changed' };
  }

  async #groupId(group: string, signal: AbortSignal): Promise<string> {
    if (this.#settings.groupKey === 'id') return group;
    const cached = this.#groupIds.get(group);
    if (cached !== undefined) return cached;
    const found = await this.#search('/Groups', eqFilter('displayName', group), signal);
    if (found === undefined) {
      throw new ConnectorError('CONNECTOR_NOT_FOUND', `connector ${this.name}: no group "${group}" (by displayName) on the target`, {
        transient: false,
        details: { connector: this.name, group },
      });
    }
    this.#groupIds.set(group, found);
    return found;
  }

  #findUser(login: string, signal: AbortSignal): Promise<string | undefined> {
    return this.#search('/Users', eqFilter('userName', login), signal);
  }

  async #managerId(login: string, signal: AbortSignal): Promise<string> {
    const id = await this.#findUser(login, signal);
    if (id === undefined) {
      throw new ConnectorError('CONNECTOR_NOT_FOUND', `connector ${this.name}: the manager "${login}" has no account on the target`, {
        transient: false,
        details: { connector: this.name, manager: login },
      });
    }
    return id;
  }

  /** The id of the one resource the filter matches, or undefined. */
  async #search(collection: '/Users' | '/Groups', filter: string, signal: AbortSignal): Promise<string | undefined> {
    const res = await this.#http.request('GET', `${collection}?filter=${encodeURIComponent(filter)}&attributes=id`, { signal });
    const list = (res.body ?? {}) as ListResponse;
    const ids = (list.Resources ?? []).map((r) => r.id).filter((id): id is string => typeof id === 'string');
    if (ids.length > 1) {
      throw new ConnectorError('CONNECTOR_REJECTED', `connector ${this.name}: ${filter} matches ${ids.length} resources in ${collection}; expected one`, {
        transient: false,
        details: { connector: this.name, filter },
      });
    }
    return ids[0];
  }

  async check(signal: AbortSignal): Promise<ConnectorCheck> {
    const auth = this.#settings.tokenEnv !== undefined ? `with the bearer token from ${this.#settings.tokenEnv}` : 'without a token';
    try {
      const users = (await this.#http.request('GET', '/Users?startIndex=1&count=1&attributes=id', { signal })).body as ListResponse | undefined;
      let detail = `GET ${this.#settings.baseUrl}/Users answered ${auth}${typeof users?.totalResults === 'number' ? ` (${users.totalResults} users)` : ''}`;
      const groups = (await this.#http.request('GET', '/Groups?startIndex=1&count=1&attributes=id', { signal })).body as ListResponse | undefined;
      detail += `; /Groups answered${typeof groups?.totalResults === 'number' ? ` (${groups.totalResults} groups)` : ''}`;
      return { ok: true, detail };
    } catch (e) {
      if (e instanceof ConnectorError) return { ok: false, detail: `${e.code}: ${e.message}` };
      throw e;
    }
  }

  async close(): Promise<void> {
    // fetch's connection pool is the process's; nothing of ours to close.
    this.#groupIds.clear();
  }
}

export const scimConnectorFactory: ConnectorFactory<ScimSettings> = {
  kind: 'scim',
  parseSettings: parseScimSettings,
  create: (name, settings, env) => new ScimConnector(name, settings, env),
};
