/**
 * The console in a real browser (Debian's Chromium through playwright-core): a requester signs in and requests an
 * onboarding, a reviewer finds it in My Tasks and in the mail a real SMTP server (smtp-server on loopback) received,
 * follows the mail's link, approves it with a comment, then watches it finish in Workflow Overview; a person
 * without any profile is refused at every step, the mail's link included. HR people upload an HR file, read its
 * plan and run it. Every page passes an accessibility audit at laptop and phone width, and is screenshotted at both
 * into test-artifacts/console/ (gitignored) for people to look at.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { parseHrSource } from '../../src/connectors/hr/index.js';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import { compileMailSettings } from '../../src/notifications/mail-settings.js';
import { MailWorker } from '../../src/notifications/mail-worker.js';
import { openHttpWorld, password, type HttpWorld } from '../http/http-harness.js';
import { startSmtpServer, type TestSmtpServer } from '../notifications/smtp-test-server.js';
import { accessibilityProblems, tabOrder } from './accessibility-audit.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = new URL('../../test-artifacts/console/', import.meta.url).pathname;
const PHONE = { width: 390, height: 844 };
const HR_SOURCE = {
  name: 'workday',
  key: 'EmployeeID',
  columns: { EmployeeID: 'EmployeeId', Login: 'Login', FirstName: 'FirstName', LastName: 'LastName', Department: 'Department', HireDate: 'ContractStartDate' },
  dates: { HireDate: 'dd/MM/yyyy' },
  subject: 'Login',
  added: { workflow: 'User_Onboarding', firstTransition: 'ActionWithRefine-ActionPending-Execute', startDate: 'ContractStartDate' },
};
const HR_HEADER = 'EmployeeID,Login,FirstName,LastName,Department,HireDate';

describe('the console in a browser', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (scripts/setup.sh installs it)` }, () => {
  let w: HttpWorld;
  let browser: Browser;
  let base: string;
  let smtp: TestSmtpServer;
  let mail: MailWorker;
  let instanceUrl = '';
  let reviewUrl = '';
  let mailLink = '';
  let hrRunUrl = '';

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    w = await openHttpWorld();
    base = await w.app.listen({ port: 0, host: '127.0.0.1' });
    smtp = await startSmtpServer();
    mail = new MailWorker({
      repository: w.repository,
      settings: compileMailSettings({ smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', timeout: '5s' }, from: 'idflow <idflow@example.org>', baseUrl: base, domain: 'example.org' }),
      clock: () => w.now(),
      workerId: 'browser-mail',
    });
    await w.repository.hr.putSource('workday', parseHrSource(HR_SOURCE) as unknown as Record<string, unknown>, w.now());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
  });
  after(async () => {
    await browser?.close();
    await smtp?.close();
    await w?.close();
  });

  async function as(name: string, viewport: { width: number; height: number } = { width: 1280, height: 900 }): Promise<Page> {
    const page = await (await browser.newContext({ viewport })).newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${base}/`);
    assert.match(page.url(), /\/sign-in/, 'an anonymous visitor is sent to sign in');
    await page.getByLabel('Account name').fill(name);
    await page.getByLabel('Password').fill(password(name));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/inbox/);
    assert.equal(await page.textContent('#who'), name);
    return page;
  }

  const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
  /** Pages that are the answer to a form (no URL to visit again): audited and screenshotted at phone width in place. */
  async function atPhoneWidth(page: Page, name: string): Promise<void> {
    const laptop = page.viewportSize()!;
    await page.setViewportSize(PHONE);
    assert.deepEqual(await accessibilityProblems(page), [], `${name} at phone width`);
    await shot(page, `phone-${name}`);
    await page.setViewportSize(laptop);
  }
  /** Mails the SMTP server accepted for one address. */
  const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));

  it('lets the requester sign in and request an onboarding from Launch', async () => {
    const anon = await (await browser.newContext()).newPage();
    await anon.goto(`${base}/sign-in`);
    await shot(anon, '01-sign-in');
    const hana = await as('hana');
    await hana.getByRole('link', { name: 'Launch' }).click();
    await shot(hana, '02-launch');
    await hana.getByRole('link', { name: 'User - New Employee' }).click();
    await shot(hana, '03-launch-form');
    await hana.getByRole('button', { name: /^Start / }).click();
    await hana.waitForURL(/\/inbox\/./);
    await shot(hana, '04-request-form');
    const subject = hana.locator('input[name="var.subject"]');
    if ((await subject.count()) > 0) await subject.fill('jdoe');
    await hana.getByLabel(/^Comment \(kept/).fill('new starter in finance');
    await hana.getByRole('button', { name: 'Execute' }).click();
    await hana.waitForURL(/\/inbox(\?|$)/);
    assert.match((await hana.textContent('[role=status]')) ?? '', /Execute: done/);
    // The mail worker sends the outbox the Review item's creation wrote: to mona, its owner (jdoe names no manager,
    // so the Review falls back to the Manager profile, whose only holder but the requester is mona).
    const round = await mail.runOnce();
    assert.ok(round.sent >= 1, JSON.stringify(round));
    await hana.getByRole('link', { name: 'Manage Tasks' }).click();
    await shot(hana, '05-manage-tasks-requester');
    instanceUrl = new URL((await hana.locator('#tasks a').first().getAttribute('href'))!, base).pathname;
    assert.match(instanceUrl, /^\/tasks\/./);
  });

  it('shows the reviewer the request in My Tasks and in her mail, whose link opens it, and the overview shows it finished after her approval', async () => {
    const [received] = mailsTo('mona@example.org');
    assert.ok(received, `mona was mailed (mails: ${smtp.mails.map((m) => m.to.join(',')).join('; ')})`);
    const link = /https?:\/\/\S+\/inbox\/\S+/.exec(received.text)?.[0];
    assert.ok(link?.startsWith(`${base}/inbox/`), `the mail links the item in the console: ${received.text}`);
    mailLink = link!;
    const mona = await as('mona');
    assert.equal(await mona.textContent('#count-open'), '1');
    await shot(mona, '06-my-tasks');
    const listed = new URL((await mona.locator('#inbox a').first().getAttribute('href'))!, base).pathname;
    const response = await mona.goto(mailLink);
    assert.equal(response?.status(), 200, `the link of the mail opens a console page: ${received.text} / listed ${listed}`);
    reviewUrl = new URL(mona.url()).pathname;
    assert.equal(reviewUrl, listed, 'the item the mail links is the one My Tasks lists');
    await shot(mona, '07-review-item');
    // A mail sent before the links were fixed still arrives at the item.
    await mona.goto(`${base}${reviewUrl.replace('/inbox/', '/workitems/')}`);
    assert.equal(new URL(mona.url()).pathname, reviewUrl);
    await mona.getByLabel(/^Comment \(kept/).fill('welcome aboard');
    await mona.getByRole('button', { name: 'Approve' }).click();
    await mona.waitForURL(/\/inbox(\?|$)/);
    assert.equal(await mona.textContent('#count-open'), '0');
    await mona.goto(`${base}${instanceUrl}`);
    assert.match((await mona.textContent('#task-state')) ?? '', /finished/);
    const audit = (await mona.textContent('#audit')) ?? '';
    assert.match(audit, /welcome aboard/);
    assert.match(audit, /mona/);
    await shot(mona, '08-workflow-overview');
    await mona.locator('dd a', { hasText: /v\d+/ }).click();
    assert.ok((await mona.locator('#diagram svg g[data-state="passed"]').count()) > 0, 'the path is highlighted in the diagram');
    for (const passed of ['Review/ReviewWithFeedback-Approved', 'Persist/Persist-Invoked']) {
      assert.equal(await mona.locator(`#diagram svg g[data-activity="${passed}"]`).getAttribute('data-state'), 'passed', `${passed} is on the path`);
    }
    assert.equal(await mona.locator('#diagram svg g[data-activity="Review/ReviewWithFeedback-Declined"]').getAttribute('data-state'), 'not reached');
    await shot(mona, '09-definition-diagram');
    await mona.getByRole('link', { name: 'Definitions' }).click();
    await shot(mona, '10-definitions');
  });

  it('lets HR upload an HR file, read its plan, see the rows of a bad file refused, and run it to the end', async () => {
    const hana = await as('hana');
    await hana.getByRole('link', { name: 'HR imports' }).click();
    await shot(hana, '16-hr-imports');
    await hana.getByLabel('Source').selectOption('workday');
    const bad = [HR_HEADER, 'E7,kbad,Kim,Bad,Sales,31/31/2026', 'E7,kdup,Kim,Dup,Sales,01/02/2026'].join('\n');
    await hana.getByLabel(/^HR file/).setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await hana.getByRole('button', { name: 'Preview the plan' }).click();
    assert.match((await hana.textContent('#hr-refused')) ?? '', /2 problems; nothing was changed/);
    assert.match((await hana.textContent('#hr-problems')) ?? '', /31\/31\/2026/);
    await shot(hana, '17-hr-refused');
    await atPhoneWidth(hana, 'hr-refused');
    await hana.goto(`${base}/hr-imports`);
    const good = [HR_HEADER, 'E8,lgood,Lee,Good,Sales,01/02/2026', 'E9,mgood,Max,Good,Finance,01/02/2026'].join('\n');
    await hana.getByLabel(/^HR file/).setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await hana.getByRole('button', { name: 'Preview the plan' }).click();
    assert.equal(await hana.textContent('#hr-joiners'), '2');
    await shot(hana, '18-hr-plan');
    await atPhoneWidth(hana, 'hr-plan');
    hana.once('dialog', (d) => void d.accept());
    await hana.getByRole('button', { name: /^Run: apply the file/ }).click();
    await hana.waitForURL(/\/hr-imports\/runs\//);
    hrRunUrl = new URL(hana.url()).pathname;
    // The page refreshes itself until every due workflow started.
    await hana.waitForFunction(() => document.querySelector('#hr-done')?.textContent === '2', undefined, { timeout: 30_000 });
    assert.match((await hana.textContent('#hr-outcome')) ?? '', /applied/);
    await shot(hana, '19-hr-run');
    await hana.getByRole('link', { name: 'Back to HR imports' }).click();
    assert.ok((await hana.locator(`#hr-runs a[href="${hrRunUrl}"]`).count()) === 1, 'the run is among the past runs');
  });

  it('refuses a stranger at every step: nothing to launch, an empty inbox, no item, no overview, no decision', async () => {
    const pending = await w.engine.launch({ definition: 'User_Onboarding', launcher: 'hana', mode: 'sync' });
    const openItem = `/inbox/${pending.workItems[0]!.id}`;
    const sam = await as('sam', PHONE);
    assert.equal(await sam.textContent('#count-open'), '0');
    await shot(sam, '11-stranger-inbox-phone');
    await sam.getByRole('link', { name: 'Launch' }).click();
    assert.equal(await sam.locator('#nothing-to-launch').count(), 1);
    assert.deepEqual(mailsTo('sam@example.org'), [], 'nobody mailed the stranger');
    for (const url of [new URL(mailLink).pathname, reviewUrl, openItem, instanceUrl, '/hr-imports', hrRunUrl, `/tasks/${pending.instance.id}`, `/definitions/Workflow/User_Onboarding?instance=${pending.instance.id}`, '/identities', '/repository']) {
      const r = await sam.goto(`${base}${url}`);
      assert.equal(r?.status(), 403, `${url} is refused`);
    }
    await shot(sam, '12-stranger-refused');
    assert.deepEqual(await accessibilityProblems(sam), [], 'the refusal page at phone width');
    await shot(sam, 'phone-not-allowed');
    await sam.getByRole('link', { name: 'Manage Tasks' }).click();
    assert.equal(await sam.locator('#tasks').count(), 0, 'no workflow listed');
    // A decision posted with sam's own valid CSRF token is still refused by the engine.
    await sam.goto(`${base}/inbox`);
    const csrf = await sam.locator('input[name=_csrf]').first().getAttribute('value');
    const posted = await sam.request.post(`${base}${openItem}/decide`, { form: { _csrf: csrf!, decision: 'Approve' }, maxRedirects: 0 });
    assert.equal(posted.status(), 403);
    assert.deepEqual((await w.engine.getTask(pending.instance.id)).history.filter((h) => h.decision !== undefined), [], 'nothing was decided');
    const noToken = await sam.request.post(`${base}${openItem}/decide`, { form: { decision: 'Execute' }, maxRedirects: 0 });
    assert.equal(noToken.status(), 403, 'a form without the CSRF token is refused');
    assert.match(await noToken.text(), /HTTP_CSRF/);
  });

  it('gives the administrator the Identities and Repository pages, and bulk terminate asks for confirmation first', async () => {
    await w.engine.launch({ definition: 'User_Onboarding', launcher: 'hana' });
    const ada = await as('ada');
    await ada.getByRole('link', { name: 'Identities' }).click();
    await shot(ada, '13-identities');
    await ada.getByRole('link', { name: 'Repository' }).click();
    await ada.locator('#objects a', { hasText: 'XML' }).first().click();
    assert.match((await ada.textContent('#object-text')) ?? '', /</);
    await shot(ada, '14-repository-xml');
    await ada.goto(`${base}/tasks?state=executing`);
    await ada.getByRole('button', { name: /Terminate all that match/ }).click();
    const count = (await ada.textContent('#bulk-count'))!;
    assert.match(count, /^[1-9]\d*$/);
    await shot(ada, '15-bulk-terminate-confirm');
    ada.once('dialog', (d) => void d.accept());
    await ada.getByLabel(/I understand/).check();
    await ada.getByRole('button', { name: 'Terminate', exact: true }).click();
    await ada.waitForURL(/\/tasks\?/);
    assert.match((await ada.textContent('[role=status]')) ?? '', new RegExp(`Terminated ${count} workflow`));
    assert.equal((await w.engine.listTasks({ state: 'executing' })).length, 0);
  });
  it('shows the reviewer an approval in progress in My Tasks: how many approved and its due date', async () => {
    const loaded = await loadDefinitionFiles([
      fileURLToPath(new URL('../fixtures/engine/approvals.xml', import.meta.url)),
      fileURLToPath(new URL('../../config/default/waveset-approval.xml', import.meta.url)),
    ]);
    await w.repository.objects.putMany(loaded.objects);
    const { instance } = await w.engine.launch({
      definition: 'Access Request',
      launcher: 'carol',
      variables: { accountId: 'sam', scheme: 'person:mona,person:hana,person:ada', mode: 'parallel', timeout: 86_400 },
    });
    await w.engine.runWorkerOnce();
    const hanaItem = (await w.engine.listWorkItems({ instanceId: instance.id, state: 'open' })).find((i) => i.owner === 'hana')!;
    await w.engine.decide({ workItemId: hanaItem.id, decision: 'approve', actor: 'hana' });
    await w.engine.runWorkerOnce();
    const mona = await as('mona');
    const row = mona.locator('#inbox tr', { hasText: 'Approve the request for sam' });
    assert.match((await row.textContent()) ?? '', /1 of 3 approved \(parallel\)/);
    const due = (await w.engine.listWorkItems({ instanceId: instance.id, state: 'open' })).find((i) => i.owner === 'mona')!.dueAt!;
    assert.ok(((await row.textContent()) ?? '').includes(due.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC')), `its due date ${due} is shown`);
    await shot(mona, '20-my-tasks-approval');
    await row.getByRole('link').click();
    assert.equal(await mona.textContent('#approval-progress'), '1 of 3 approved (parallel)');
    await shot(mona, '21-approval-item');
    await atPhoneWidth(mona, 'approval-item');
  });

  it('passes the accessibility audit on every page, at laptop and phone width, and keeps a phone-width screenshot of each', async () => {
    const ada = await as('ada');
    const firstHref = async (url: string, selector: string): Promise<string> => {
      await ada.goto(`${base}${url}`);
      return new URL((await ada.locator(selector).first().getAttribute('href'))!, base).pathname + new URL((await ada.locator(selector).first().getAttribute('href'))!, base).search;
    };
    const pages: [string, string][] = [
      ['my-tasks', '/inbox'],
      ['work-item', reviewUrl],
      ['launch', '/launch'],
      ['launch-form', await firstHref('/launch', 'main a[href^="/launch/"]')],
      ['manage-tasks', '/tasks'],
      ['bulk-terminate', '/tasks/terminate?state=executing'],
      ['workflow-overview', instanceUrl],
      ['definitions', '/definitions'],
      ['definition-diagram', `/definitions/Workflow/User_Onboarding?instance=${instanceUrl.split('/').pop()}`],
      ['identities', '/identities'],
      ['identity', await firstHref('/identities', '#identities a')],
      ['repository', '/repository'],
      ['repository-xml', await firstHref('/repository', '#objects a')],
      ['hr-imports', '/hr-imports'],
      ['hr-run', hrRunUrl],
      ['not-found', '/tasks/no-such-task'],
    ];
    const problems: string[] = [];
    for (const viewport of [{ width: 1280, height: 900 }, PHONE]) {
      await ada.setViewportSize(viewport);
      const anon = await (await browser.newContext({ viewport })).newPage();
      await anon.goto(`${base}/sign-in`);
      for (const p of await accessibilityProblems(anon)) problems.push(`${viewport.width}px sign-in: ${p}`);
      if (viewport === PHONE) await shot(anon, 'phone-sign-in');
      for (const [name, url] of pages) {
        await ada.goto(`${base}${url}`);
        for (const p of await accessibilityProblems(ada)) problems.push(`${viewport.width}px ${name} (${url}): ${p}`);
        if (viewport === PHONE) await shot(ada, `phone-${name}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('lets the keyboard reach the skip link first, then the navigation in its order, each with a visible focus', async () => {
    const ada = await as('ada');
    assert.deepEqual(await tabOrder(ada, 10), ['Skip to content', 'idflow', 'My Tasks', 'Launch', 'Manage Tasks', 'Definitions', 'HR imports', 'Identities', 'Repository', 'Sign out']);
    assert.deepEqual(await tabOrder(ada, 1), ['Skip to content']);
    await ada.keyboard.press('Enter');
    assert.match(ada.url(), /#main$/, 'the skip link leads to the content');
  });
});
