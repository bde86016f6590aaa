/**
 * The console's pages without a browser (Fastify inject): who is sent to sign in, that forms need the session's
 * CSRF token, that what people typed is shown as text and never as markup, and the pages' security headers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openHttpWorld, password, type HttpWorld } from '../http/http-harness.js';

describe('console pages', () => {
  let w: HttpWorld;
  before(async () => {
    w = await openHttpWorld();
  });
  after(() => w.close());

  async function signIn(name: string): Promise<{ cookie: string; csrf: string }> {
    const r = await w.app.inject({ method: 'POST', url: '/sign-in', payload: `name=${name}&password=${password(name)}&next=%2Ftasks`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.statusCode, 303);
    assert.equal(r.headers.location, '/tasks', 'back to the page asked for');
    const cookie = String(r.headers['set-cookie']).split(';')[0]!;
    const inbox = await w.app.inject({ method: 'GET', url: '/inbox', headers: { cookie } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(inbox.body)![1]!;
    return { cookie, csrf };
  }

  it('sends a visitor without a session to sign in, and back to the page afterwards', async () => {
    const r = await w.app.inject({ method: 'GET', url: '/tasks?state=executing' });
    assert.equal(r.statusCode, 303);
    assert.equal(r.headers.location, `/sign-in?next=${encodeURIComponent('/tasks?state=executing')}`);
  });

  it('refuses a wrong password without saying which part was wrong', async () => {
    const r = await w.app.inject({ method: 'POST', url: '/sign-in', payload: 'name=hana&password=nope', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.statusCode, 303);
    assert.match(String(r.headers.location), /failed=1/);
  });

  it('does not follow a sign-in to another site', async () => {
    const r = await w.app.inject({ method: 'POST', url: '/sign-in', payload: `name=mona&password=${password('mona')}&next=%2F%2Fevil.example%2F`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.headers.location, '/inbox');
  });

  it('refuses a launch form without the session’s CSRF token and launches nothing', async () => {
    const hana = await signIn('hana');
    const before = (await w.engine.listTasks({})).length;
    const r = await w.app.inject({ method: 'POST', url: '/launch', payload: 'definition=User_Onboarding&type=Workflow', headers: { cookie: hana.cookie, 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.statusCode, 403);
    assert.match(r.body, /HTTP_CSRF/);
    assert.equal((await w.engine.listTasks({})).length, before);
    const ok = await w.app.inject({ method: 'POST', url: '/launch', payload: `_csrf=${encodeURIComponent(hana.csrf)}&definition=User_Onboarding&type=Workflow`, headers: { cookie: hana.cookie, 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(ok.statusCode, 303, ok.body);
    assert.equal((await w.engine.listTasks({})).length, before + 1);
  });

  it('shows a subject typed as markup as plain text', async () => {
    const hana = await signIn('hana');
    await w.engine.launch({ definition: 'User_Onboarding', launcher: 'hana', subject: '<script>alert(1)</script>' });
    const r = await w.app.inject({ method: 'GET', url: '/tasks', headers: { cookie: hana.cookie } });
    assert.equal(r.statusCode, 200);
    assert.ok(!r.body.includes('<script>alert(1)</script>'));
    assert.ok(r.body.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  });

  it('serves pages with a policy that allows no inline script, and not for caching', async () => {
    const hana = await signIn('hana');
    const r = await w.app.inject({ method: 'GET', url: '/inbox', headers: { cookie: hana.cookie } });
    assert.match(String(r.headers['content-security-policy']), /script-src 'self'/);
    assert.doesNotMatch(String(r.headers['content-security-policy']), /unsafe-inline/);
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.equal(r.headers['x-frame-options'], 'DENY');
  });

  it('sends a work item link of an older mail (/workitems/<id>) on to the item in My Tasks', async () => {
    const r = await w.app.inject({ method: 'GET', url: '/workitems/abc-123' });
    assert.equal(r.statusCode, 301);
    assert.equal(r.headers.location, '/inbox/abc-123');
  });

  it('keeps the API answering in JSON, untouched by the console', async () => {
    const r = await w.app.inject({ method: 'GET', url: '/api/v1/tasks' });
    assert.equal(r.statusCode, 401);
    assert.equal((r.json() as { error: { code: string } }).error.code, 'HTTP_UNAUTHENTICATED');
  });
});
