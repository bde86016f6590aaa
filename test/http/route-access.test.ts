/**
 * Every route of the API, tried by the anonymous caller and by a signed-in caller without the right. The table
 * below holds one case per route; the first test enumerates the routes the server registered and fails when one
 * has no case, or declares no access rule, so a new route cannot ship untested.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registeredRoutes } from '../../src/http/server.js';
import { openHttpWorld, type As, type HttpWorld, type Signed } from './http-harness.js';

interface Fixture {
  readonly task: string;
  readonly item: string;
  readonly hanaToken: string;
  readonly hanaTokenId: string;
  /** hana's token with the launch scope only. */
  readonly launchOnly: string;
  readonly hana: Signed;
  readonly sam: Signed;
  readonly mona: Signed;
}

interface RouteCase {
  readonly url: (f: Fixture) => string;
  readonly body?: (f: Fixture) => unknown;
  /** A public route: the anonymous caller gets this instead of 401. */
  readonly publicStatus?: number;
  /** The signed-in caller without the right, and what they get. */
  readonly without: {
    readonly as: (f: Fixture) => As;
    readonly status: number;
    readonly code?: string;
    /** For lists, which answer 200: what must not be in the answer. */
    readonly hides?: (f: Fixture) => string;
  };
}

const sam = (f: Fixture) => f.sam;
const hana = (f: Fixture) => f.hana;
const launchOnly = (f: Fixture) => ({ token: f.launchOnly });
const readToken = (f: Fixture) => ({ token: f.hanaToken });

const CASES: Readonly<Record<string, RouteCase>> = {
  'POST /api/v1/session': {
    url: () => '/api/v1/session',
    body: () => ({ name: 'hana', password: 'not her password' }),
    publicStatus: 401,
    without: { as: () => undefined, status: 401, code: 'HTTP_SIGN_IN_FAILED' },
  },
  'GET /api/v1/session': { url: () => '/api/v1/session', without: { as: launchOnly, status: 403, code: 'TOKEN_SCOPE_MISSING' } },
  'DELETE /api/v1/session': { url: () => '/api/v1/session', without: { as: readToken, status: 403, code: 'HTTP_SESSION_REQUIRED' } },
  'GET /api/v1/definitions': { url: () => '/api/v1/definitions', without: { as: launchOnly, status: 403, code: 'TOKEN_SCOPE_MISSING' } },
  'GET /api/v1/definitions/:type/:name': {
    url: () => '/api/v1/definitions/Workflow/User_Onboarding',
    without: { as: launchOnly, status: 403, code: 'TOKEN_SCOPE_MISSING' },
  },
  'GET /api/v1/definitions/:type/:name/versions': {
    url: () => '/api/v1/definitions/Workflow/User_Onboarding/versions',
    without: { as: launchOnly, status: 403, code: 'TOKEN_SCOPE_MISSING' },
  },
  'POST /api/v1/tasks': {
    url: () => '/api/v1/tasks',
    body: () => ({ definition: 'User_Onboarding' }),
    without: { as: sam, status: 403, code: 'LAUNCH_NOT_ALLOWED' },
  },
  'GET /api/v1/tasks': { url: () => '/api/v1/tasks', without: { as: sam, status: 200, hides: (f) => f.task } },
  'GET /api/v1/tasks/:id': { url: (f) => `/api/v1/tasks/${f.task}`, without: { as: sam, status: 403, code: 'TASK_NOT_VISIBLE' } },
  'GET /api/v1/tasks/:id/audit': { url: (f) => `/api/v1/tasks/${f.task}/audit`, without: { as: sam, status: 403, code: 'TASK_NOT_VISIBLE' } },
  'POST /api/v1/tasks/:id/suspend': { url: (f) => `/api/v1/tasks/${f.task}/suspend`, without: { as: hana, status: 403, code: 'TASK_CONTROL_NOT_ALLOWED' } },
  'POST /api/v1/tasks/:id/resume': { url: (f) => `/api/v1/tasks/${f.task}/resume`, without: { as: hana, status: 403, code: 'TASK_CONTROL_NOT_ALLOWED' } },
  'POST /api/v1/tasks/:id/terminate': { url: (f) => `/api/v1/tasks/${f.task}/terminate`, without: { as: hana, status: 403, code: 'TASK_CONTROL_NOT_ALLOWED' } },
  'POST /api/v1/tasks/:id/purge': { url: (f) => `/api/v1/tasks/${f.task}/purge`, without: { as: readToken, status: 403, code: 'TOKEN_SCOPE_MISSING' } },
  'POST /api/v1/tasks/terminate': {
    url: () => '/api/v1/tasks/terminate',
    body: () => ({ definition: 'User_Onboarding', limit: 10, confirm: true }),
    without: { as: hana, status: 403, code: 'TASK_CONTROL_NOT_ALLOWED' },
  },
  'GET /api/v1/workitems': { url: () => '/api/v1/workitems?counts=true', without: { as: sam, status: 200, hides: (f) => f.item } },
  'GET /api/v1/workitems/:id': { url: (f) => `/api/v1/workitems/${f.item}`, without: { as: sam, status: 403, code: 'TASK_NOT_VISIBLE' } },
  'POST /api/v1/workitems/:id/decide': {
    url: (f) => `/api/v1/workitems/${f.item}/decide`,
    body: () => ({ decision: 'Execute' }),
    without: { as: sam, status: 403, code: 'WORKITEM_NOT_OWNER' },
  },
  'POST /api/v1/workitems/:id/delegate': {
    url: (f) => `/api/v1/workitems/${f.item}/delegate`,
    body: () => ({ to: 'sam' }),
    without: { as: sam, status: 403, code: 'WORKITEM_NOT_OWNER' },
  },
  'GET /api/v1/profiles': { url: () => '/api/v1/profiles?person=hana', without: { as: sam, status: 403, code: 'PROFILE_NOT_VISIBLE' } },
  'GET /api/v1/profiles/:person/permissions': {
    url: () => '/api/v1/profiles/hana/permissions',
    without: { as: sam, status: 403, code: 'PROFILE_NOT_VISIBLE' },
  },
  'PUT /api/v1/profiles/:person': {
    url: () => '/api/v1/profiles/sam',
    body: () => ({ profiles: ['Administrator'] }),
    without: { as: hana, status: 403, code: 'ACCESS_NOT_ADMINISTRATOR' },
  },
  'DELETE /api/v1/profiles/:person/:profile': { url: () => '/api/v1/profiles/hana/HR', without: { as: hana, status: 403, code: 'ACCESS_NOT_ADMINISTRATOR' } },
  'GET /api/v1/out-of-office': { url: () => '/api/v1/out-of-office?person=hana', without: { as: sam, status: 403, code: 'OOO_NOT_ALLOWED' } },
  'PUT /api/v1/out-of-office/:person': {
    url: () => '/api/v1/out-of-office/hana',
    body: () => ({ delegate: 'sam' }),
    without: { as: sam, status: 403, code: 'OOO_NOT_ALLOWED' },
  },
  'DELETE /api/v1/out-of-office/:person': { url: () => '/api/v1/out-of-office/hana', without: { as: sam, status: 403, code: 'OOO_NOT_ALLOWED' } },
  'GET /api/v1/audit': { url: () => '/api/v1/audit', without: { as: hana, status: 403, code: 'ACCESS_NOT_ADMINISTRATOR' } },
  'POST /api/v1/tokens': {
    url: () => '/api/v1/tokens',
    body: () => ({ name: 'more', scopes: ['read'] }),
    without: { as: readToken, status: 403, code: 'HTTP_SESSION_REQUIRED' },
  },
  'GET /api/v1/tokens': { url: () => '/api/v1/tokens?account=hana', without: { as: sam, status: 403, code: 'TOKEN_NOT_VISIBLE' } },
  'DELETE /api/v1/tokens/:id': { url: (f) => `/api/v1/tokens/${f.hanaTokenId}`, without: { as: sam, status: 404, code: 'TOKEN_NOT_FOUND' } },
  'GET /api/v1/accounts': { url: () => '/api/v1/accounts', without: { as: hana, status: 403, code: 'ACCESS_NOT_ADMINISTRATOR' } },
  'POST /api/v1/accounts': {
    url: () => '/api/v1/accounts',
    body: () => ({ name: 'eve', password: 'eve-password-1', administrator: true }),
    without: { as: hana, status: 403, code: 'ACCESS_NOT_ADMINISTRATOR' },
  },
  'PATCH /api/v1/accounts/:name': {
    url: () => '/api/v1/accounts/hana',
    body: () => ({ administrator: true }),
    without: { as: hana, status: 403, code: 'ACCESS_NOT_ADMINISTRATOR' },
  },
  'GET /api/v1/identities': { url: () => '/api/v1/identities', without: { as: hana, status: 403, code: 'ACCESS_NOT_ADMINISTRATOR' } },
  'GET /api/v1/identities/:id': { url: () => '/api/v1/identities/hana', without: { as: hana, status: 403, code: 'ACCESS_NOT_ADMINISTRATOR' } },
  'GET /api/v1/identities/:id/history': { url: () => '/api/v1/identities/hana/history', without: { as: hana, status: 403, code: 'ACCESS_NOT_ADMINISTRATOR' } },
  'GET /api/v1/resources': { url: () => '/api/v1/resources', without: { as: hana, status: 403, code: 'ACCESS_NOT_ADMINISTRATOR' } },
  'GET /api/v1/resources/:id': { url: () => '/api/v1/resources/VPN', without: { as: hana, status: 403, code: 'ACCESS_NOT_ADMINISTRATOR' } },
  'POST /api/v1/imports': {
    url: () => '/api/v1/imports',
    body: () => ({ files: [{ name: 'x.xml', xml: '<Waveset/>' }] }),
    without: { as: hana, status: 403, code: 'ACCESS_NOT_ADMINISTRATOR' },
  },
  'GET /api/v1/provisioning/orders': { url: () => '/api/v1/provisioning/orders', without: { as: hana, status: 403, code: 'ACCESS_NOT_ADMINISTRATOR' } },
  'GET /api/v1/provisioning/orders/:id': { url: () => '/api/v1/provisioning/orders/o1', without: { as: hana, status: 403, code: 'ACCESS_NOT_ADMINISTRATOR' } },
  'POST /api/v1/provisioning/orders/:id/retry': { url: () => '/api/v1/provisioning/orders/o1/retry', without: { as: hana, status: 403, code: 'ACCESS_NOT_ADMINISTRATOR' } },
  'POST /api/v1/provisioning/orders/:id/cancel': { url: () => '/api/v1/provisioning/orders/o1/cancel', without: { as: hana, status: 403, code: 'ACCESS_NOT_ADMINISTRATOR' } },
  'GET /api/v1/hr/runs': { url: () => '/api/v1/hr/runs', without: { as: hana, status: 403, code: 'ACCESS_NOT_ADMINISTRATOR' } },
  'GET /api/v1/hr/runs/:id': { url: () => '/api/v1/hr/runs/r1', without: { as: hana, status: 403, code: 'ACCESS_NOT_ADMINISTRATOR' } },
};

describe('access to every route', () => {
  let w: HttpWorld;
  let f: Fixture;
  before(async () => {
    w = await openHttpWorld();
    const hanaSession = await w.signIn('hana');
    const launched = await w.call(hanaSession, 'POST', '/api/v1/tasks', { definition: 'User_Onboarding', mode: 'sync' });
    assert.equal(launched.statusCode, 201, launched.body);
    const { instance, workItems } = launched.json() as { instance: { id: string }; workItems: { id: string }[] };
    const token = (await w.call(hanaSession, 'POST', '/api/v1/tokens', { name: 'reader', scopes: ['read'] })).json() as { token: string; record: { id: string } };
    const launch = (await w.call(hanaSession, 'POST', '/api/v1/tokens', { name: 'launcher', scopes: ['launch'] })).json() as { token: string };
    f = {
      task: instance.id,
      item: workItems[0]!.id,
      hanaToken: token.token,
      hanaTokenId: token.record.id,
      launchOnly: launch.token,
      hana: hanaSession,
      sam: await w.signIn('sam'),
      mona: await w.signIn('mona'),
    };
  });
  after(() => w.close());

  it('has a case for every registered route, and every route declares who may call it', () => {
    const routes = registeredRoutes(w.app).filter((r) => r.url.startsWith('/api/v1'));
    assert.ok(routes.length >= 25, `found only ${routes.length} routes`);
    const keys = routes.map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(keys.filter((k) => !(k in CASES)), [], 'routes without an access test case: add them to CASES');
    assert.deepEqual(Object.keys(CASES).filter((k) => !keys.includes(k)), [], 'cases for routes that no longer exist');
    assert.deepEqual(routes.filter((r) => r.access === undefined).map((r) => `${r.method} ${r.url}`), [], 'routes without config.access');
  });

  for (const [key, c] of Object.entries(CASES)) {
    const method = key.split(' ')[0] as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    it(`refuses ${key} to the anonymous caller`, async () => {
      const r = await w.call(undefined, method, c.url(f), c.body?.(f));
      const expected = c.publicStatus ?? 401;
      assert.equal(r.statusCode, expected, r.body);
      assert.match((r.json() as { error: { code: string } }).error.code, /^HTTP_(UNAUTHENTICATED|SIGN_IN_FAILED)$/);
    });
    it(`refuses ${key} to a signed-in caller without the right`, async () => {
      const r = await w.call(c.without.as(f), method, c.url(f), c.body?.(f));
      assert.equal(r.statusCode, c.without.status, r.body);
      if (c.without.code) assert.equal((r.json() as { error: { code: string } }).error.code, c.without.code);
      if (c.without.hides) assert.ok(!r.body.includes(c.without.hides(f)), `${key} shows what the caller may not see`);
    });
  }

  it('serves the OpenAPI document and its browsable reference to anybody', async () => {
    const doc = await w.call(undefined, 'GET', '/api/docs/json');
    assert.equal(doc.statusCode, 200);
    const paths = Object.keys((doc.json() as { paths: Record<string, unknown> }).paths);
    assert.ok(paths.includes('/api/v1/workitems/{id}/decide'), paths.join(', '));
    const page = await w.call(undefined, 'GET', '/api/docs');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /swagger/i);
  });
});
