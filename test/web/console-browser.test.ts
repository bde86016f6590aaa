/**
 * The console in a real browser (Debian's Chromium through playwright-core): a requester signs in and requests an
 * onboarding, a reviewer finds it in My Tasks and approves it with a comment, then watches it finish in Workflow
 * Overview; a person without any profile is refused at every step. Every page is screenshotted into
 * test-artifacts/console/ (gitignored) for people to look at.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { openHttpWorld, password, type HttpWorld } from '../http/http-harness.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = new URL('../../test-artifacts/console/', import.meta.url).pathname;

describe('the console in a browser', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (scripts/setup.sh installs it)` }, () => {
  let w: HttpWorld;
  let browser: Browser;
  let base: string;
  let instanceUrl = '';
  let reviewUrl = '';

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    w = await openHttpWorld();
    base = await w.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
  });
  after(async () => {
    await browser?.close();
    await w?.close();
  });

  async function as(name: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
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
    await hana.getByRole('link', { name: 'Manage Tasks' }).click();
    await shot(hana, '05-manage-tasks-requester');
    instanceUrl = new URL((await hana.locator('#tasks a').first().getAttribute('href'))!, base).pathname;
    assert.match(instanceUrl, /^\/tasks\/./);
  });

  it('shows the reviewer the request in My Tasks, takes the approval with a comment, and the overview shows it finished', async () => {
    const mona = await as('mona');
    assert.equal(await mona.textContent('#count-open'), '1');
    await shot(mona, '06-my-tasks');
    await mona.locator('#inbox a').first().click();
    reviewUrl = new URL(mona.url()).pathname;
    await shot(mona, '07-review-item');
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

  it('refuses a stranger at every step: nothing to launch, an empty inbox, no item, no overview, no decision', async () => {
    const pending = await w.engine.launch({ definition: 'User_Onboarding', launcher: 'hana', mode: 'sync' });
    const openItem = `/inbox/${pending.workItems[0]!.id}`;
    const sam = await as('sam', { width: 390, height: 844 });
    assert.equal(await sam.textContent('#count-open'), '0');
    await shot(sam, '11-stranger-inbox-phone');
    await sam.getByRole('link', { name: 'Launch' }).click();
    assert.equal(await sam.locator('#nothing-to-launch').count(), 1);
    for (const url of [reviewUrl, openItem, instanceUrl, `/tasks/${pending.instance.id}`, `/definitions/Workflow/User_Onboarding?instance=${pending.instance.id}`, '/identities', '/repository']) {
      const r = await sam.goto(`${base}${url}`);
      assert.equal(r?.status(), 403, `${url} is refused`);
    }
    await shot(sam, '12-stranger-refused');
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
});
