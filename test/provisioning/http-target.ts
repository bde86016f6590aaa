/**
 * A real target for the provisioning tests: an HTTP account service on a loopback port, and a connector that
 * speaks to it over HTTP (fetch, with the order's abort signal). No object stands in for a connector: the worker
 * makes real calls that can be refused, time out or be cut short, as it would against SCIM or LDAP.
 *
 * The service looks before it creates: a second create of a login adopts the account (200) instead of making a
 * second one, which is what lets a replayed order stay exactly-once. `creations` counts real creations per login.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectorError, type Connector, type ProvisioningRequest, type ProvisioningResult } from '../../src/connectors/connector.js';

export interface TargetAccount {
  login: string;
  attributes: Record<string, unknown>;
  active: boolean;
  groups: Set<string>;
}

/** How the next requests fail: `status` (with `retryAfter` seconds) `times` times, or hang until the client gives up. */
export interface Fault {
  readonly status?: number;
  readonly retryAfter?: number;
  readonly hang?: boolean;
  times: number;
}

export class HttpTarget {
  readonly accounts = new Map<string, TargetAccount>();
  readonly creations = new Map<string, number>();
  readonly requests: { method: string; path: string; idempotencyKey: string | undefined }[] = [];
  fault: Fault | undefined;
  #server: Server | undefined;
  #hanging = new Set<ServerResponse>();
  url = '';

  async start(): Promise<this> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const r of this.#hanging) r.destroy();
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const path = req.url ?? '/';
    this.requests.push({ method: req.method ?? '', path, idempotencyKey: req.headers['idempotency-key'] as string | undefined });
    const fault = this.fault;
    if (fault && fault.times > 0) {
      fault.times--;
      if (fault.hang) {
        this.#hanging.add(res);
        res.on('close', () => this.#hanging.delete(res));
        return;
      }
      res.writeHead(fault.status ?? 503, fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {});
      res.end(JSON.stringify({ error: 'fault injected' }));
      return;
    }
    const data = (body ? JSON.parse(body) : {}) as Record<string, unknown>;
    const send = (status: number, payload?: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };
    const m = /^\/accounts(?:\/([^/]+))?(?:\/(rename|disable|enable|groups)(?:\/([^/]+))?)?$/.exec(path);
    if (!m) return send(404, { error: 'no such path' });
    const [, key, verb, group] = m;
    if (req.method === 'POST' && key === undefined) {
      const login = String(data['login'] ?? '');
      if (login === '') return send(400, { error: 'login is required' });
      if (this.accounts.has(login)) return send(200, { key: login, outcome: 'adopted' });
      this.accounts.set(login, { login, attributes: (data['attributes'] ?? {}) as Record<string, unknown>, active: true, groups: new Set() });
      this.creations.set(login, (this.creations.get(login) ?? 0) + 1);
      return send(201, { key: login, outcome: 'created' });
    }
    const account = key === undefined ? undefined : this.accounts.get(decodeURIComponent(key));
    if (req.method === 'DELETE' && verb === undefined) {
      if (account) this.accounts.delete(account.login);
      return send(200, { key, outcome: 'deleted' });
    }
    if (!account) return send(404, { error: `no account ${key}` });
    if (req.method === 'PATCH' && verb === undefined) {
      Object.assign(account.attributes, data['attributes']);
      return send(200, { key: account.login, outcome: 'changed' });
    }
    if (verb === 'rename') {
      const newLogin = String(data['newLogin']);
      this.accounts.delete(account.login);
      account.login = newLogin;
      this.accounts.set(newLogin, account);
      return send(200, { key: newLogin, outcome: 'changed' });
    }
    if (verb === 'disable' || verb === 'enable') {
      account.active = verb === 'enable';
      return send(200, { key: account.login, outcome: 'changed' });
    }
    if (verb === 'groups' && group !== undefined) {
      if (req.method === 'DELETE') account.groups.delete(decodeURIComponent(group));
      else account.groups.add(decodeURIComponent(group));
      return send(200, { key: account.login, outcome: 'changed' });
    }
    return send(404, { error: 'no such operation' });
  }
}

/** The connector for {@link HttpTarget}: each operation one HTTP request, carrying the idempotency key. */
export function httpTargetConnector(name: string, target: HttpTarget): Connector {
  const call = async (method: string, path: string, request: ProvisioningRequest, body?: unknown): Promise<ProvisioningResult> => {
    let res: Response;
    try {
      res = await fetch(`${target.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'idempotency-key': request.idempotencyKey },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: request.signal,
      });
    } catch (e) {
      if (request.signal.aborted) throw new ConnectorError('CONNECTOR_TIMEOUT', 'the call was aborted', { transient: true, cause: e });
      throw new ConnectorError('CONNECTOR_UNAVAILABLE', `cannot reach ${target.url}: ${(e as Error).message}`, { transient: true, cause: e });
    }
    const text = await res.text();
    if (res.status === 429 || res.status >= 500) {
      const after = res.headers.get('retry-after');
      throw new ConnectorError('CONNECTOR_UNAVAILABLE', `the target answered ${res.status}`, {
        transient: true,
        ...(after !== null && { retryAfterMs: Number(after) * 1000 }),
      });
    }
    if (res.status === 404) throw new ConnectorError('CONNECTOR_NOT_FOUND', `the target answered 404: ${text}`, { transient: false });
    if (res.status >= 400) throw new ConnectorError('CONNECTOR_REJECTED', `the target answered ${res.status}: ${text}`, { transient: false });
    return JSON.parse(text) as ProvisioningResult;
  };
  return {
    kind: 'http-test',
    name,
    apply(request) {
      const op = request.operation;
      switch (op.kind) {
        case 'create':
          return call('POST', '/accounts', request, { login: op.attributes['login'], attributes: op.attributes });
        case 'update':
          return call('PATCH', `/accounts/${encodeURIComponent(op.key)}`, request, { attributes: op.attributes });
        case 'rename':
          return call('POST', `/accounts/${encodeURIComponent(op.key)}/rename`, request, { newLogin: op.newLogin });
        case 'disable':
        case 'enable':
          return call('POST', `/accounts/${encodeURIComponent(op.key)}/${op.kind}`, request);
        case 'delete':
          return call('DELETE', `/accounts/${encodeURIComponent(op.key)}`, request);
        case 'addMember':
          return call('POST', `/accounts/${encodeURIComponent(op.key)}/groups/${encodeURIComponent(op.group)}`, request);
        case 'removeMember':
          return call('DELETE', `/accounts/${encodeURIComponent(op.key)}/groups/${encodeURIComponent(op.group)}`, request);
      }
    },
    async check() {
      return { ok: true, detail: target.url };
    },
    async close() {},
  };
}
