/**
 * Manage Tasks (every TaskInstance the engine lets this caller see, filtered, with progress; suspend, resume,
 * terminate; bulk terminate by filter after a confirmation page) and Workflow Overview (one instance: its facts,
 * activity history and full audit record, also after it ended).
 */
import type { FastifyInstance } from 'fastify';
import type { TaskFilter, TaskInstanceView, TaskState } from '../engine/engine-api.js';
import { InvalidInputError } from '../errors.js';
import { decodeCursor, encodeAfter } from '../http/pagination.js';
import { PUBLIC } from '../http/route-access.js';
import type { RouteDeps } from '../http/server.js';
import { back, formOf, noticeOf, sendPage, signedIn } from './console.js';
import { html, raw, shortTime, type Html } from './html.js';
import { show } from './inbox-pages.js';
import { csrfField, page, type PageContext } from './layout.js';

const config = { access: PUBLIC };
const STATES = ['ready', 'executing', 'suspended', 'finished', 'terminated'] as const;
const PAGE = 50;
const BULK_CAP = 10_000;

interface Filter {
  readonly state?: TaskState;
  readonly definition?: string;
  readonly subject?: string;
  readonly since?: string;
  readonly until?: string;
}

function filterOf(q: Record<string, string | undefined>): Filter {
  const pick = (k: string): string | undefined => (q[k] && q[k]!.trim() !== '' ? q[k]!.trim().slice(0, 256) : undefined);
  const state = pick('state');
  return {
    ...(state && (STATES as readonly string[]).includes(state) && { state: state as TaskState }),
    ...(pick('definition') && { definition: pick('definition')! }),
    ...(pick('subject') && { subject: pick('subject')! }),
    ...(pick('since') && { since: pick('since')! }),
    ...(pick('until') && { until: pick('until')! }),
  };
}

/** A date field (YYYY-MM-DD, the day in UTC) or a full date-time, as epoch ms; `until` covers its whole day. */
function day(name: string, text: string | undefined, endOfDay: boolean): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(/^\d{4}-\d\d-\d\d$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(ms)) throw new InvalidInputError('HTTP_INVALID_REQUEST', `${name} must be a date (YYYY-MM-DD), not ${JSON.stringify(text)}`, { [name]: text });
  return endOfDay && /^\d{4}-\d\d-\d\d$/.test(text) ? ms + 86_400_000 - 1 : ms;
}

function engineFilter(f: Filter): TaskFilter {
  const since = day('since', f.since, false);
  const until = day('until', f.until, true);
  return {
    ...(f.state && { state: f.state }),
    ...(f.definition && { definition: f.definition }),
    ...(f.subject && { subject: f.subject }),
    ...(since !== undefined && { since }),
    ...(until !== undefined && { until }),
  };
}

function query(f: Filter): string {
  return new URLSearchParams(Object.entries(f).filter(([, v]) => v !== undefined) as [string, string][]).toString();
}

function stateBadge(t: Pick<TaskInstanceView, 'state' | 'waiting'>): Html {
  return html`<span class="state state-${t.state}">${t.state}${t.state === 'executing' && t.waiting ? ' (waiting)' : ''}</span>`;
}

function progressOf(t: TaskInstanceView): Html {
  const done = t.history.filter((h) => h.completedAt !== undefined).length;
  const label = t.state === 'finished' || t.state === 'terminated' ? 'ended' : t.position.length ? `at ${t.position.join(', ')}` : '';
  return html`<div>${done} step${done === 1 ? '' : 's'} decided${label ? `, ${label}` : ''}</div>${t.progress ? html`<div class="muted">${t.progress.message}</div>` : ''}`;
}

export function registerTaskPages(app: FastifyInstance, deps: RouteDeps): void {
  const { engine, repository, policy } = deps;

  app.get('/tasks', { config }, async (request, reply) => {
    const ctx = await signedIn(request, deps);
    const q = request.query as Record<string, string | undefined>;
    const f = filterOf(q);
    const cursor = typeof q.after === 'string' ? q.after : undefined;
    const result = await engine.listTasksPage({ ...engineFilter(f), order: 'desc', limit: PAGE, ...(cursor && { after: decodeCursor(cursor) }) }, ctx.caller);
    const mayBulk = (await policy.mayControlAll(ctx.caller, 'terminate')).allowed;
    const notice = noticeOf(request);
    const next = result.next ? `/tasks?${query(f)}&after=${encodeURIComponent(encodeAfter(result.next))}` : undefined;
    const body = html`${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
      <form class="filters" method="get" action="/tasks">
        <div><label for="f-state">State</label><select id="f-state" name="state"><option value="">any</option>${STATES.map((s) => html`<option${raw(s === f.state ? ' selected' : '')}>${s}</option>`)}</select></div>
        <div><label for="f-def">Definition</label><input id="f-def" name="definition" value="${f.definition ?? ''}"></div>
        <div><label for="f-subject">Subject</label><input id="f-subject" name="subject" value="${f.subject ?? ''}"></div>
        <div><label for="f-since">Created from</label><input id="f-since" name="since" type="date" value="${f.since ?? ''}"></div>
        <div><label for="f-until">Created until</label><input id="f-until" name="until" type="date" value="${f.until ?? ''}"></div>
        <div><button type="submit">Apply</button></div>
      </form>
      ${
        result.items.length === 0
          ? html`<p class="muted">No workflows you may see match.</p>`
          : html`<div class="table-wrap"><table id="tasks"><caption class="muted">Newest first</caption><thead><tr><th scope="col">Workflow</th><th scope="col">State</th><th scope="col">Subject</th><th scope="col">Started by</th><th scope="col">Progress</th><th scope="col">Created</th></tr></thead><tbody>
        ${result.items.map((t) => html`<tr><td><a href="/tasks/${t.id}">${t.definition.name}</a><div class="muted">${t.name}</div></td><td>${stateBadge(t)}</td><td>${t.subject ?? ''}</td><td>${t.launcher}</td><td>${progressOf(t)}</td><td>${shortTime(t.createdAt)}</td></tr>`)}
        </tbody></table></div>`
      }
      ${next ? html`<p><a href="${next}">Older workflows</a></p>` : ''}
      ${
        mayBulk
          ? html`<h2>Bulk terminate</h2><p>Terminates every unfinished workflow the filter above selects. You will see how many and confirm first.</p>
        <form method="get" action="/tasks/terminate">${Object.entries(f).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}<button type="submit" class="danger">Terminate all that match…</button></form>`
          : ''
      }`;
    return sendPage(reply, page(ctx, '/tasks', 'Manage Tasks', body));
  });

  // The confirmation step of a bulk terminate: how many, then a POST that names the same filter and confirm=yes.
  app.get('/tasks/terminate', { config }, async (request, reply) => {
    const ctx = await signedIn(request, deps);
    const f = filterOf(request.query as Record<string, string | undefined>);
    const matching = await countUnfinished(deps, ctx, f);
    const body = html`<p class="notice error" role="alert">This terminates <strong id="bulk-count">${matching >= BULK_CAP ? `${BULK_CAP} or more` : matching}</strong> unfinished workflow${matching === 1 ? '' : 's'}${describe(f)}. Their open work items are cancelled. This cannot be undone.</p>
      <form method="post" action="/tasks/terminate" data-confirm="Terminate ${matching} workflows?">${csrfField(ctx)}
        ${Object.entries(f).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
        <div class="field"><input type="checkbox" id="confirm" name="confirm" value="yes" required> <label for="confirm" class="inline">I understand: terminate them</label></div>
        <div class="actions"><button type="submit" class="danger">Terminate</button><a class="button secondary" href="/tasks?${query(f)}">Cancel</a></div></form>`;
    return sendPage(reply, page(ctx, '/tasks', 'Confirm bulk terminate', body));
  });

  app.post('/tasks/terminate', { config }, async (request, reply) => {
    const ctx = await signedIn(request, deps);
    const form = formOf(request);
    const f = filterOf(form);
    if (form.confirm !== 'yes') return back(reply, `/tasks/terminate?${query(f)}`, 'Tick the confirmation first.');
    const n = await engine.terminateMany({ ...engineFilter(f), limit: BULK_CAP }, ctx.caller);
    return back(reply, `/tasks?${query(f)}`, `Terminated ${n} workflow${n === 1 ? '' : 's'}.`);
  });

  for (const action of ['suspend', 'resume', 'terminate'] as const) {
    app.post<{ Params: { id: string } }>(`/tasks/:id/${action}`, { config }, async (request, reply) => {
      const ctx = await signedIn(request, deps);
      const t = await engine[action](request.params.id, ctx.caller);
      return back(reply, `/tasks/${t.id}`, `${t.definition.name} is now ${t.state}.`);
    });
  }

  app.get<{ Params: { id: string } }>('/tasks/:id', { config }, async (request, reply) => {
    const ctx = await signedIn(request, deps);
    const t = await engine.getTask(request.params.id, ctx.caller);
    const audit = await repository.runtime.listAudit({ instanceId: t.id, limit: 10_000 });
    const items = await engine.listWorkItems({ instanceId: t.id, limit: 200 }, ctx.caller);
    const controls: Html[] = [];
    for (const action of ['suspend', 'resume', 'terminate'] as const) {
      const fits = action === 'suspend' ? t.state === 'executing' || t.state === 'ready' : action === 'resume' ? t.state === 'suspended' : t.state !== 'finished' && t.state !== 'terminated';
      if (fits && (await policy.mayControl(ctx.caller, action, t)).allowed) {
        controls.push(
          html`<form class="inline" method="post" action="/tasks/${t.id}/${action}"${raw(action === 'terminate' ? ' data-confirm="Terminate this workflow?"' : '')}>${csrfField(ctx)}<button type="submit" class="${action === 'terminate' ? 'danger' : 'secondary'}">${action[0]!.toUpperCase() + action.slice(1)}</button></form>`,
        );
      }
    }
    const notice = noticeOf(request);
    const body = html`${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
      <dl class="facts">
        <dt>State</dt><dd id="task-state">${stateBadge(t)}</dd>
        <dt>Definition</dt><dd><a href="/definitions/${t.definition.type}/${encodeURIComponent(t.definition.name)}?version=${t.definition.version}&instance=${t.id}">${t.definition.name} v${t.definition.version}</a> (diagram with this workflow's path)</dd>
        <dt>Task name</dt><dd>${t.name}</dd>
        <dt>Subject</dt><dd>${t.subject ?? ''}</dd>
        <dt>Started by</dt><dd>${t.launcher}</dd>
        <dt>Position</dt><dd>${t.position.join(', ') || '—'}</dd>
        <dt>Progress</dt><dd>${progressOf(t)}</dd>
        <dt>Created</dt><dd>${shortTime(t.createdAt)}</dd>
        ${t.finishedAt ? html`<dt>Ended</dt><dd>${shortTime(t.finishedAt)}</dd>` : ''}
        ${t.result ? html`<dt>Result</dt><dd>${show(t.result)}</dd>` : ''}
      </dl>
      ${controls.length ? html`<div class="actions">${controls}</div>` : ''}
      <h2>Work items</h2>
      ${items.length === 0 ? html`<p class="muted">None.</p>` : html`<div class="table-wrap"><table><thead><tr><th scope="col">Activity</th><th scope="col">Assigned to</th><th scope="col">State</th><th scope="col">Decision</th></tr></thead><tbody>
        ${items.map((w) => html`<tr><td><a href="/inbox/${w.id}">${w.activity}</a></td><td>${w.owner ?? w.permission ?? ''}</td><td>${w.state}</td><td>${w.decision ? `${w.decision} by ${w.decidedBy ?? ''}` : ''}</td></tr>`)}</tbody></table></div>`}
      <h2>History</h2>
      ${t.history.length === 0 ? html`<p class="muted">No manual step yet.</p>` : html`<ol id="history">${t.history.map((h) => html`<li><strong>${h.activity}</strong> ${h.decision ? html`— <span class="decision">${h.decision}</span> by ${h.actor ?? ''}` : h.cancelled ? '— cancelled' : h.timedOut ? '— timed out' : '— open'}${h.comment ? html`: “${h.comment}”` : ''} <span class="muted">${shortTime(h.enteredAt)}${h.completedAt ? ` → ${shortTime(h.completedAt)}` : ''}</span></li>`)}</ol>`}
      <h2>Audit record</h2>
      <div class="table-wrap"><table id="audit"><thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Activity</th><th scope="col">Who</th><th scope="col">Details</th></tr></thead><tbody>
      ${audit.map((e) => html`<tr><td>${shortTime(new Date(e.at).toISOString())}</td><td>${e.event}</td><td>${e.activity ?? ''}</td><td>${e.actor ?? ''}</td><td>${e.data ? JSON.stringify(e.data) : ''}</td></tr>`)}
      </tbody></table></div>`;
    return sendPage(reply, page(ctx, '/tasks', `Workflow Overview: ${t.definition.name}`, body));
  });
}

function describe(f: Filter): string {
  const parts = Object.entries(f).map(([k, v]) => `${k} ${String(v)}`);
  return parts.length ? ` (${parts.join(', ')})` : ' (no filter: every unfinished workflow)';
}

async function countUnfinished(deps: RouteDeps, ctx: Required<PageContext>, f: Filter): Promise<number> {
  if (f.state === 'finished' || f.state === 'terminated') return 0;
  let n = 0;
  let after: TaskFilter['after'];
  for (;;) {
    const pageOf = await deps.engine.listTasksPage({ ...engineFilter(f), limit: 500, ...(after && { after }) }, ctx.caller);
    n += pageOf.items.filter((t) => t.state !== 'finished' && t.state !== 'terminated').length;
    if (!pageOf.next || n >= BULK_CAP) return n;
    after = pageOf.next;
  }
}
