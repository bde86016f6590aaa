/**
 * The HTTP API (issue 12; docs/api.md): Fastify, REST under `/api/v1`, the OpenAPI document at `/api/docs/json` and a
 * browsable reference at `/api/docs`. Every route declares what it needs (`config.access`, route-access.ts); one
 * hook authenticates the caller (session cookie + CSRF token, or a bearer API token) and checks the token's scope;
 * the engine and the authorisation module answer the rest.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { AccessService, type SignInLimit } from '../access/access-service.js';
import { AccessPolicy } from '../access/authorize.js';
import { hasScope, scopeOf } from '../access/caller.js';
import type { PasswordHashing } from '../access/passwords.js';
import { sameSecret } from '../access/secrets.js';
import { UnauthenticatedError } from '../access/access-errors.js';
import { createAclPermissionResolver } from '../engine/acl-permission-resolver.js';
import type { PermissionResolver } from '../engine/engine-api.js';
import type { RuntimeEngine } from '../engine/engine.js';
import { InvalidInputError, NotAuthorizedError } from '../errors.js';
import type { Repository } from '../repository/repository.js';
import { CSRF_HEADER, readCookie, SESSION_COOKIE } from './cookies.js';
import { errorBody } from './http-errors.js';
import type { RouteAccess } from './route-access.js';
import { registerRoutes } from './routes/index.js';
import { SHARED_SCHEMAS } from './schemas.js';
import { securityHeaders } from './security-headers.js';

export interface HttpServerOptions {
  readonly engine: RuntimeEngine;
  readonly repository: Repository;
  /** The engine's permission resolver, when it was given one. @default createAclPermissionResolver(repository) */
  readonly permissions?: PermissionResolver;
  /** @default argon2id, default cost */
  readonly hashing?: PasswordHashing;
  /** Epoch-ms clock for sessions, tokens and the sign-in limit. @default Date.now */
  readonly clock?: () => number;
  readonly signInLimit?: Partial<SignInLimit>;
  /** @default 8 hours */
  readonly sessionTtlMs?: number;
  /** Largest request body in bytes. @default 262144 (256 KiB) */
  readonly bodyLimit?: number;
  /** Mark cookies Secure and send HSTS: set when clients reach idflow over HTTPS. @default false */
  readonly secure?: boolean;
  /** Trust X-Forwarded-For from a reverse proxy (the client address counts toward the sign-in limit). @default false */
  readonly trustProxy?: boolean;
  /** Log requests (pino, secrets redacted). @default false */
  readonly logger?: boolean;
}

/** What the routes share. */
export interface RouteDeps {
  readonly engine: RuntimeEngine;
  readonly repository: Repository;
  readonly accounts: AccessService;
  readonly policy: AccessPolicy;
  readonly secure: boolean;
  readonly clock: () => number;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? 256 * 1024;
  if (!Number.isInteger(bodyLimit) || bodyLimit < 1024) {
    throw new InvalidInputError('HTTP_OPTION_INVALID', `bodyLimit must be an integer of at least 1024 bytes, not ${String(bodyLimit)}`, { bodyLimit });
  }
  const secure = options.secure ?? false;
  const clock = options.clock ?? Date.now;
  const accounts = new AccessService({
    repository: options.repository,
    clock,
    ...(options.hashing && { hashing: options.hashing }),
    ...(options.signInLimit && { signInLimit: options.signInLimit }),
    ...(options.sessionTtlMs !== undefined && { sessionTtlMs: options.sessionTtlMs }),
  });
  const policy = new AccessPolicy(options.repository, options.permissions ?? createAclPermissionResolver(options.repository));
  const app = Fastify({
    bodyLimit,
    routerOptions: { maxParamLength: 200 },
    exposeHeadRoutes: false,
    trustProxy: options.trustProxy ?? false,
    logger: options.logger ? { redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'] } : false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  });
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'idflow API', version: 'v1', description: 'The identity-lifecycle workflow engine over HTTP. Sign in with POST /api/v1/session, or send `Authorization: Bearer <token>`.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: false, uiConfig: { docExpansion: 'list', deepLinking: false } });

  app.addHook('onRequest', async (request) => {
    const access = accessOf(request);
    if (access === undefined || access.kind === 'public') return;
    await authenticate(request, accounts, access);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    securityHeaders(request, reply, secure);
    return payload;
  });
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = errorBody(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    if (status === 429 && typeof body.error.details.retryAfterSeconds === 'number') reply.header('Retry-After', String(body.error.details.retryAfterSeconds));
    void reply.status(status).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: 'HTTP_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}`, details: {} } });
  });

  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, ...(route.config?.access && { access: route.config.access }) });
  });
  app.decorate(ROUTES, routes);
  const deps: RouteDeps = { engine: options.engine, repository: options.repository, accounts, policy, secure, clock };
  await app.register(async (api) => registerRoutes(api, deps), { prefix: '/api/v1' });
  // The web console (src/web/, docs/console.md): its own scope, so its HTML error pages and form parsing stay its own.
  // Loaded here so that API-only users of this module do not pay for elkjs.
  const { registerConsole } = await import('../web/console.js');
  await app.register(async (web) => registerConsole(web, deps));
  return app;
}

/** One registered route and what it declared (the route tests enumerate these). */
export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
  readonly access?: RouteAccess;
}

const ROUTES = 'idflowRoutes';

/** Every route the server registered under /api/v1 (the reference pages are the swagger plugin's). */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return (app as unknown as Record<typeof ROUTES, RegisteredRoute[]>)[ROUTES];
}

/**
 * The route's declared access. The reference pages the swagger plugin adds are public; any other route that
 * declares nothing is refused (fail closed), and the route tests fail on it.
 */
function accessOf(request: FastifyRequest): RouteAccess | undefined {
  const declared = request.routeOptions.config.access;
  if (declared) return declared;
  if (request.routeOptions.url === undefined) return undefined; // no route: the 404 handler answers
  if (request.routeOptions.url.startsWith('/api/docs')) return { kind: 'public' };
  throw new NotAuthorizedError('HTTP_ROUTE_UNDECLARED', `${request.routeOptions.url} declares no access rule, so it is refused`, {});
}

async function authenticate(request: FastifyRequest, accounts: AccessService, access: Extract<RouteAccess, { kind: 'caller' }>): Promise<void> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const caller = m ? await accounts.token(m[1]!) : undefined;
    if (!caller) throw new UnauthenticatedError('HTTP_UNAUTHENTICATED', 'the API token is unknown, revoked or expired', {});
    if (access.sessionOnly) throw new NotAuthorizedError('HTTP_SESSION_REQUIRED', 'this needs a signed-in browser session, not an API token', {});
    if (!hasScope(caller, access.action)) {
      throw new NotAuthorizedError('TOKEN_SCOPE_MISSING', `this API token lacks the scope "${scopeOf(access.action)}"`, { scope: scopeOf(access.action) });
    }
    request.caller = caller;
    return;
  }
  const sessionId = readCookie(request.headers.cookie, SESSION_COOKIE);
  const found = sessionId ? await accounts.session(sessionId) : undefined;
  if (!found || sessionId === undefined) throw new UnauthenticatedError('HTTP_UNAUTHENTICATED', 'sign in first (POST /api/v1/session) or send an API token', {});
  if (UNSAFE_METHODS.has(request.method)) {
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !sameSecret(sent, found.session.csrfToken)) {
      throw new NotAuthorizedError('HTTP_CSRF', `a request that changes something needs the session's CSRF token in the ${CSRF_HEADER} header`, {});
    }
  }
  request.caller = found.caller;
  request.session = found.session;
  request.sessionId = sessionId;
}
