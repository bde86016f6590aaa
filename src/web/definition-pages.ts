/**
 * Definitions: every TaskDefinition and Workflow (latest version), one definition's versions and its process
 * diagram, with an instance's position and path when `?instance=` names one the caller may see.
 */
import type { FastifyInstance } from 'fastify';
import type { ProcessObject } from '../definition/model/objects.js';
import type { ProcessModel } from '../definition/model/process.js';
import type { ActivityHistoryEntry } from '../engine/engine-api.js';
import { NotFoundError } from '../errors.js';
import { PUBLIC } from '../http/route-access.js';
import type { RouteDeps } from '../http/server.js';
import { sendPage, signedIn } from './console.js';
import { drawProcess, type Highlight } from './diagram.js';
import { html, raw, shortTime } from './html.js';
import { page } from './layout.js';

const config = { access: PUBLIC };
const TYPES = ['TaskDefinition', 'Workflow'] as const;
type DefType = (typeof TYPES)[number];

export async function registerDefinitionPages(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { engine, repository } = deps;

  app.get('/definitions', { config }, async (request, reply) => {
    const ctx = await signedIn(request, deps);
    const sections = [];
    for (const type of TYPES) {
      const rows = await repository.objects.listLatest(type);
      sections.push(html`<h2>${type}s</h2>${
        rows.length === 0
          ? html`<p class="muted">None.</p>`
          : html`<div class="table-wrap"><table><thead><tr><th scope="col">Name</th><th scope="col">Latest version</th><th scope="col">Activities</th><th scope="col">Imported</th></tr></thead><tbody>
        ${rows.map((s) => html`<tr><td><a href="/definitions/${type}/${encodeURIComponent(s.name)}">${s.name}</a></td><td>${s.version}</td><td>${(s.model as ProcessObject).process?.activities.length ?? 0}</td><td>${shortTime(s.createdAt)}</td></tr>`)}
        </tbody></table></div>`
      }`);
    }
    return sendPage(reply, page(ctx, '/definitions', 'Definitions', html`${sections}`));
  });

  app.get<{ Params: { type: string; name: string } }>('/definitions/:type/:name', { config }, async (request, reply) => {
    const ctx = await signedIn(request, deps);
    const { type, name } = request.params;
    const q = request.query as Record<string, string | undefined>;
    if (!(TYPES as readonly string[]).includes(type)) throw new NotFoundError('DEFINITION_NOT_FOUND', `no ${type} ${name}`, { type, name });
    const version = q.version && /^\d{1,9}$/.test(q.version) ? Number(q.version) : undefined;
    const stored = version === undefined ? await repository.objects.getLatest(type as DefType, name) : await repository.objects.getVersion(type as DefType, name, version);
    if (!stored) throw new NotFoundError('DEFINITION_NOT_FOUND', `no ${type} ${name}${version ? ` version ${version}` : ''}`, { type, name });
    const versions = await repository.objects.versions(type as DefType, name);
    const process = (stored.model as ProcessObject).process;
    if (!process) throw new NotFoundError('DEFINITION_NOT_FOUND', `${type} ${name} holds no process to draw`, { type, name });
    let highlight: Highlight | undefined;
    let instanceNote = raw('');
    if (q.instance) {
      // The engine decides whether this caller may see that instance; a refusal shows as the error page.
      const t = await engine.getTask(q.instance.slice(0, 100), ctx.caller);
      const audit = await repository.runtime.listAudit({ instanceId: t.id, limit: 10_000 });
      const position = new Set(t.position);
      highlight = { position, visited: pathOf(process, t.history, audit.flatMap((e) => (e.activity ? [e.activity] : [])), position) };
      instanceNote = html`<p class="notice">Highlighted: <a href="/tasks/${t.id}">${t.name}</a> (${t.state}); yellow is where it is now, blue is where it has been.</p>`;
    }
    const svg = await drawProcess(process, highlight);
    const body = html`${instanceNote}
      <dl class="facts"><dt>Type</dt><dd>${type}</dd><dt>Version</dt><dd>${stored.version} of ${versions.length}</dd><dt>Source</dt><dd>${stored.sourceFile}</dd><dt>Start</dt><dd>${process.start}</dd></dl>
      <h2>Diagram</h2><figure class="diagram" id="diagram">${raw(svg)}<figcaption class="muted">Laid out by elkjs from the process model; the rounded box is the start.</figcaption></figure>
      <h2>Versions</h2><ul>${versions.map((v) => html`<li><a href="/definitions/${type}/${encodeURIComponent(name)}?version=${v.version}">version ${v.version}</a> <span class="muted">${shortTime(v.createdAt)}</span>${v.version === stored.version ? ' (shown)' : ''}</li>`)}</ul>
      <h2>Variables</h2>${process.variables.length === 0 ? html`<p class="muted">None.</p>` : html`<ul>${process.variables.map((v) => html`<li><code>${v.name}</code>${v.input ? ' (input)' : ''}${v.output ? ' (output)' : ''}${v.comments ? html` — ${v.comments}` : ''}</li>`)}</ul>`}`;
    return sendPage(reply, page(ctx, '/definitions', `${name}`, body));
  });
}

/**
 * The activities an instance passed: those its history and audit name, the targets of the decisions it took, and
 * from there the chain of system states (one way out) up to the next activity it was at. The audit names manual
 * activities; system states between them are inferred from the model (docs/decisions/console-diagrams.md).
 */
function pathOf(process: ProcessModel, history: readonly ActivityHistoryEntry[], audited: readonly string[], position: ReadonlySet<string>): Set<string> {
  const byName = new Map(process.activities.map((a) => [a.name, a]));
  const visited = new Set<string>([...history.map((h) => h.activity), ...audited].filter((n) => byName.has(n)));
  const walk = (from: string): void => {
    let at = byName.get(from);
    for (let guard = 0; at && guard < process.activities.length; guard++) {
      if (visited.has(at.name) && at.name !== from) return;
      visited.add(at.name);
      if (position.has(at.name) || at.transitions.length !== 1) return;
      at = byName.get(at.transitions[0]!.to);
    }
  };
  for (const h of history) {
    if (h.decision === undefined) continue;
    const next = byName.get(h.activity)?.transitions.find((tr) => tr.decision === h.decision || tr.name === h.decision);
    if (next) walk(next.to);
  }
  return visited;
}
