import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openHttpWorld, password, type HttpWorld } from './http-harness.js';

interface Launched {
  instance: { id: string; state: string };
  workItems: { id: string; owner: string | null; decisions: string[] }[];
}

const codeOf = (body: string): string => (JSON.parse(body) as { error: { code: string } }).error.code;

describe('signing in', () => {
  let w: HttpWorld;
  before(async () => (w = await openHttpWorld()));
  after(() => w.close());

  it('sets an httpOnly, SameSite session cookie and answers who is calling', async () => {
    const r = await w.call(undefined, 'POST', '/api/v1/session', { name: 'hana', password: password('hana') });
    assert.equal(r.statusCode, 200);
    const cookie = String(r.headers['set-cookie']);
    assert.match(cookie, /^idflow_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/);
    const me = await w.call({ cookie: cookie.split(';')[0]!, csrf: '' }, 'GET', '/api/v1/session');
    assert.deepEqual((me.json() as { caller: unknown }).caller, { person: 'hana', authenticatedBy: 'session', profiles: ['HR'], administrator: false });
  });

  it('refuses a wrong password without saying whether the name exists', async () => {
    const wrong = await w.call(undefined, 'POST', '/api/v1/session', { name: 'hana', password: 'nope' });
    const nobody = await w.call(undefined, 'POST', '/api/v1/session', { name: 'nobody', password: 'nope' });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.body, nobody.body);
    assert.equal(wrong.headers['set-cookie'], undefined);
  });

  it('limits failed sign-ins per account until they age out of the window, even with the right password', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await w.call(undefined, 'POST', '/api/v1/session', { name: 'mona', password: 'guess' })).statusCode, 401);
    const limited = await w.call(undefined, 'POST', '/api/v1/session', { name: 'mona', password: password('mona') });
    assert.equal(limited.statusCode, 429);
    assert.equal(codeOf(limited.body), 'HTTP_RATE_LIMITED');
    assert.equal(limited.headers['retry-after'], '900');
    w.advance(15 * 60_000 + 1);
    assert.equal((await w.call(undefined, 'POST', '/api/v1/session', { name: 'mona', password: password('mona') })).statusCode, 200);
  });

  it('ends a session on sign-out and when its account is disabled', async () => {
    const hana = await w.signIn('hana');
    assert.equal((await w.call(hana, 'DELETE', '/api/v1/session')).statusCode, 204);
    assert.equal((await w.call(hana, 'GET', '/api/v1/session')).statusCode, 401);
    const again = await w.signIn('hana');
    const ada = await w.signIn('ada');
    assert.equal((await w.call(ada, 'PATCH', '/api/v1/accounts/hana', { disabled: true })).statusCode, 200);
    assert.equal((await w.call(again, 'GET', '/api/v1/session')).statusCode, 401);
    assert.equal((await w.call(undefined, 'POST', '/api/v1/session', { name: 'hana', password: password('hana') })).statusCode, 401);
    await w.call(ada, 'PATCH', '/api/v1/accounts/hana', { disabled: false });
  });

  it('ends a session when it expires', async () => {
    const sam = await w.signIn('sam');
    w.advance(8 * 3600_000);
    assert.equal((await w.call(sam, 'GET', '/api/v1/session')).statusCode, 401);
  });
});

describe('CSRF protection and API tokens', () => {
  let w: HttpWorld;
  before(async () => (w = await openHttpWorld()));
  after(() => w.close());

  it('refuses a change sent with the session cookie but without the CSRF token, and changes nothing', async () => {
    const hana = await w.signIn('hana');
    const r = await w.call({ cookie: hana.cookie, csrf: 'forged' }, 'POST', '/api/v1/tasks', { definition: 'User_Onboarding' });
    assert.equal(r.statusCode, 403);
    assert.equal(codeOf(r.body), 'HTTP_CSRF');
    const none = await w.app.inject({ method: 'POST', url: '/api/v1/tasks', headers: { cookie: hana.cookie }, payload: { definition: 'User_Onboarding' } });
    assert.equal(codeOf(none.body), 'HTTP_CSRF');
    assert.deepEqual(await w.engine.listTasks(), []);
  });

  it('stores only a hash of a token, honours its scopes and refuses it once revoked', async () => {
    const hana = await w.signIn('hana');
    const made = (await w.call(hana, 'POST', '/api/v1/tokens', { name: 'ci', scopes: ['read', 'launch'] })).json() as { token: string; record: { id: string } };
    assert.match(made.token, /^idf_/);
    const stored = await w.repository.access.getToken(made.record.id);
    assert.ok(stored && !made.token.includes(stored.secretHash));
    const token = { token: made.token };
    assert.equal((await w.call(token, 'POST', '/api/v1/tasks', { definition: 'User_Onboarding' })).statusCode, 201);
    const decide = await w.call(token, 'POST', '/api/v1/workitems/x/decide', { decision: 'Execute' });
    assert.equal(codeOf(decide.body), 'TOKEN_SCOPE_MISSING');
    assert.equal((await w.call(hana, 'DELETE', `/api/v1/tokens/${made.record.id}`)).statusCode, 204);
    const refused = await w.call(token, 'GET', '/api/v1/tasks');
    assert.equal(refused.statusCode, 401);
    assert.equal(codeOf(refused.body), 'HTTP_UNAUTHENTICATED');
  });

  it('refuses a token wider than its maker: the admin scope needs an administrator', async () => {
    const hana = await w.signIn('hana');
    const r = await w.call(hana, 'POST', '/api/v1/tokens', { name: 'root', scopes: ['admin'] });
    assert.equal(r.statusCode, 403);
    assert.equal(codeOf(r.body), 'TOKEN_SCOPE_NOT_ALLOWED');
  });
});

describe('requesting and approving an onboarding over HTTP', () => {
  let w: HttpWorld;
  before(async () => (w = await openHttpWorld()));
  after(() => w.close());

  it('lets HR request it, the manager find it in the inbox and approve it with a comment, and keeps the record', async () => {
    const hana = await w.signIn('hana');
    const mona = await w.signIn('mona');
    const launched = (await w.call(hana, 'POST', '/api/v1/tasks', { definition: 'User_Onboarding', mode: 'sync' })).json() as Launched;
    const request = launched.workItems[0]!;
    assert.equal(request.owner, 'hana');
    const executed = await w.call(hana, 'POST', `/api/v1/workitems/${request.id}/decide`, { decision: 'Execute', variables: { subject: 'jdoe' } });
    assert.equal(executed.statusCode, 200, executed.body);

    const inbox = (await w.call(mona, 'GET', '/api/v1/workitems?counts=true')).json() as { items: { id: string; activity: string }[]; counts: { open: number } };
    assert.equal(inbox.counts.open, 1);
    const review = inbox.items[0]!;
    assert.match(review.activity, /^Review\//);
    assert.equal(((await w.call(hana, 'GET', '/api/v1/workitems')).json() as { items: unknown[] }).items.length, 0, 'not in the requester’s inbox');

    const approved = await w.call(mona, 'POST', `/api/v1/workitems/${review.id}/decide`, { decision: 'Approve', comment: 'welcome aboard' });
    assert.equal(approved.statusCode, 200, approved.body);
    const task = (await w.call(hana, 'GET', `/api/v1/tasks/${launched.instance.id}`)).json() as { instance: { state: string } };
    assert.equal(task.instance.state, 'finished');
    const audit = (await w.call(mona, 'GET', `/api/v1/tasks/${launched.instance.id}/audit`)).json() as { items: { actor?: string; data?: { comment?: string } }[] };
    assert.ok(audit.items.some((e) => e.actor === 'mona' && JSON.stringify(e).includes('welcome aboard')), JSON.stringify(audit.items));
  });

  it('refuses the four-eyes cases: the requester may not approve their own request, even holding the permission', async () => {
    const ada = await w.signIn('ada');
    assert.equal((await w.call(ada, 'PUT', '/api/v1/profiles/hana', { profiles: ['Manager'] })).statusCode, 200);
    const hana = await w.signIn('hana');
    const launched = (await w.call(hana, 'POST', '/api/v1/tasks', { definition: 'User_Onboarding', mode: 'sync' })).json() as Launched;
    await w.call(hana, 'POST', `/api/v1/workitems/${launched.workItems[0]!.id}/decide`, { decision: 'Execute' });
    const review = (await w.engine.listWorkItems({ instanceId: launched.instance.id }))[0]!;
    const shown = (await w.call(hana, 'GET', `/api/v1/workitems/${review.id}`)).json() as { mayDecide: boolean };
    assert.equal(shown.mayDecide, false);
    const refused = await w.call(hana, 'POST', `/api/v1/workitems/${review.id}/decide`, { decision: 'Approve' });
    assert.equal(refused.statusCode, 403);
    assert.equal(codeOf(refused.body), 'WORKITEM_FOUR_EYES');
    // Nor may the administrator, who holds no Review permission: administering is not approving.
    const byAdmin = await w.call(ada, 'POST', `/api/v1/workitems/${review.id}/decide`, { decision: 'Approve' });
    assert.equal(codeOf(byAdmin.body), 'WORKITEM_NOT_OWNER');
    assert.equal((await w.engine.getTask(launched.instance.id)).state, 'executing');
    await w.call(ada, 'DELETE', '/api/v1/profiles/hana/Manager');
  });

  it('lets a supervisor suspend and resume, and terminates in bulk only with confirm', async () => {
    const ada = await w.signIn('ada');
    const hana = await w.signIn('hana');
    const launched = (await w.call(hana, 'POST', '/api/v1/tasks', { definition: 'User_Onboarding', mode: 'sync' })).json() as Launched;
    const suspended = (await w.call(ada, 'POST', `/api/v1/tasks/${launched.instance.id}/suspend`)).json() as Launched;
    assert.equal(suspended.instance.state, 'suspended');
    assert.equal(((await w.call(ada, 'POST', `/api/v1/tasks/${launched.instance.id}/resume`)).json() as Launched).instance.state, 'executing');
    const unconfirmed = await w.call(ada, 'POST', '/api/v1/tasks/terminate', { definition: 'User_Onboarding', limit: 100, confirm: false });
    assert.equal(unconfirmed.statusCode, 400);
    const done = (await w.call(ada, 'POST', '/api/v1/tasks/terminate', { definition: 'User_Onboarding', state: 'executing', limit: 100, confirm: true })).json() as { terminated: number };
    assert.ok(done.terminated >= 1);
    assert.equal((await w.engine.getTask(launched.instance.id)).state, 'terminated');
  });
});

describe('lists, errors and headers', () => {
  let w: HttpWorld;
  before(async () => (w = await openHttpWorld()));
  after(() => w.close());

  it('pages a list with an opaque cursor and shows each caller only their own', async () => {
    const hana = await w.signIn('hana');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      w.advance(1000);
      ids.push(((await w.call(hana, 'POST', '/api/v1/tasks', { definition: 'User_Onboarding' })).json() as Launched).instance.id);
    }
    const first = (await w.call(hana, 'GET', '/api/v1/tasks?limit=2&order=asc')).json() as { items: { id: string }[]; nextCursor: string };
    assert.deepEqual(first.items.map((t) => t.id), ids.slice(0, 2));
    const second = (await w.call(hana, 'GET', `/api/v1/tasks?limit=2&order=asc&cursor=${first.nextCursor}`)).json() as { items: { id: string }[]; nextCursor: null };
    assert.deepEqual(second.items.map((t) => t.id), ids.slice(2));
    assert.equal(second.nextCursor, null);
    const sam = await w.signIn('sam');
    assert.deepEqual(((await w.call(sam, 'GET', '/api/v1/tasks')).json() as { items: unknown[] }).items, []);
    const bad = await w.call(hana, 'GET', '/api/v1/tasks?cursor=garbage');
    assert.equal(codeOf(bad.body), 'HTTP_CURSOR_INVALID');
  });

  it('follows the cursor past pages of instances the caller may not see, to the ones they may', async () => {
    for (let i = 0; i < 25; i++) {
      w.advance(1000);
      await w.engine.launch({ definition: 'User_Onboarding', launcher: 'hana' });
    }
    await w.repository.profiles.assign('mona', ['HR'], 'test', w.now());
    const mona = await w.signIn('mona');
    w.advance(1000);
    const mine = ((await w.call(mona, 'POST', '/api/v1/tasks', { definition: 'User_Onboarding' })).json() as Launched).instance.id;
    const first = (await w.call(mona, 'GET', '/api/v1/tasks?limit=1&order=asc')).json() as { items: { id: string }[]; nextCursor: string | null };
    assert.deepEqual(first.items, [], 'twenty store pages of other people’s instances give an empty page');
    assert.ok(first.nextCursor);
    const second = (await w.call(mona, 'GET', `/api/v1/tasks?limit=1&order=asc&cursor=${first.nextCursor}`)).json() as { items: { id: string }[] };
    assert.deepEqual(second.items.map((t) => t.id), [mine]);
  });

  it('answers every error as { error: { code, message, details } } with the status of its class', async () => {
    const hana = await w.signIn('hana');
    const unknown = await w.call(hana, 'GET', '/api/v1/nothing-here');
    assert.equal(unknown.statusCode, 404);
    assert.equal(codeOf(unknown.body), 'HTTP_NOT_FOUND');
    const invalid = await w.call(hana, 'POST', '/api/v1/tasks', { definition: 'User_Onboarding', surprise: 1 });
    assert.equal(invalid.statusCode, 400);
    assert.equal(codeOf(invalid.body), 'HTTP_INVALID_REQUEST');
    const missing = await w.call(hana, 'GET', '/api/v1/tasks/no-such-task');
    assert.equal(missing.statusCode, 404);
    assert.equal(codeOf(missing.body), 'TASK_NOT_FOUND');
    const noDefinition = await w.call(hana, 'POST', '/api/v1/tasks', { definition: 'Nope' });
    assert.equal(noDefinition.statusCode, 404);
    for (const r of [unknown, invalid, missing, noDefinition]) {
      assert.deepEqual(Object.keys((r.json() as { error: object }).error).sort(), ['code', 'details', 'message']);
      assert.doesNotMatch(r.body, /\bat .*\.ts:\d+/, 'no stack trace');
    }
  });

  it('refuses a body over the size limit before reading it', async () => {
    const hana = await w.signIn('hana');
    const r = await w.call(hana, 'POST', '/api/v1/tasks', { definition: 'User_Onboarding', variables: { big: 'x'.repeat(300 * 1024) } });
    assert.equal(r.statusCode, 413);
    assert.equal(codeOf(r.body), 'HTTP_BODY_TOO_LARGE');
  });

  it('sends the security headers on answers and refusals alike', async () => {
    for (const r of [await w.call(undefined, 'GET', '/api/v1/tasks'), await w.call(await w.signIn('sam'), 'GET', '/api/v1/tasks')]) {
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.equal(r.headers['x-frame-options'], 'DENY');
      assert.equal(r.headers['referrer-policy'], 'no-referrer');
      assert.match(String(r.headers['content-security-policy']), /default-src 'none'/);
      assert.equal(r.headers['cache-control'], 'no-store');
    }
  });
});
