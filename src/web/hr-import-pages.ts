/**
 * HR imports (docs/console.md, docs/decisions/console-hr-imports.md): upload an HR file for a source, see its plan
 * (who joins, moves, leaves, which workflows start when, or every refused row with its line and reason), run it and
 * watch its progress, and read past runs with their plans. The plan and the run are `idflow hr import`'s own
 * (`importHrFile`): the preview is its dry run, so it shows exactly what the run will do, and a bad file is refused
 * whole by the same checks, changing nothing.
 *
 * Who: administrators and holders of `/Custom/HR/Import` (`mayImportHr`), for the pages and for the API's HR runs.
 *
 * The uploaded bytes travel back with the preview's Run form (a hidden field) instead of being kept on the server:
 * any console process can run what any other previewed, and nothing is left behind when nobody presses Run. A run
 * goes on in the background of the process that took the form; its page reads its progress from the repository (the
 * run's launches by state), so any process shows it and it survives reloads.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireAllowed } from '../access/authorize.js';
import { importHrFile, planSummary } from '../connectors/hr/hr-import.js';
import { HrFileRefusedError } from '../connectors/hr/hr-errors.js';
import type { XValue } from '../expression/env.js';
import { IdflowError, InvalidInputError, NotFoundError } from '../errors.js';
import { errorBody } from '../http/http-errors.js';
import { PUBLIC } from '../http/route-access.js';
import type { RouteDeps } from '../http/server.js';
import type { HrRunRecord } from '../repository/hr-store.js';
import { formOf, sendPage, signedIn } from './console.js';
import { html, raw, shortTime, type Html } from './html.js';
import { csrfField, page, type PageContext } from './layout.js';

/** The largest HR file the console takes: about 50,000 rows of a typical export. */
export const HR_UPLOAD_LIMIT = 8 * 1024 * 1024;
/** The upload form: the file and a few fields. */
const UPLOAD_BODY_LIMIT = HR_UPLOAD_LIMIT + 64 * 1024;
/** The Run form carries the file back as base64url (4 characters for 3 bytes, none of them escaped). */
const RUN_BODY_LIMIT = Math.ceil(HR_UPLOAD_LIMIT / 3) * 4 + 64 * 1024;
/** Rows of a plan shown on a page; the rest are counted. */
const SHOWN = 500;
/** Seconds between reloads of a running import's page. */
const REFRESH_SECONDS = 2;

const config = { access: PUBLIC };

interface UploadedFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** A run this process started, known before the run is recorded, and why it failed when the record never came. */
interface Job {
  readonly startedAt: number;
  finished: boolean;
  error?: { readonly code: string; readonly message: string };
}

export function tooLarge(what: string): InvalidInputError {
  return new InvalidInputError('HR_UPLOAD_TOO_LARGE', `${what} is larger than the ${HR_UPLOAD_LIMIT / 1024 / 1024} MiB an HR import takes in the console: split the file, or import it with \`idflow hr import\``, {
    limit: HR_UPLOAD_LIMIT,
  });
}

/** `multipart/form-data` into fields (strings) and files, through the platform's own parser (undici's FormData). */
async function parseMultipart(contentType: string, body: Buffer): Promise<Record<string, string | UploadedFile>> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body.buffer, body.byteOffset, body.byteLength) as unknown as ConstructorParameters<typeof Response>[0], { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new InvalidInputError('HR_UPLOAD_INVALID', 'the upload is not a well-formed multipart form: choose the file again and send the form from the console', {});
  }
  const out: Record<string, string | UploadedFile> = {};
  for (const [key, value] of form) {
    out[key] = typeof value === 'string' ? value : { name: value.name, bytes: new Uint8Array(await value.arrayBuffer()) };
  }
  return out;
}

async function importer(request: FastifyRequest, deps: RouteDeps): Promise<Required<PageContext>> {
  const ctx = await signedIn(request, deps);
  requireAllowed(await deps.policy.mayImportHr(ctx.caller), 'ACCESS_NOT_HR_IMPORTER', { actor: ctx.caller.person });
  return ctx;
}

const digest = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function str(v: XValue | undefined): string {
  return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}
function list(v: XValue | undefined): readonly XValue[] {
  return Array.isArray(v) ? v : [];
}
function num(v: XValue | undefined): number {
  return typeof v === 'number' ? v : 0;
}

/** One list of keys (joiners, movers, leavers), the first {@link SHOWN} of them. */
function keys(id: string, label: string, values: readonly XValue[]): Html {
  if (values.length === 0) return html``;
  return html`<details id="${id}"><summary>${label} (${values.length})</summary><p>${values.slice(0, SHOWN).map(str).join(', ')}${values.length > SHOWN ? ` … and ${values.length - SHOWN} more` : ''}</p></details>`;
}

/** A plan as the run record keeps it ({@link planSummary}) or a refusal report (`problems`). */
export function planView(plan: Readonly<Record<string, XValue>>, threshold?: number): Html {
  const problems = list(plan.problems);
  if (problems.length > 0) {
    return html`<p class="notice error" role="alert" id="hr-refused">The file was refused with ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was changed and no workflow started. Fix the rows below and upload it again.</p>
      <div class="table-wrap"><table id="hr-problems"><caption>Problems, in file order</caption><thead><tr><th scope="col">Line</th><th scope="col">Column</th><th scope="col">Key</th><th scope="col">Reason</th></tr></thead><tbody>
      ${problems.slice(0, SHOWN).map((p) => {
        const o = (p ?? {}) as Record<string, XValue>;
        return html`<tr><td>${str(o.line)}</td><td>${str(o.column)}</td><td>${str(o.key)}</td><td>${str(o.message)}</td></tr>`;
      })}</tbody></table></div>${problems.length > SHOWN ? html`<p class="muted">… and ${problems.length - SHOWN} more problems.</p>` : ''}`;
  }
  const starts = list(plan.starts);
  const over = threshold !== undefined && starts.length > threshold;
  return html`<dl class="facts" id="hr-plan">
      <dt>Rows in the file</dt><dd>${num(plan.rows)} (the last import had ${num(plan.previousRows)})</dd>
      <dt>Joiners</dt><dd id="hr-joiners">${list(plan.joiners).length}</dd>
      <dt>Movers</dt><dd id="hr-movers">${list(plan.movers).length}</dd>
      <dt>Leavers</dt><dd id="hr-leavers">${list(plan.leavers).length}</dd>
      <dt>Changed, starting nothing</dt><dd>${list(plan.updated).length}</dd>
      <dt>Unchanged</dt><dd>${num(plan.unchanged)}</dd>
      <dt>Workflows to start</dt><dd id="hr-starts">${starts.length}${threshold !== undefined ? html` <span class="${over ? 'overdue' : 'muted'}">(the source allows ${threshold} without forcing)</span>` : ''}</dd>
    </dl>
    ${keys('hr-joiner-keys', 'Who joins', list(plan.joiners))}${keys('hr-mover-keys', 'Who moves', list(plan.movers))}${keys('hr-leaver-keys', 'Who leaves', list(plan.leavers))}
    ${starts.length === 0
      ? html`<p class="muted">No workflow starts.</p>`
      : html`<div class="table-wrap"><table id="hr-start-list"><caption>Workflows that start${starts.length > SHOWN ? ` (the first ${SHOWN} of ${starts.length})` : ''}</caption><thead><tr><th scope="col">Row key</th><th scope="col">Change</th><th scope="col">Workflow</th><th scope="col">Subject</th><th scope="col">Starts</th><th scope="col">Changed attributes</th></tr></thead><tbody>
      ${starts.slice(0, SHOWN).map((s) => {
        const o = (s ?? {}) as Record<string, XValue>;
        return html`<tr><td>${str(o.key)}</td><td>${str(o.change)}</td><td>${str(o.workflow)}</td><td>${str(o.subject)}</td><td>${shortTime(str(o.at))}</td><td>${list(o.changed).map(str).join(', ')}</td></tr>`;
      })}</tbody></table></div>`}`;
}

const OUTCOME_TEXT: Record<string, string> = {
  applied: 'applied',
  refused: 'refused: nothing changed',
  stopped: 'stopped by the threshold: nothing changed',
  'dry-run': 'preview only: nothing changed',
};

function runsTable(runs: readonly HrRunRecord[]): Html {
  if (runs.length === 0) return html`<p class="muted">No HR file was imported yet.</p>`;
  return html`<div class="table-wrap"><table id="hr-runs"><thead><tr><th scope="col">When</th><th scope="col">Source</th><th scope="col">File</th><th scope="col">Outcome</th><th scope="col">Joiners</th><th scope="col">Movers</th><th scope="col">Leavers</th><th scope="col">Workflows</th><th scope="col">Problems</th></tr></thead><tbody>
    ${runs.map(
      (r) => html`<tr><td><a href="/hr-imports/runs/${encodeURIComponent(r.id)}">${shortTime(new Date(r.at).toISOString())}</a></td><td>${r.source}</td><td>${r.file}</td><td class="state outcome-${r.outcome}">${r.outcome}</td><td>${list(r.plan.joiners).length}</td><td>${list(r.plan.movers).length}</td><td>${list(r.plan.leavers).length}</td><td>${list(r.plan.starts).length}</td><td>${list(r.plan.problems).length || ''}</td></tr>`,
    )}</tbody></table></div>`;
}

export function registerHrImportPages(app: FastifyInstance, deps: RouteDeps): void {
  const { repository, engine, clock } = deps;
  const jobs = new Map<string, Job>();

  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: UPLOAD_BODY_LIMIT }, async (request: FastifyRequest, body: Buffer) =>
    parseMultipart(String(request.headers['content-type']), body),
  );

  const recentRuns = async (): Promise<HrRunRecord[]> => (await repository.hr.listRuns()).sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).slice(0, 50);

  function uploadPage(ctx: Required<PageContext>, sources: readonly string[], runs: readonly HrRunRecord[], error?: IdflowError, chosen?: string): string {
    const body = html`${error ? html`<p class="notice error" role="alert" id="hr-error"><strong>${error.code}</strong>: ${error.message}</p>` : ''}
      <p>Upload the latest file of an HR source to see what it would change: who joins, moves and leaves, and which workflows start. Nothing changes until you press Run on the plan.</p>
      ${sources.length === 0
        ? html`<p class="notice" role="status" id="hr-no-source">No HR source is set up yet. An administrator sets one with <code>idflow hr source set FILE</code> (docs/hr-feed.md).</p>`
        : html`<form method="post" action="/hr-imports/preview" enctype="multipart/form-data" class="filters" id="hr-upload">${csrfField(ctx)}
          <div><label for="hr-source">Source</label><select id="hr-source" name="source">${sources.map((s) => html`<option${raw(s === chosen ? ' selected' : '')}>${s}</option>`)}</select></div>
          <div><label for="hr-file">HR file (CSV, at most ${HR_UPLOAD_LIMIT / 1024 / 1024} MiB)</label><input id="hr-file" name="file" type="file" accept=".csv,.txt,text/csv" required></div>
          <div><button type="submit">Preview the plan</button></div></form>`}
      <h2>Past runs</h2>${runsTable(runs)}`;
    return page(ctx, '/hr-imports', 'HR imports', body);
  }

  app.get('/hr-imports', { config }, async (request, reply) => {
    const ctx = await importer(request, deps);
    return sendPage(reply, uploadPage(ctx, await repository.hr.listSources(), await recentRuns()));
  });

  app.post('/hr-imports/preview', { config, bodyLimit: UPLOAD_BODY_LIMIT }, async (request, reply) => {
    const ctx = await importer(request, deps);
    const form = (request.body ?? {}) as Record<string, string | UploadedFile | undefined>;
    const source = typeof form.source === 'string' ? form.source : '';
    const file = typeof form.file === 'object' ? form.file : undefined;
    const sources = await repository.hr.listSources();
    const refuse = async (error: IdflowError, status: number) => sendPage(reply, uploadPage(ctx, sources, await recentRuns(), error, source), status);
    if (!file || file.bytes.byteLength === 0) return refuse(new InvalidInputError('HR_UPLOAD_INVALID', 'choose a file to upload: the form arrived without one (or with an empty one)', {}), 400);
    if (file.bytes.byteLength > HR_UPLOAD_LIMIT) return refuse(tooLarge(file.name), 413);
    const name = file.name.split(/[\\/]/).pop() || 'upload.csv';
    let result;
    try {
      result = await importHrFile({ repository, engine, clock }, { source, file: name, bytes: file.bytes, dryRun: true, actor: ctx.caller.person });
    } catch (error) {
      if (error instanceof HrFileRefusedError) {
        const runId = String(error.details.runId ?? '');
        const body = html`<p><a href="/hr-imports">Back to HR imports</a></p><dl class="facts"><dt>Source</dt><dd>${source}</dd><dt>File</dt><dd>${name}</dd><dt>Recorded as</dt><dd><a href="/hr-imports/runs/${encodeURIComponent(runId)}">a refused run</a></dd></dl>
          ${planView({ problems: error.problems.map((p) => ({ ...p }) as Record<string, XValue>) })}`;
        return sendPage(reply, page(ctx, '/hr-imports', `Refused: ${name}`, body), 400);
      }
      if (error instanceof IdflowError && errorBody(error).status < 500 && errorBody(error).status !== 403) return refuse(error, errorBody(error).status);
      throw error;
    }
    const summary = planSummary(result.plan);
    const over = result.threshold !== undefined && result.plan.launches.length > result.threshold;
    const body = html`<p><a href="/hr-imports">Back to HR imports</a></p>
      <p class="notice" role="status">This is the plan of <strong>${name}</strong> for source <strong>${source}</strong> (${result.encoding}): nothing has changed yet.</p>
      ${planView(summary, result.threshold)}
      <h2>Run it</h2>
      <form method="post" action="/hr-imports/run" id="hr-run" data-confirm="Apply ${name} and start ${result.plan.launches.length} workflows?">${csrfField(ctx)}
        <input type="hidden" name="source" value="${source}"><input type="hidden" name="file" value="${name}">
        <input type="hidden" name="sha256" value="${digest(file.bytes)}"><input type="hidden" name="content" value="${Buffer.from(file.bytes).toString('base64url')}">
        ${over ? html`<div class="field"><input type="checkbox" id="hr-force" name="force" value="1"> <label class="inline" for="hr-force">Start ${result.plan.launches.length} workflows, more than the threshold of ${result.threshold} allows: I checked the plan</label></div>` : ''}
        <button type="submit">Run: apply the file and start ${result.plan.launches.length} workflow${result.plan.launches.length === 1 ? '' : 's'}</button>
      </form>
      <p class="muted">If the source's data changes before you press Run, the run plans again from the newest data: its page shows the plan it applied.</p>`;
    return sendPage(reply, page(ctx, '/hr-imports', `Plan: ${name}`, body));
  });

  app.post('/hr-imports/run', { config, bodyLimit: RUN_BODY_LIMIT }, async (request, reply) => {
    const ctx = await importer(request, deps);
    const form = formOf(request);
    const bytes = Buffer.from(String(form.content ?? ''), 'base64url');
    if (bytes.byteLength > HR_UPLOAD_LIMIT) throw tooLarge('the file');
    if (bytes.byteLength === 0 || digest(bytes) !== form.sha256) {
      throw new InvalidInputError('HR_UPLOAD_INVALID', 'the file did not come back whole from the plan page: upload it again and run it from its plan', {});
    }
    const source = String(form.source ?? '');
    const name = String(form.file ?? 'upload.csv');
    const runId = randomUUID();
    const job: Job = { startedAt: clock(), finished: false };
    for (const [id, j] of jobs) if (j.finished && clock() - j.startedAt > 3_600_000) jobs.delete(id);
    jobs.set(runId, job);
    // Not awaited: a big file takes minutes to start its workflows, and the run's page shows how far it is.
    const run = async () => {
      // Answer this request first: reading and planning a big file would otherwise run before the redirect is sent.
      await new Promise<void>((resolve) => setImmediate(resolve));
      return importHrFile({ repository, engine, clock }, { source, file: name, bytes, runId, force: form.force === '1', actor: ctx.caller.person });
    };
    void run().then(
      () => {
        job.finished = true;
      },
      (error: unknown) => {
        job.finished = true;
        const { body } = errorBody(error);
        job.error = { code: body.error.code, message: body.error.message };
        if (errorBody(error).status >= 500) request.log.error({ err: error }, 'HR import failed');
      },
    );
    return reply.redirect(`/hr-imports/runs/${encodeURIComponent(runId)}`, 303);
  });

  app.get<{ Params: { id: string } }>('/hr-imports/runs/:id', { config }, async (request, reply) => {
    const ctx = await importer(request, deps);
    const id = request.params.id;
    const job = jobs.get(id);
    const run = await repository.hr.getRun(id);
    if (!run) {
      if (!job) throw new NotFoundError('HR_RUN_NOT_FOUND', `no HR run ${id}`, { id });
      const body = job.error
        ? html`<p class="notice error" role="alert" id="hr-error"><strong>${job.error.code}</strong>: ${job.error.message}</p><p>Nothing was applied. <a href="/hr-imports">Back to HR imports</a></p>`
        : html`<p class="notice" role="status" id="hr-progress-text">Reading and planning the file… this page refreshes itself.</p><progress id="hr-progress" aria-label="Import progress"></progress>`;
      return sendPage(reply, page(ctx, '/hr-imports', 'HR import', body, job.error ? {} : { refreshSeconds: REFRESH_SECONDS }));
    }
    let progress = html``;
    let refresh = false;
    if (run.outcome === 'applied') {
      const p = await repository.hr.runProgress(id, clock());
      const due = p.total - p.later;
      const done = p.launched + p.failed;
      refresh = p.pending > 0 && job !== undefined && !job.finished;
      const failed = p.failed > 0 ? (await repository.hr.listLaunches(run.source)).filter((l) => l.runId === id && l.state === 'failed').slice(0, 100) : [];
      progress = html`<h2>Progress</h2>
        <p role="status" id="hr-progress-text"><strong id="hr-done">${done}</strong> of <strong id="hr-due">${due}</strong> workflows started${p.failed > 0 ? html`, <span class="overdue">${p.failed} failed</span>` : ''}${p.later > 0 ? `; ${p.later} wait for their start date` : ''}${refresh ? ' (this page refreshes itself)' : ''}.</p>
        <progress id="hr-progress" max="${Math.max(due, 1)}" value="${due === 0 ? 1 : done}" aria-labelledby="hr-progress-text">${done} of ${due}</progress>
        ${p.pending > 0 && !refresh ? html`<p class="muted">${p.pending} are not started yet: <code>idflow worker</code> (or <code>idflow hr launch</code>) starts them.</p>` : ''}
        ${failed.length > 0 ? html`<div class="table-wrap"><table id="hr-failed"><caption>Workflows that failed to start</caption><thead><tr><th scope="col">Row key</th><th scope="col">Workflow</th><th scope="col">Reason</th></tr></thead><tbody>${failed.map((l) => html`<tr><td>${l.rowKey}</td><td>${l.definition}</td><td>${l.error ?? ''}</td></tr>`)}</tbody></table></div>` : ''}`;
    }
    const body = html`<p><a href="/hr-imports">Back to HR imports</a></p>
      ${job?.error && run.outcome === 'stopped' ? html`<p class="notice error" role="alert" id="hr-error"><strong>${job.error.code}</strong>: ${job.error.message}</p>` : ''}
      <dl class="facts"><dt>Source</dt><dd>${run.source}</dd><dt>File</dt><dd>${run.file}</dd><dt>When</dt><dd>${shortTime(new Date(run.at).toISOString())}</dd>
      <dt>Outcome</dt><dd class="state outcome-${run.outcome}" id="hr-outcome">${OUTCOME_TEXT[run.outcome] ?? run.outcome}</dd></dl>
      ${progress}
      <h2>Plan</h2>${planView(run.plan)}`;
    return sendPage(reply, page(ctx, '/hr-imports', `HR run ${run.file}`, body, refresh ? { refreshSeconds: REFRESH_SECONDS } : {}));
  });

}
