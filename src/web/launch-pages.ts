/**
 * Launch: the definitions this person may start (the authorisation module's `mayLaunch`, the same answer as
 * `GET /api/v1/definitions?launchable=true`), and a form for a definition's input variables.
 */
import type { FastifyInstance } from 'fastify';
import type { ProcessObject } from '../definition/model/objects.js';
import type { XValue } from '../expression/env.js';
import { NotFoundError } from '../errors.js';
import { PUBLIC } from '../http/route-access.js';
import type { RouteDeps } from '../http/server.js';
import type { StoredObject } from '../repository/object-store.js';
import { back, formOf, noticeOf, sendPage, signedIn } from './console.js';
import { html } from './html.js';
import { csrfField, page } from './layout.js';

const config = { access: PUBLIC };
const TYPES = ['TaskDefinition', 'Workflow'] as const;
type LaunchType = (typeof TYPES)[number];

function processOf(stored: StoredObject): ProcessObject {
  return stored.model as ProcessObject;
}

function titleOf(stored: StoredObject): string {
  const m = stored.model as { displayNames?: Record<string, string>; process?: { title?: string } };
  return m.displayNames?.en ?? m.displayNames?.['en-US'] ?? m.process?.title ?? stored.name;
}

export function registerLaunchPages(app: FastifyInstance, deps: RouteDeps): void {
  const { engine, repository, policy } = deps;

  app.get('/launch', { config }, async (request, reply) => {
    const ctx = await signedIn(request, deps);
    const rows: { type: LaunchType; stored: StoredObject }[] = [];
    for (const type of TYPES) {
      for (const stored of await repository.objects.listLatest(type)) {
        if ((await policy.mayLaunch(ctx.caller, { name: stored.name, object: processOf(stored) })).allowed) rows.push({ type, stored });
      }
    }
    const notice = noticeOf(request);
    const body = html`${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
      <p>The workflows you may start. Choose one to fill in its form.</p>
      ${
        rows.length === 0
          ? html`<p class="muted" id="nothing-to-launch">You may not start any workflow. Ask an administrator for a profile that allows it.</p>`
          : html`<div class="table-wrap"><table id="launchable"><thead><tr><th scope="col">Workflow</th><th scope="col">Type</th><th scope="col">Version</th></tr></thead><tbody>
          ${rows.map((r) => html`<tr><td><a href="/launch/${r.type}/${encodeURIComponent(r.stored.name)}">${titleOf(r.stored)}</a>${titleOf(r.stored) === r.stored.name ? '' : html` <span class="muted">${r.stored.name}</span>`}</td><td>${r.type}</td><td>${r.stored.version}</td></tr>`)}
          </tbody></table></div>`
      }`;
    return sendPage(reply, page(ctx, '/launch', 'Launch', body));
  });

  app.get<{ Params: { type: string; name: string } }>('/launch/:type/:name', { config }, async (request, reply) => {
    const ctx = await signedIn(request, deps);
    const { type, name } = request.params;
    const stored = (TYPES as readonly string[]).includes(type) ? await repository.objects.getLatest(type as LaunchType, name) : undefined;
    if (!stored) throw new NotFoundError('DEFINITION_NOT_FOUND', `no ${type} ${name}`, { type, name });
    const verdict = await policy.mayLaunch(ctx.caller, { name: stored.name, object: processOf(stored) });
    if (!verdict.allowed) return sendPage(reply, page(ctx, '/launch', 'Not allowed', html`<p class="notice error" role="alert"><strong>LAUNCH_NOT_ALLOWED</strong>: ${verdict.reason}</p>`), 403);
    const inputs = (processOf(stored).process?.variables ?? []).filter((v) => v.input);
    const body = html`<form method="post" action="/launch">${csrfField(ctx)}
      <input type="hidden" name="type" value="${type}"><input type="hidden" name="definition" value="${stored.name}">
      ${inputs.length === 0 ? html`<p class="muted">This workflow asks for its details in its first step, after you start it.</p>` : ''}
      ${inputs.map((v) => html`<div class="field"><label for="in-${v.name}">${v.name}</label><input id="in-${v.name}" name="var.${v.name}" value="${v.value ?? ''}">${v.comments ? html`<div class="muted">${v.comments}</div>` : ''}</div>`)}
      <div class="field"><label for="subject">Subject (the person this is about, if known)</label><input id="subject" name="subject" maxlength="256"></div>
      <button type="submit">Start ${titleOf(stored)}</button></form>`;
    return sendPage(reply, page(ctx, '/launch', `Launch ${titleOf(stored)}`, body));
  });

  app.post('/launch', { config }, async (request, reply) => {
    const ctx = await signedIn(request, deps);
    const form = formOf(request);
    const variables: Record<string, XValue> = {};
    for (const [k, v] of Object.entries(form)) if (k.startsWith('var.') && v !== '') variables[k.slice(4)] = v;
    const type = (TYPES as readonly string[]).includes(form.type ?? '') ? (form.type as LaunchType) : undefined;
    const result = await engine.launch({
      definition: String(form.definition ?? ''),
      launcher: ctx.caller,
      mode: 'sync',
      ...(type && { type }),
      ...(form.subject ? { subject: form.subject } : {}),
      ...(Object.keys(variables).length > 0 && { variables }),
    });
    // The launcher's own first step (a request form) opens at once, as a wizard would.
    const mine = result.workItems.find((w) => w.owner === ctx.caller.person && w.state === 'open');
    if (mine) return back(reply, `/inbox/${mine.id}`, `Started ${result.instance.definition.name}. Fill in the request and send it.`);
    return back(reply, `/tasks/${result.instance.id}`, `Started ${result.instance.definition.name}.`);
  });
}
