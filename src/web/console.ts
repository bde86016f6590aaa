/**
 * The web console (issue 12; docs/console.md): server-rendered pages on the same Fastify server as the API. A page
 * authenticates with the same browser session as the API (the `idflow_session` cookie), every form carries the
 * session's CSRF token in a hidden field, and every question of "may this person …" is the engine's or the
 * authorisation module's answer, exactly as for the API routes (DESIGN.md decision 9): the console has no
 * permission checks of its own.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnauthenticatedError } from '../access/access-errors.js';
import { sameSecret } from '../access/secrets.js';
import { NotAuthorizedError } from '../errors.js';
import { clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie } from '../http/cookies.js';
import { errorBody } from '../http/http-errors.js';
import { PUBLIC } from '../http/route-access.js';
import type { RouteDeps } from '../http/server.js';
import { CONSOLE_CSS, CONSOLE_JS } from './console-assets.js';
import { registerAdminPages } from './admin-pages.js';
import { registerDefinitionPages } from './definition-pages.js';
import { html } from './html.js';
import { registerHrImportPages, tooLarge } from './hr-import-pages.js';
import { registerInboxPages } from './inbox-pages.js';
import { page, type PageContext } from './layout.js';
import { registerLaunchPages } from './launch-pages.js';
import { registerTaskPages } from './task-pages.js';

export type Form = Readonly<Record<string, string>>;

/** Who is looking at a page, read from the session cookie; undefined when nobody is signed in. */
async function contextOf(request: FastifyRequest, deps: RouteDeps): Promise<(PageContext & { readonly sessionId: string }) | undefined> {
  const sessionId = readCookie(request.headers.cookie, SESSION_COOKIE);
  const found = sessionId ? await deps.accounts.session(sessionId) : undefined;
  if (!found || sessionId === undefined) return undefined;
  const hrImports = (await deps.policy.mayImportHr(found.caller)).allowed;
  return { caller: found.caller, csrf: found.session.csrfToken, administrator: found.caller.administrator === true, hrImports, sessionId };
}

/** The signed-in context of a page; a console page without a session sends the browser to sign in. */
export async function signedIn(request: FastifyRequest, deps: RouteDeps): Promise<Required<PageContext>> {
  const ctx = await contextOf(request, deps);
  if (!ctx?.caller) throw new UnauthenticatedError('HTTP_UNAUTHENTICATED', 'sign in first', {});
  if (request.method === 'POST') {
    const sent = formOf(request)._csrf;
    if (typeof sent !== 'string' || !sameSecret(sent, ctx.csrf ?? '')) {
      throw new NotAuthorizedError('HTTP_CSRF', 'this form is stale or did not come from the console: reload the page and try again', {});
    }
  }
  return { caller: ctx.caller, csrf: ctx.csrf ?? '', administrator: ctx.administrator ?? false, hrImports: ctx.hrImports ?? false };
}

export function formOf(request: FastifyRequest): Form {
  return (request.body ?? {}) as Form;
}

export function sendPage(reply: FastifyReply, text: string, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(text);
}

/** After a change, go back to a page (POST-redirect-GET) with a one-line notice in the query. */
export function back(reply: FastifyReply, to: string, notice?: string): FastifyReply {
  const sep = to.includes('?') ? '&' : '?';
  return reply.redirect(notice ? `${to}${sep}notice=${encodeURIComponent(notice)}` : to, 303);
}

export function noticeOf(request: FastifyRequest): string | undefined {
  const n = (request.query as Record<string, unknown> | undefined)?.notice;
  return typeof n === 'string' && n.length <= 300 ? n : undefined;
}

/** Only same-site relative paths are followed after sign-in (no open redirect). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[\w\-/?=&%.]*$/.test(next) && !next.startsWith('/sign-') ? next : '/inbox';
}

export async function registerConsole(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const form: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(String(body))) form[k] = v;
    done(null, form);
  });

  app.setErrorHandler(async (error, request, reply) => {
    // An HR file over the limit is cut off by Fastify before the page sees it: say what the limit is and what to do.
    const tooBig = (error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE' && request.url.startsWith('/hr-imports/');
    const { status, body } = tooBig ? { status: 413, body: errorBody(tooLarge('the file')).body } : errorBody(error);
    if (status === 401) return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
    if (status >= 500) request.log.error({ err: error }, 'console page failed');
    const ctx = (await contextOf(request, deps).catch(() => undefined)) ?? {};
    const text = page(
      ctx,
      '',
      status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : status === 413 ? 'Too large' : 'Something went wrong',
      html`<p class="notice error" role="alert"><strong>${body.error.code}</strong>: ${body.error.message}</p><p><a href="/inbox">Back to My Tasks</a></p>`,
    );
    return sendPage(reply, text, status);
  });

  const config = { access: PUBLIC };
  app.get('/console/console.css', { config }, async (_r, reply) => reply.type('text/css; charset=utf-8').header('Cache-Control', 'max-age=3600').send(CONSOLE_CSS));
  app.get('/console/console.js', { config }, async (_r, reply) => reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'max-age=3600').send(CONSOLE_JS));

  app.get('/', { config }, async (request, reply) => reply.redirect((await contextOf(request, deps)) ? '/inbox' : '/sign-in', 303));

  app.get('/sign-in', { config }, async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const failed = q.failed === '1';
    return sendPage(
      reply,
      page(
        {},
        '',
        'Sign in',
        html`<div class="signin">${failed ? html`<p class="notice error" role="alert">That name and password do not match an account (or too many attempts: wait a few minutes).</p>` : ''}
        <form method="post" action="/sign-in">
          <input type="hidden" name="next" value="${safeNext(q.next)}">
          <div class="field"><label for="name">Account name</label><input id="name" name="name" autocomplete="username" required autofocus></div>
          <div class="field"><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>
          <button type="submit">Sign in</button>
        </form></div>`,
      ),
      failed ? 401 : 200,
    );
  });

  // Signing in needs no CSRF token (there is no session yet); the SameSite=Strict cookie it sets is what later
  // forms rely on, together with their token.
  app.post('/sign-in', { config }, async (request, reply) => {
    const form = formOf(request);
    const next = safeNext(form.next);
    try {
      const signed = await deps.accounts.signIn(String(form.name ?? ''), String(form.password ?? ''), request.ip);
      void reply.header('Set-Cookie', sessionCookie(signed.sessionId, Math.floor(deps.accounts.sessionTtlMs / 1000), deps.secure));
      return reply.redirect(next, 303);
    } catch (error) {
      const { status } = errorBody(error);
      if (status === 401 || status === 429) return reply.redirect(`/sign-in?failed=1&next=${encodeURIComponent(next)}`, 303);
      throw error;
    }
  });

  app.post('/sign-out', { config }, async (request, reply) => {
    await signedIn(request, deps);
    const sessionId = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (sessionId) await deps.accounts.signOut(sessionId);
    void reply.header('Set-Cookie', clearedSessionCookie(deps.secure));
    return reply.redirect('/sign-in', 303);
  });

  // Mails sent before the links were fixed point at `/workitems/<id>`; the item's page is `/inbox/<id>`. A permanent
  // redirect keeps every mail already in people's mailboxes working (it sends nobody anywhere but this site's page).
  app.get<{ Params: { id: string } }>('/workitems/:id', { config }, async (request, reply) => reply.redirect(`/inbox/${encodeURIComponent(request.params.id)}`, 301));

  registerInboxPages(app, deps);
  registerLaunchPages(app, deps);
  registerTaskPages(app, deps);
  await registerDefinitionPages(app, deps);
  registerAdminPages(app, deps);
  registerHrImportPages(app, deps);
}
