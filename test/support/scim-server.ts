/**
 * A SCIM 2.0 service provider for tests: `scimmy` (which parses, validates and patches SCIM resources but serves
 * nothing) wired to node:http on a loopback port, over an in-memory store the test can read and change directly.
 *
 * It behaves like the services idflow meets in the field, where scimmy leaves the choice to its user:
 * - `userName` and a group's `displayName` are unique (409 `uniqueness`);
 * - adding a member a group already has changes nothing (RFC 7644 §3.5.2.1), and deleting a user takes it out of
 *   every group; a member must be a user of the store (400 `invalidValue`);
 * - a bearer token is required when one is configured (401);
 * - it can fail on purpose: {@link ScimTestServer.failNext} answers the next N requests with 429 + `Retry-After` or
 *   503; {@link ScimTestServer.holdNext} keeps the next N requests unanswered until released or closed (a hung
 *   service), so a test meets the client's timeout without the test measuring time; {@link ScimTestServer.delayNext}
 *   answers the next N late (a slow one).
 *
 * scimmy's resource types are process-wide singletons: they are declared once, and each request hands its server's
 * store to the handlers as scimmy's `ctx`, so several servers can run in one test process.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import SCIMMY from 'scimmy';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export interface ScimUser {
  id: string;
  userName: string;
  active?: boolean;
  [attribute: string]: unknown;
}

export interface ScimGroup {
  id: string;
  displayName: string;
  members?: { value: string; display?: string; type?: string }[];
  [attribute: string]: unknown;
}

/** What the server holds: tests read it to check what a connector did, and may seed it. */
export class ScimStore {
  readonly users = new Map<string, ScimUser>();
  readonly groups = new Map<string, ScimGroup>();

  userByName(userName: string): ScimUser | undefined {
    return [...this.users.values()].find((u) => u.userName === userName);
  }

  groupByName(displayName: string): ScimGroup | undefined {
    return [...this.groups.values()].find((g) => g.displayName === displayName);
  }

  /** Adds a user directly (an account made by hand on the target). */
  addUser(user: Omit<ScimUser, 'id'> & { id?: string }): ScimUser {
    const stored = { active: true, ...user, id: user.id ?? randomUUID() } as ScimUser;
    this.users.set(stored.id, stored);
    return stored;
  }

  addGroup(displayName: string, memberIds: readonly string[] = []): ScimGroup {
    const group: ScimGroup = { id: randomUUID(), displayName, members: memberIds.map((value) => ({ value })) };
    this.groups.set(group.id, group);
    return group;
  }

  /** The userNames of a group's members, sorted. */
  memberNames(displayName: string): string[] {
    const group = this.groupByName(displayName);
    return (group?.members ?? []).map((m) => this.users.get(m.value)?.userName ?? `?${m.value}`).sort();
  }
}

/** One request as the server saw it (before any failure it was told to give). */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
  /** The status the server answered (undefined while held, or when the client gave up). */
  status?: number;
}

export interface ScimServerOptions {
  /** When set, every request must carry `Authorization: Bearer <token>`; otherwise 401. */
  readonly token?: string;
}

type Failure = { readonly status: 429 | 503 | 500; readonly retryAfter?: string };

let declared = false;

/** Declares scimmy's User (with the enterprise extension) and Group resource types once per process. */
function declareResources(): void {
  if (declared) return;
  declared = true;
  SCIMMY.Config.set({ patch: true, filter: true, sort: false, bulk: false, changePassword: false, etag: false });
  SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false))
    .ingress((resource, data, ctx: ScimStore) => {
      const user = data as unknown as ScimUser;
      const other = ctx.userByName(user.userName);
      if (other && other.id !== resource.id) throw new SCIMMY.Types.Error(409, 'uniqueness', `userName "${user.userName}" is taken`);
      if (resource.id !== undefined && !ctx.users.has(resource.id)) throw new SCIMMY.Types.Error(404, null!, `Resource ${resource.id} not found`);
      const id = resource.id ?? randomUUID();
      const stored = { ...plain(data), id, active: user.active ?? true } as ScimUser;
      delete stored['meta'];
      ctx.users.set(id, stored);
      return stored as never;
    })
    .egress((resource, ctx: ScimStore) => {
      if (resource.id !== undefined) {
        const user = ctx.users.get(resource.id);
        if (!user) throw new SCIMMY.Types.Error(404, null!, `Resource ${resource.id} not found`);
        return user as never;
      }
      const all = [...ctx.users.values()];
      return (resource.filter ? resource.filter.match(all) : all) as never;
    })
    .degress((resource, ctx: ScimStore) => {
      if (!ctx.users.delete(resource.id!)) throw new SCIMMY.Types.Error(404, null!, `Resource ${resource.id} not found`);
      for (const g of ctx.groups.values()) g.members = (g.members ?? []).filter((m) => m.value !== resource.id);
    });
  SCIMMY.Resources.declare(SCIMMY.Resources.Group)
    .ingress((resource, data, ctx: ScimStore) => {
      const group = plain(data) as ScimGroup;
      const other = ctx.groupByName(group.displayName);
      if (other && other.id !== resource.id) throw new SCIMMY.Types.Error(409, 'uniqueness', `displayName "${group.displayName}" is taken`);
      if (resource.id !== undefined && !ctx.groups.has(resource.id)) throw new SCIMMY.Types.Error(404, null!, `Resource ${resource.id} not found`);
      const members: NonNullable<ScimGroup['members']> = [];
      for (const m of group.members ?? []) {
        if (!ctx.users.has(m.value)) throw new SCIMMY.Types.Error(400, 'invalidValue', `member "${m.value}" is no user`);
        // An add of a member already there changes nothing (scimmy itself would append it again).
        if (!members.some((x) => x.value === m.value)) members.push({ value: m.value });
      }
      const id = resource.id ?? randomUUID();
      const stored: ScimGroup = { ...group, id, members };
      delete stored['meta'];
      ctx.groups.set(id, stored);
      return stored as never;
    })
    .egress((resource, ctx: ScimStore) => {
      if (resource.id !== undefined) {
        const group = ctx.groups.get(resource.id);
        if (!group) throw new SCIMMY.Types.Error(404, null!, `Resource ${resource.id} not found`);
        return group as never;
      }
      const all = [...ctx.groups.values()];
      return (resource.filter ? resource.filter.match(all) : all) as never;
    })
    .degress((resource, ctx: ScimStore) => {
      if (!ctx.groups.delete(resource.id!)) throw new SCIMMY.Types.Error(404, null!, `Resource ${resource.id} not found`);
    });
}

/** A deep copy as plain JSON (scimmy's schema instances carry getters and hidden state). */
function plain(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

export class ScimTestServer {
  readonly store = new ScimStore();
  /** Every request received, in order. */
  readonly requests: SeenRequest[] = [];
  readonly #server: Server;
  readonly #token: string | undefined;
  #failures: Failure[] = [];
  #holds = 0;
  readonly #delays: number[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #held = new Set<() => void>();

  private constructor(server: Server, token: string | undefined) {
    this.#server = server;
    this.#token = token;
  }

  /** Starts a server on a free loopback port. */
  static async start(options: ScimServerOptions = {}): Promise<ScimTestServer> {
    declareResources();
    const server = createServer();
    const scim = new ScimTestServer(server, options.token);
    server.on('request', (req, res) => {
      scim.#handle(req, res).catch((e: unknown) => {
        // A bug of this test server must show as a 500, not as a hung request that looks like a timeout.
        if (!res.headersSent && !res.destroyed) res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return scim;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** The base URL a connector's `baseUrl` setting names: `http://127.0.0.1:PORT/scim/v2`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/scim/v2`;
  }

  /**
   * The next `count` requests fail: 429 (with `Retry-After: retryAfter` when given: seconds or an HTTP date), 503 or
   * 500. They change nothing in the store.
   */
  failNext(count: number, failure: Failure): void {
    for (let i = 0; i < count; i++) this.#failures.push(failure);
  }

  /** The next `count` requests get no answer until {@link releaseHeld} or {@link close}: a hung service. */
  holdNext(count: number): void {
    this.#holds += count;
  }

  /** The next `count` requests are answered `ms` milliseconds late (a slow service that does answer). */
  delayNext(count: number, ms: number): void {
    for (let i = 0; i < count; i++) this.#delays.push(ms);
  }

  /** Lets every held request go on (they are then served normally). */
  releaseHeld(): void {
    for (const release of this.#held) release();
    this.#held.clear();
  }

  /** Requests that changed something (POST, PUT, PATCH, DELETE), as `METHOD /path`. */
  writes(): string[] {
    return this.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
  }

  async close(): Promise<void> {
    this.releaseHeld();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = await readBody(req);
    const seen: SeenRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.search, headers: req.headers, body };
    this.requests.push(seen);
    if (this.#holds > 0) {
      this.#holds--;
      await new Promise<void>((resolve) => this.#held.add(resolve));
      if (res.destroyed || !res.socket || res.socket.destroyed) return;
    }
    const delay = this.#delays.shift();
    if (delay !== undefined) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.#timers.delete(t);
          resolve();
        }, delay);
        this.#timers.add(t);
      });
      if (res.destroyed || !res.socket || res.socket.destroyed) return;
    }
    const failure = this.#failures.shift();
    if (failure) {
      const headers: Record<string, string> = failure.retryAfter !== undefined ? { 'retry-after': failure.retryAfter } : {};
      // Written by hand: scimmy's ErrorResponse knows only the statuses RFC 7644 §3.12 lists, not 429 or 503.
      const error = { schemas: [SCIM_ERROR_SCHEMA], status: String(failure.status), detail: failure.status === 429 ? 'Too many requests' : 'Service unavailable' };
      return this.#send(res, seen, failure.status, error, headers);
    }
    if (this.#token !== undefined && req.headers.authorization !== `Bearer ${this.#token}`) {
      return this.#send(res, seen, 401, new SCIMMY.Messages.ErrorResponse(new SCIMMY.Types.Error(401, null!, 'Bearer token missing or wrong')));
    }
    try {
      const [status, answer] = await this.#route(seen.method, url, body);
      this.#send(res, seen, status, answer, status === 201 && answer ? { location: `${this.baseUrl}${url.pathname.replace(/^\/scim\/v2/, '')}/${(answer as { id: string }).id}` } : {});
    } catch (e) {
      const error = e instanceof SCIMMY.Types.Error ? e : new SCIMMY.Types.Error(500, null!, String(e instanceof Error ? e.message : e));
      this.#send(res, seen, Number(error.status), new SCIMMY.Messages.ErrorResponse(error));
    }
  }

  async #route(method: string, url: URL, body: unknown): Promise<[number, unknown]> {
    const parts = url.pathname.replace(/^\/scim\/v2/, '').split('/').filter((p) => p !== '').map(decodeURIComponent);
    const [collection, id, ...rest] = parts;
    if (rest.length > 0) throw new SCIMMY.Types.Error(404, null!, `no endpoint ${url.pathname}`);
    if (collection === 'ServiceProviderConfig' && method === 'GET') return [200, await new SCIMMY.Resources.ServiceProviderConfig().read()];
    const Type = collection === 'Users' ? SCIMMY.Resources.User : collection === 'Groups' ? SCIMMY.Resources.Group : undefined;
    if (!Type) throw new SCIMMY.Types.Error(404, null!, `no endpoint ${url.pathname}`);
    const q = url.searchParams;
    const config = {
      ...(q.get('filter') && { filter: q.get('filter')! }),
      ...(q.get('attributes') && { attributes: q.get('attributes')! }),
      ...(q.get('excludedAttributes') && { excludedAttributes: q.get('excludedAttributes')! }),
      ...(q.get('startIndex') && { startIndex: Number(q.get('startIndex')) }),
      ...(q.get('count') && { count: Number(q.get('count')) }),
    };
    const resource = id !== undefined ? new Type(id, config) : new Type(config as never);
    switch (method) {
      case 'GET':
        return [200, await resource.read(this.store)];
      case 'POST':
        if (id !== undefined) break;
        return [201, await resource.write(body, this.store)];
      case 'PUT':
        if (id === undefined) break;
        return [200, await resource.write(body, this.store)];
      case 'PATCH': {
        if (id === undefined) break;
        const patched = await resource.patch(body as never, this.store);
        return patched === undefined ? [204, undefined] : [200, patched];
      }
      case 'DELETE':
        if (id === undefined) break;
        await resource.dispose(this.store);
        return [204, undefined];
    }
    throw new SCIMMY.Types.Error(405, null!, `${method} is not allowed on ${url.pathname}`);
  }

  #send(res: ServerResponse, seen: SeenRequest, status: number, body: unknown, headers: Record<string, string> = {}): void {
    seen.status = status;
    if (res.destroyed) return;
    if (body === undefined) {
      res.writeHead(status, headers).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/scim+json', ...headers }).end(JSON.stringify(body));
  }
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export { ENTERPRISE as SCIM_ENTERPRISE_SCHEMA };
