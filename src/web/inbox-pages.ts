/**
 * My Tasks: the signed-in person's inbox (the work items the engine lists for this caller: owned, delegated, or held
 * through a permission), with counts, due dates and filters, and one item's form: its exposed and editable
 * variables, the subject's identity, every decision the template offers with a comment, and delegation.
 */
import type { FastifyInstance } from 'fastify';
import type { WorkItemView } from '../engine/engine-api.js';
import { toWorkItemView } from '../engine/task-view.js';
import type { XValue } from '../expression/env.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import type { AbsenceRecord } from '../repository/absence-store.js';
import { PUBLIC } from '../http/route-access.js';
import type { RouteDeps } from '../http/server.js';
import { back, formOf, noticeOf, sendPage, signedIn } from './console.js';
import { html, raw, shortTime, type Html } from './html.js';
import { csrfField, page, type PageContext } from './layout.js';

const config = { access: PUBLIC };
const STATES = ['open', 'decided', 'cancelled', 'timeout'] as const;
const COUNT_CAP = 1000;

export function registerInboxPages(app: FastifyInstance, deps: RouteDeps): void {
  const { engine, repository, policy, clock } = deps;

  app.get('/inbox', { config }, async (request, reply) => {
    const ctx = await signedIn(request, deps);
    const q = request.query as Record<string, string | undefined>;
    const state = (STATES as readonly string[]).includes(q.state ?? '') ? (q.state as WorkItemView['state']) : 'open';
    const text = (q.q ?? '').trim().toLowerCase().slice(0, 200);
    const due = q.due === 'overdue' || q.due === 'dated' ? q.due : '';
    const now = clock();
    const open = await engine.listWorkItems({ state: 'open', owner: ctx.caller.person, limit: COUNT_CAP }, ctx.caller);
    const overdue = open.filter((w) => w.dueAt !== undefined && Date.parse(w.dueAt) < now).length;
    const listed = state === 'open' ? open : await engine.listWorkItems({ state, owner: ctx.caller.person, order: 'desc', limit: 200 }, ctx.caller);
    const items = listed.filter(
      (w) =>
        (text === '' || `${w.definition} ${w.activity} ${w.request} ${String(w.variables.subject ?? '')}`.toLowerCase().includes(text)) &&
        (due === '' || (w.dueAt !== undefined && (due === 'dated' || Date.parse(w.dueAt) < now))),
    );
    const notice = noticeOf(request);
    const body = html`
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
      <div class="counts" aria-label="Counts">
        <div class="count"><strong id="count-open">${open.length >= COUNT_CAP ? `${COUNT_CAP}+` : open.length}</strong>open</div>
        <div class="count"><strong id="count-overdue" class="${overdue > 0 ? 'overdue' : ''}">${overdue}</strong>overdue</div>
      </div>
      <h2>Filter</h2>
      <form class="filters" method="get" action="/inbox">
        <div><label for="f-state">State</label><select id="f-state" name="state">${STATES.map((s) => html`<option${raw(s === state ? ' selected' : '')}>${s}</option>`)}</select></div>
        <div><label for="f-due">Due</label><select id="f-due" name="due">
          <option value=""${raw(due === '' ? ' selected' : '')}>any</option><option value="dated"${raw(due === 'dated' ? ' selected' : '')}>with a due date</option><option value="overdue"${raw(due === 'overdue' ? ' selected' : '')}>overdue</option></select></div>
        <div><label for="f-q">Contains</label><input id="f-q" name="q" value="${q.q ?? ''}" placeholder="workflow, activity, subject"></div>
        <div><button type="submit">Apply</button></div>
      </form>
      <h2>${items.length} ${state} item${items.length === 1 ? '' : 's'}</h2>
      ${items.length === 0 ? html`<p class="muted">Nothing here. Work that needs you appears in this list.</p>` : itemTable(items, now)}
      ${outOfOfficeSection(ctx, await engine.listAbsences(ctx.caller), now)}`;
    return sendPage(reply, page(ctx, '/inbox', 'My Tasks', body));
  });

  app.get<{ Params: { id: string } }>('/inbox/:id', { config }, async (request, reply) => {
    const ctx = await signedIn(request, deps);
    const row = await repository.runtime.getWorkItem(request.params.id);
    if (!row) throw new NotFoundError('WORKITEM_NOT_FOUND', `no work item ${request.params.id}`, { workItemId: request.params.id });
    const item = toWorkItemView(row);
    const instance = await repository.runtime.getInstance(item.instanceId);
    const verdict = item.state === 'open' && instance !== undefined ? await policy.mayDecide(ctx.caller, item, instance) : undefined;
    const mayDecide = verdict?.allowed === true;
    // Not the decider: the item is shown only to those who may see its instance (the engine refuses the others).
    const task = await engine.getTask(item.instanceId, mayDecide ? undefined : ctx.caller);
    const subjectLogin = typeof item.variables.subject === 'string' ? item.variables.subject : task.subject;
    const identity = subjectLogin ? await repository.identities.findIdentity(subjectLogin).catch(() => undefined) : undefined;
    const editable = new Set(item.editable);
    const delegation = row.decisions.find((d) => d.kind === 'assign');
    const notice = noticeOf(request);
    const body = html`
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
      <dl class="facts">
        <dt>Request</dt><dd id="request">${item.request || item.activity}</dd>
        <dt>Workflow</dt><dd><a href="/tasks/${item.instanceId}">${item.definition}</a> (${task.state})</dd>
        <dt>Activity</dt><dd>${item.activity}</dd>
        <dt>State</dt><dd id="item-state">${item.state}${item.decision ? ` — ${item.decision} by ${item.decidedBy ?? '?'}` : ''}</dd>
        <dt>Assigned to</dt><dd>${item.owner ?? (item.permission ? `holders of ${item.permission}` : 'anyone allowed')}${item.delegatedFrom ? ` (delegated by ${item.delegatedFrom})` : ''}</dd>
        <dt>Due</dt><dd>${item.dueAt ? shortTime(item.dueAt) : 'no due date'}</dd>
        <dt>Created</dt><dd>${shortTime(item.createdAt)}</dd>
      </dl>
      <h2>Subject</h2>
      ${
        identity
          ? html`<dl class="facts"><dt>Login</dt><dd>${identity.identity.login}</dd><dt>State</dt><dd>${identity.identity.state}</dd>
              <dt>Organisation</dt><dd>${identity.identity.organization ?? ''}</dd>
              <dt>Assignments</dt><dd>${identity.assignments.length}</dd><dt>Accounts</dt><dd>${identity.accounts.map((a) => `${a.connector}:${a.login}`).join(', ') || 'none'}</dd></dl>`
          : html`<p class="muted">${subjectLogin ? `${subjectLogin} has no identity record yet.` : 'No subject named yet.'}</p>`
      }
      ${
        mayDecide
          ? html`<h2>Decide</h2>
        <form method="post" action="/inbox/${item.id}/decide">${csrfField(ctx)}
          ${Object.keys(item.variables).length === 0 ? '' : html`<fieldset><legend>Details</legend>${Object.entries(item.variables).map(([name, value]) => variableField(name, value, editable.has(name)))}</fieldset>`}
          <div class="field"><label for="comment">Comment (kept in the audit record)</label><textarea id="comment" name="comment" maxlength="4000"></textarea></div>
          <div class="actions">${
            item.decisions.length > 0
              ? item.decisions.filter((d) => d !== delegation?.name).map((d) => html`<button type="submit" name="decision" value="${d}" class="${/declin|reject|abort|cancel/i.test(d) ? 'danger' : ''}">${d}</button>`)
              : html`<label for="decision">Decision</label><input id="decision" name="decision" required><button type="submit">Decide</button>`
          }</div>
        </form>
        ${
          delegation
            ? html`<h2>Delegate</h2><form method="post" action="/inbox/${item.id}/delegate">${csrfField(ctx)}
              <div class="field"><label for="to">Delegate to (account name)</label><input id="to" name="to" required maxlength="256"></div>
              <div class="field"><label for="dcomment">Note for the delegate (kept in the audit record)</label><textarea id="dcomment" name="comment" maxlength="4000"></textarea></div>
              <button type="submit" class="secondary">Delegate</button></form>`
            : ''
        }`
          : html`<p class="notice">${item.state !== 'open' ? 'This item is closed.' : `You may look at this item but not decide it${verdict && !verdict.allowed ? `: ${verdict.reason}` : ''}.`}</p>
            ${Object.keys(item.variables).length === 0 ? '' : html`<dl class="facts">${Object.entries(item.variables).map(([n, v]) => html`<dt>${n}</dt><dd>${show(v)}</dd>`)}</dl>`}`
      }`;
    return sendPage(reply, page(ctx, '/inbox', `${item.definition}: ${item.activity}`, body));
  });

  app.post<{ Params: { id: string } }>('/inbox/:id/decide', { config }, async (request, reply) => {
    const ctx = await signedIn(request, deps);
    const form = formOf(request);
    const row = await repository.runtime.getWorkItem(request.params.id);
    if (!row) throw new NotFoundError('WORKITEM_NOT_FOUND', `no work item ${request.params.id}`, { workItemId: request.params.id });
    const item = toWorkItemView(row);
    const variables: Record<string, XValue> = {};
    for (const name of item.editable) {
      const sent = form[`var.${name}`];
      if (sent !== undefined) variables[name] = typed(sent, item.variables[name]);
    }
    const decision = form.decision ?? '';
    const result = await engine.decide({
      workItemId: item.id,
      decision,
      actor: ctx.caller,
      ...(Object.keys(variables).length > 0 && { variables }),
      ...(form.comment ? { comment: form.comment.slice(0, 4000) } : {}),
    });
    const next = result.next && result.next.owner === ctx.caller.person ? `/inbox/${result.next.id}` : '/inbox';
    return back(reply, next, `${decision}: done. ${item.definition} is now ${result.instance.state}${result.instance.position.length ? ` at ${result.instance.position.join(', ')}` : ''}.`);
  });

  // Out of office (docs/decisions/out-of-office.md): one's own absence, declared and cleared from My Tasks.
  app.post('/inbox/out-of-office', { config }, async (request, reply) => {
    const ctx = await signedIn(request, deps);
    const form = formOf(request);
    const from = dayOf(form.from, 'from');
    const until = dayOf(form.until, 'until');
    const result = await engine.declareAbsence(
      {
        delegate: String(form.delegate ?? '').trim(),
        ...(from !== undefined && { from }),
        ...(until !== undefined && { until }),
        ...(form.note ? { note: form.note.slice(0, 1000) } : {}),
        ...(form.handOver === 'on' && { handOver: true }),
      },
      ctx.caller,
    );
    const kept = result.kept.length > 0 ? ` ${result.kept.length} item${result.kept.length === 1 ? '' : 's'} stayed with you (four-eyes rule).` : '';
    const moved = form.handOver === 'on' ? ` ${result.handedOver.length} open item${result.handedOver.length === 1 ? '' : 's'} handed over.` : '';
    return back(reply, '/inbox', `Out of office: new work goes to ${result.absence.delegate}.${moved}${kept}`);
  });

  app.post('/inbox/out-of-office/clear', { config }, async (request, reply) => {
    const ctx = await signedIn(request, deps);
    await engine.clearAbsence(undefined, ctx.caller);
    return back(reply, '/inbox', 'Welcome back: new work is yours again.');
  });

  app.post<{ Params: { id: string } }>('/inbox/:id/delegate', { config }, async (request, reply) => {
    const ctx = await signedIn(request, deps);
    const form = formOf(request);
    const row = await repository.runtime.getWorkItem(request.params.id);
    if (!row) throw new NotFoundError('WORKITEM_NOT_FOUND', `no work item ${request.params.id}`, { workItemId: request.params.id });
    const delegate = row.decisions.find((d) => d.kind === 'assign' && /delegate/i.test(d.name)) ?? row.decisions.find((d) => d.kind === 'assign');
    if (!delegate) throw new ConflictError('WORKITEM_NO_DELEGATION', `work item ${row.id} offers no delegation`, { workItemId: row.id });
    await engine.decide({ workItemId: row.id, decision: delegate.name, actor: ctx.caller, assignee: String(form.to ?? ''), ...(form.comment ? { comment: form.comment } : {}) });
    return back(reply, '/inbox', `Delegated to ${form.to ?? ''}.`);
  });
}

/** A date field (YYYY-MM-DD, midnight UTC) as epoch ms; empty: not given. */
function dayOf(text: string | undefined, field: 'from' | 'until'): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const t = /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? Date.parse(`${text.trim()}T00:00:00Z`) : NaN;
  if (!Number.isFinite(t)) throw new InvalidInputError('OOO_PERIOD_INVALID', `${field} must be a date such as 2026-12-24, not "${text}"`, { [field]: text });
  return t;
}

const day = (t: number): string => new Date(t).toISOString().slice(0, 10);

/** My Tasks' out-of-office control: one's own absence (or a form to declare one), and whose work one holds. */
function outOfOfficeSection(ctx: PageContext, absences: readonly AbsenceRecord[], now: number): Html {
  const me = ctx.caller?.person;
  const own = absences.find((a) => a.person === me);
  const holding = absences.filter((a) => a.delegate === me && a.from <= now && (a.until === null || a.until > now));
  const period = (a: AbsenceRecord, mine = false) => `from ${day(a.from)}${a.until === null ? (mine ? ' until you clear it' : ' until cleared') : ` until ${day(a.until)}`}`;
  return html`<section id="out-of-office" aria-labelledby="ooo-title"><h2 id="ooo-title">Out of office</h2>
    ${
      own
        ? html`<p class="notice" id="ooo-status">You are out of office ${period(own, true)}: new work items that name you go to <strong>${own.delegate}</strong>, with you kept as the original owner.</p>
          <form method="post" action="/inbox/out-of-office/clear">${csrfField(ctx)}<button type="submit" class="secondary">I am back</button></form>`
        : html`<p class="muted">Going away? New work items that name you will go to your delegate meanwhile. An approval of the delegate's own request stays with you.</p>
          <form method="post" action="/inbox/out-of-office">${csrfField(ctx)}
            <div class="field"><label for="ooo-delegate">Delegate (account name)</label><input id="ooo-delegate" name="delegate" required maxlength="256"></div>
            <div class="field"><label for="ooo-from">Away from (empty: now)</label><input id="ooo-from" name="from" type="date"></div>
            <div class="field"><label for="ooo-until">Back on (empty: until you clear it)</label><input id="ooo-until" name="until" type="date"></div>
            <div class="field"><label for="ooo-note">Note (kept in the audit record)</label><input id="ooo-note" name="note" maxlength="1000"></div>
            <div class="field"><label><input type="checkbox" name="handOver" id="ooo-hand-over"> Hand my open items over now</label></div>
            <button type="submit">Set out of office</button></form>`
    }
    ${holding.length === 0 ? '' : html`<p id="ooo-holding">You hold the new work of ${holding.map((a) => `${a.person} (${period(a)})`).join(', ')}.</p>`}
  </section>`;
}

function itemTable(items: readonly WorkItemView[], now: number): Html {
  return html`<div class="table-wrap"><table id="inbox"><caption class="muted">Oldest first</caption><thead><tr><th scope="col">Request</th><th scope="col">Workflow</th><th scope="col">Subject</th><th scope="col">Due</th><th scope="col">Created</th></tr></thead><tbody>
    ${items.map((w) => {
      const late = w.dueAt !== undefined && Date.parse(w.dueAt) < now && w.state === 'open';
      return html`<tr><td><a href="/inbox/${w.id}">${w.request || w.activity}</a><div class="muted">${w.activity}${w.delegatedFrom ? ` — for ${w.delegatedFrom}` : ''}</div></td><td>${w.definition}</td><td>${show(w.variables.subject ?? '')}</td>
        <td class="${late ? 'overdue' : ''}">${w.dueAt ? shortTime(w.dueAt) : '—'}${late ? ' (overdue)' : ''}</td><td>${shortTime(w.createdAt)}</td></tr>`;
    })}</tbody></table></div>`;
}

function variableField(name: string, value: XValue, editable: boolean): Html {
  const id = `var-${name.replace(/[^\w-]/g, '_')}`;
  if (!editable) return html`<div class="field"><label for="${id}">${name}</label><output id="${id}">${show(value)}</output></div>`;
  if (typeof value === 'boolean') {
    return html`<div class="field"><label for="${id}">${name}</label><select id="${id}" name="var.${name}"><option${raw(value ? ' selected' : '')}>true</option><option${raw(value ? '' : ' selected')}>false</option></select></div>`;
  }
  return html`<div class="field"><label for="${id}">${name}</label><input id="${id}" name="var.${name}" value="${value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value)}"></div>`;
}

/** A form value back in the type the variable had (the form sends strings). */
function typed(sent: string, before: XValue | undefined): XValue {
  if (typeof before === 'number' && sent.trim() !== '' && Number.isFinite(Number(sent))) return Number(sent);
  if (typeof before === 'boolean') return sent === 'true';
  // A list or map is shown as JSON and comes back as JSON; text that does not parse stays text (the engine validates).
  if (before !== null && typeof before === 'object') {
    try {
      return JSON.parse(sent) as XValue;
    } catch {
      return sent;
    }
  }
  return sent;
}

export function show(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
