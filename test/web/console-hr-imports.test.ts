/**
 * The console's HR imports page without a browser (Fastify inject, the real engine on SQLite): who may use it, the
 * plan of an uploaded file before anything changes, the per-row report of a bad file, the size limit, a run with its
 * progress read from the repository, and past runs listed with their plans.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseHrSource } from '../../src/connectors/hr/index.js';
import { HR_UPLOAD_LIMIT } from '../../src/web/hr-import-pages.js';
import { openHttpWorld, type HttpWorld, type Signed } from '../http/http-harness.js';
import { csv, JANE, JOHN, MAPPING } from '../support/hr-workday.js';


async function multipart(fields: Record<string, string>, file?: { name: string; bytes: Uint8Array }): Promise<{ payload: Buffer; type: string }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([new Uint8Array(file.bytes)]), file.name);
  const request = new Request('http://console.test/', { method: 'POST', body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), type: request.headers.get('content-type')! };
}

describe('the console’s HR imports', () => {
  let w: HttpWorld;
  let hana: Signed;
  let sam: Signed;
  let mona: Signed;

  before(async () => {
    w = await openHttpWorld();
    // Hire dates in the past of the test clock (2030): every onboarding is due at once.
    await w.repository.hr.putSource('workday', parseHrSource(MAPPING) as unknown as Record<string, unknown>, w.now());
    hana = await w.signIn('hana');
    sam = await w.signIn('sam');
    mona = await w.signIn('mona');
  });
  after(() => w.close());

  const get = (as: Signed, url: string) => w.app.inject({ method: 'GET', url, headers: { cookie: as.cookie } });
  async function upload(as: Signed, bytes: Uint8Array, name = 'people.csv', csrf = as.csrf) {
    const { payload, type } = await multipart({ _csrf: csrf, source: 'workday' }, { name, bytes });
    return w.app.inject({ method: 'POST', url: '/hr-imports/preview', payload, headers: { cookie: as.cookie, 'content-type': type } });
  }
  /** The Run form of a plan page, sent as the browser would. */
  function runForm(as: Signed, planPage: string) {
    const form = /<form method="post" action="\/hr-imports\/run"[\s\S]*?<\/form>/.exec(planPage)?.[0];
    assert.ok(form, 'the plan has a Run form');
    const fields = new URLSearchParams();
    for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields.set(m[1]!, m[2]!.replace(/&amp;/g, '&'));
    return w.app.inject({ method: 'POST', url: '/hr-imports/run', payload: fields.toString(), headers: { cookie: as.cookie, 'content-type': 'application/x-www-form-urlencoded' } });
  }
  async function finished(as: Signed, runUrl: string): Promise<string> {
    // The run goes on in the background; its page stops refreshing itself when every due workflow started.
    for (let i = 0; i < 10_000; i++) {
      const r = await get(as, runUrl);
      assert.equal(r.statusCode, 200, r.body);
      if (!r.body.includes('http-equiv="refresh"')) return r.body;
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.fail('the run never finished');
  }
  const tasks = async () => (await w.engine.listTasks({})).length;

  it('offers HR imports to HR people and administrators, and refuses everybody else', async () => {
    const page = await get(hana, '/hr-imports');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /href="\/hr-imports"/, 'the navigation has the entry');
    assert.match(page.body, /<label for="hr-file">/);
    for (const who of [sam, mona]) {
      const refused = await get(who, '/hr-imports');
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /ACCESS_NOT_HR_IMPORTER/);
      assert.doesNotMatch((await get(who, '/inbox')).body, /href="\/hr-imports"/, 'no entry in their navigation');
    }
    const posted = await upload(sam, csv(JANE));
    assert.equal(posted.statusCode, 403, 'an upload with his own CSRF token is refused too');
    assert.equal((await w.repository.hr.listRuns()).length, 0, 'and nothing was recorded');
  });

  it('refuses an upload without the session’s CSRF token', async () => {
    const r = await upload(hana, csv(JANE), 'people.csv', 'forged');
    assert.equal(r.statusCode, 403);
    assert.match(r.body, /HTTP_CSRF/);
  });

  it('shows the plan of an uploaded file (joiners and the workflows they start) and changes nothing', async () => {
    const before = await tasks();
    const r = await upload(hana, csv(JANE, JOHN));
    assert.equal(r.statusCode, 200, r.body);
    assert.match(r.body, /<dd id="hr-joiners">2<\/dd>/);
    assert.match(r.body, /<dd id="hr-starts">2/);
    assert.match(r.body, /<td>E1<\/td><td>added<\/td><td>User_Onboarding<\/td><td>jdoe<\/td>/);
    assert.match(r.body, /nothing has changed yet/);
    assert.equal(await tasks(), before, 'no workflow started');
    assert.equal((await w.repository.hr.snapshot('workday')).size, 0, 'the snapshot is untouched');
    assert.deepEqual((await w.repository.hr.listRuns()).map((run) => run.outcome), ['dry-run'], 'the preview is kept as a dry run');
  });

  it('refuses a bad file whole, with each bad row’s line and reason, and changes nothing', async () => {
    const before = await tasks();
    const r = await upload(hana, csv(JANE, 'E3,bad,Bad,Date,Sales,31/31/2026', 'E1,again,Dup,Key,Sales,01/02/2026', ',nokey,No,Key,Sales,01/02/2026'));
    assert.equal(r.statusCode, 400);
    assert.match(r.body, /refused with 3 problems; nothing was changed/);
    const rows = [...r.body.matchAll(/<tr><td>(\d+)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => [m[1], m[2], m[4]]);
    assert.deepEqual(
      rows.map(([line, column]) => [line, column]),
      [
        ['3', 'HireDate'],
        ['4', 'EmployeeID'],
        ['5', 'EmployeeID'],
      ],
    );
    assert.match(rows[0]![2]!, /not a date in the format dd\/MM\/yyyy/);
    assert.match(rows[1]![2]!, /already on line 2/);
    assert.equal(await tasks(), before);
    assert.equal((await w.repository.hr.snapshot('workday')).size, 0);
    assert.equal((await w.repository.hr.listRuns()).filter((run) => run.outcome === 'refused').length, 1, 'kept as a refused run');
  });

  it('refuses a file over the size limit with a clear error, and records nothing', async () => {
    const runs = (await w.repository.hr.listRuns()).length;
    const big = new Uint8Array(HR_UPLOAD_LIMIT + 1).fill(0x41);
    const r = await upload(hana, big, 'huge.csv');
    assert.equal(r.statusCode, 413);
    assert.match(r.body, /HR_UPLOAD_TOO_LARGE/);
    assert.match(r.body, /8 MiB/);
    assert.equal((await w.repository.hr.listRuns()).length, runs);
    const bigger = await upload(hana, new Uint8Array(HR_UPLOAD_LIMIT + 200_000).fill(0x41), 'huger.csv');
    assert.equal(bigger.statusCode, 413, 'a body past the form’s limit is cut off with the same page');
    assert.match(bigger.body, /HR_UPLOAD_TOO_LARGE/);
  });

  it('runs the previewed file: the run page shows the plan it applied and every workflow started', async () => {
    const before = await tasks();
    const plan = await upload(hana, csv(JANE, JOHN));
    const started = await runForm(hana, plan.body);
    assert.equal(started.statusCode, 303, started.body);
    const runUrl = String(started.headers.location);
    assert.match(runUrl, /^\/hr-imports\/runs\/[0-9a-f-]{36}$/);
    const done = await finished(hana, runUrl);
    assert.match(done, /id="hr-outcome">applied/);
    assert.match(done, /<strong id="hr-done">2<\/strong> of <strong id="hr-due">2<\/strong> workflows started/);
    assert.match(done, /<dd id="hr-joiners">2<\/dd>/);
    assert.equal(await tasks(), before + 2);
    const list = await get(hana, '/hr-imports');
    assert.match(list.body, new RegExp(`href="${runUrl}"`), 'listed among past runs, linked to its plan');
  });

  it('refuses a Run form whose file was changed after the preview', async () => {
    const plan = await upload(hana, csv(JANE));
    const tampered = plan.body.replace(/name="content" value="[^"]*"/, `name="content" value="${Buffer.from(csv(JANE, JOHN)).toString('base64url')}"`);
    const r = await runForm(hana, tampered);
    assert.equal(r.statusCode, 400);
    assert.match(r.body, /HR_UPLOAD_INVALID/);
  });

  it('shows the progress of a run of 10,000 rows while it starts their workflows', async () => {
    await w.repository.hr.putSource('bulk', parseHrSource({ name: 'bulk', key: MAPPING.key, columns: MAPPING.columns, dates: MAPPING.dates, subject: MAPPING.subject, added: { workflow: 'User_Onboarding' } }) as unknown as Record<string, unknown>, w.now());
    const rows = Array.from({ length: 10_000 }, (_, i) => `B${i},bulk${i},Bulk,Person${i},Ops,01/02/2026`);
    const { payload, type } = await multipart({ _csrf: hana.csrf, source: 'bulk' }, { name: 'bulk.csv', bytes: csv(...rows) });
    const plan = await w.app.inject({ method: 'POST', url: '/hr-imports/preview', payload, headers: { cookie: hana.cookie, 'content-type': type } });
    assert.equal(plan.statusCode, 200, plan.body.slice(0, 500));
    assert.match(plan.body, /<dd id="hr-starts">10000/);
    const started = await runForm(hana, plan.body);
    const runUrl = String(started.headers.location);
    const seen: number[] = [];
    for (;;) {
      const r = await get(hana, runUrl);
      const done = /<strong id="hr-done">(\d+)<\/strong> of <strong id="hr-due">10000<\/strong>/.exec(r.body);
      if (done) seen.push(Number(done[1]));
      if (!r.body.includes('http-equiv="refresh"')) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    assert.equal(seen.at(-1), 10_000, 'every workflow started');
    assert.ok(seen.some((n) => n > 0 && n < 10_000), `the page showed the run part way (${seen.slice(0, 5).join(', ')} …)`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! >= seen[i - 1]!, 'progress never goes back');
  });
});
