/**
 * Identities and resources, and the Repository (objects by type, as XML or JSON). These show the whole organisation,
 * so they are for administrators: the authorisation module's `mayAdminister(caller, 'administer')` answers, as it does
 * for the API's administrator routes.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireAdministrator } from '../access/authorize.js';
import { ObjectTypes, type ObjectType } from '../definition/model/objects.js';
import { NotFoundError } from '../errors.js';
import { PUBLIC } from '../http/route-access.js';
import type { RouteDeps } from '../http/server.js';
import { sendPage, signedIn } from './console.js';
import { html, shortTime } from './html.js';
import type { PageContext } from './layout.js';
import { page } from './layout.js';

const config = { access: PUBLIC };

async function administrator(request: FastifyRequest, deps: RouteDeps): Promise<Required<PageContext>> {
  const ctx = await signedIn(request, deps);
  requireAdministrator(deps.policy, ctx.caller);
  return ctx;
}

const iso = (ms: number | null | undefined): string => (typeof ms === 'number' ? shortTime(new Date(ms).toISOString()) : '');

export function registerAdminPages(app: FastifyInstance, deps: RouteDeps): void {
  const { repository, engine } = deps;

  app.get('/identities', { config }, async (request, reply) => {
    const ctx = await administrator(request, deps);
    const identities = await repository.identities.listIdentities();
    const resources = await repository.identities.listResources();
    const body = html`<h2>Identities (${identities.length})</h2>
      ${identities.length === 0 ? html`<p class="muted">No identities yet: onboardings and HR imports create them.</p>` : html`<div class="table-wrap"><table id="identities"><thead><tr><th scope="col">Login</th><th scope="col">State</th><th scope="col">Organisation</th><th scope="col">Employee id</th></tr></thead><tbody>
      ${identities.map((i) => html`<tr><td><a href="/identities/${encodeURIComponent(i.id)}">${i.login}</a></td><td>${i.state}</td><td>${i.organization ?? ''}</td><td>${i.employeeId ?? ''}</td></tr>`)}</tbody></table></div>`}
      <h2>Resources (${resources.length})</h2>
      ${resources.length === 0 ? html`<p class="muted">None.</p>` : html`<div class="table-wrap"><table><thead><tr><th scope="col">Resource</th><th scope="col">Details</th></tr></thead><tbody>
      ${resources.map((r) => html`<tr><td>${(r as unknown as { name?: string }).name ?? r.id}</td><td><code>${JSON.stringify(r)}</code></td></tr>`)}</tbody></table></div>`}`;
    return sendPage(reply, page(ctx, '/identities', 'Identities and resources', body));
  });

  app.get<{ Params: { id: string } }>('/identities/:id', { config }, async (request, reply) => {
    const ctx = await administrator(request, deps);
    const snap = await repository.identities.findIdentity(request.params.id);
    if (!snap) throw new NotFoundError('IDENTITY_NOT_FOUND', `no identity ${request.params.id}`, { identity: request.params.id });
    const tasks = (await engine.listTasksPage({ subject: snap.identity.login, order: 'desc', limit: 50 }, ctx.caller)).items;
    const body = html`<dl class="facts"><dt>Login</dt><dd>${snap.identity.login}</dd><dt>State</dt><dd>${snap.identity.state}</dd><dt>Organisation</dt><dd>${snap.identity.organization ?? ''}</dd><dt>Employee id</dt><dd>${snap.identity.employeeId ?? ''}</dd></dl>
      <h2>Records</h2>${snap.records.length === 0 ? html`<p class="muted">None.</p>` : html`<div class="table-wrap"><table id="records"><thead><tr><th scope="col">Kind</th><th scope="col">From</th><th scope="col">Until</th><th scope="col">Draft</th><th scope="col">Attributes</th></tr></thead><tbody>${snap.records.map((r) => html`<tr><td>${r.kind}</td><td>${iso(r.validFrom)}</td><td>${iso(r.validUntil)}</td><td>${r.draft ? 'draft' : ''}${r.supersededAt !== null ? ' (replaced)' : ''}</td><td><code>${JSON.stringify(r.data)}</code></td></tr>`)}</tbody></table></div>`}
      <h2>Assignments</h2>${snap.assignments.length === 0 ? html`<p class="muted">None.</p>` : html`<div class="table-wrap"><table><thead><tr><th scope="col">Resource</th><th scope="col">Workflow state</th><th scope="col">Provisioning</th><th scope="col">Source</th><th scope="col">From</th></tr></thead><tbody>${snap.assignments.map((a) => html`<tr><td>${a.resourceId}</td><td>${a.workflowState}</td><td>${a.provisioningState}</td><td>${a.source}</td><td>${iso(a.validFrom)}</td></tr>`)}</tbody></table></div>`}
      <h2>Accounts</h2>${snap.accounts.length === 0 ? html`<p class="muted">None.</p>` : html`<ul>${snap.accounts.map((a) => html`<li>${a.connector}: ${a.login} (${a.state})</li>`)}</ul>`}
      <h2>Workflows</h2>${tasks.length === 0 ? html`<p class="muted">None.</p>` : html`<ul>${tasks.map((t) => html`<li><a href="/tasks/${t.id}">${t.definition.name}</a> ${t.state} <span class="muted">${shortTime(t.createdAt)}</span></li>`)}</ul>`}`;
    return sendPage(reply, page(ctx, '/identities', `Identity ${snap.identity.login}`, body));
  });

  app.get('/repository', { config }, async (request, reply) => {
    const ctx = await administrator(request, deps);
    const q = request.query as Record<string, string | undefined>;
    const type = (ObjectTypes as readonly string[]).includes(q.type ?? '') ? (q.type as ObjectType) : 'TaskDefinition';
    const rows = await repository.objects.list(type);
    const body = html`<form class="filters" method="get" action="/repository"><div><label for="r-type">Type</label><select id="r-type" name="type">${ObjectTypes.map((t) => html`<option${t === type ? html` selected` : ''}>${t}</option>`)}</select></div><div><button type="submit">Show</button></div></form>
      <h2>${rows.length} ${type} version${rows.length === 1 ? '' : 's'}</h2>
      ${rows.length === 0 ? html`<p class="muted">None.</p>` : html`<div class="table-wrap"><table id="objects"><thead><tr><th scope="col">Name</th><th scope="col">Version</th><th scope="col">Imported</th><th scope="col">View</th></tr></thead><tbody>
      ${rows.map((o) => html`<tr><td>${o.name}</td><td>${o.version}</td><td>${shortTime(o.createdAt)}</td><td><a href="/repository/${type}/${encodeURIComponent(o.name)}?version=${o.version}&format=xml">XML</a> · <a href="/repository/${type}/${encodeURIComponent(o.name)}?version=${o.version}&format=json">JSON</a></td></tr>`)}</tbody></table></div>`}`;
    return sendPage(reply, page(ctx, '/repository', 'Repository', body));
  });

  app.get<{ Params: { type: string; name: string } }>('/repository/:type/:name', { config }, async (request, reply) => {
    const ctx = await administrator(request, deps);
    const { type, name } = request.params;
    const q = request.query as Record<string, string | undefined>;
    if (!(ObjectTypes as readonly string[]).includes(type)) throw new NotFoundError('OBJECT_NOT_FOUND', `no object type ${type}`, { type });
    const version = q.version && /^\d{1,9}$/.test(q.version) ? Number(q.version) : undefined;
    const o = version === undefined ? await repository.objects.getLatest(type as ObjectType, name) : await repository.objects.getVersion(type as ObjectType, name, version);
    if (!o) throw new NotFoundError('OBJECT_NOT_FOUND', `no ${type} ${name}`, { type, name });
    const json = q.format === 'json';
    const body = html`<p><a href="?version=${o.version}&format=xml">XML</a> · <a href="?version=${o.version}&format=json">JSON (the compiled model)</a></p><pre id="object-text">${json ? JSON.stringify(o.model, null, 2) : o.xml}</pre>`;
    return sendPage(reply, page(ctx, '/repository', `${type} ${name} v${o.version} (${json ? 'JSON' : 'XML'})`, body));
  });
}
