/**
 * Out of office in the console, in a real browser (Debian's Chromium through playwright-core): an approver declares
 * an absence on My Tasks, the delegate finds the approver's new item in their own My Tasks and sees whose work they
 * hold, and the approver clears it again. Screenshots go to test-artifacts/console/ (gitignored).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { openHttpWorld, password, type HttpWorld } from '../http/http-harness.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = new URL('../../test-artifacts/console/', import.meta.url).pathname;

describe('out of office in the console', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (scripts/setup.sh installs it)` }, () => {
  let w: HttpWorld;
  let browser: Browser;
  let base: string;

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

  async function as(name: string): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Account name').fill(name);
    await page.getByLabel('Password').fill(password(name));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/inbox/);
    return page;
  }

  it("sends an absent approver's new item to the delegate chosen on My Tasks, until the approver is back", async () => {
    const mona = await as('mona');
    await mona.getByLabel('Delegate (account name)').fill('ada');
    await mona.getByLabel(/^Note/).fill('conference');
    await mona.getByRole('button', { name: 'Set out of office' }).click();
    await mona.waitForURL(/\/inbox\?notice=/);
    assert.match((await mona.textContent('[role=status]')) ?? '', /new work goes to ada/);
    assert.match((await mona.textContent('#ooo-status')) ?? '', /You are out of office .* go to ada/);
    await mona.screenshot({ path: `${SHOTS}20-out-of-office-set.png`, fullPage: true });

    const launched = await w.engine.launch({ definition: 'Update User With Approval', launcher: 'hana', mode: 'sync', variables: { accountId: 'kim', changes: {}, approver: 'mona' } });
    const ada = await as('ada');
    assert.equal(await ada.textContent('#count-open'), '1');
    assert.match((await ada.textContent('#ooo-holding')) ?? '', /You hold the new work of mona/);
    await ada.screenshot({ path: `${SHOTS}21-out-of-office-delegate.png`, fullPage: true });
    await ada.locator('#inbox a').first().click();
    assert.match((await ada.textContent('main')) ?? '', /ada \(delegated by mona\)/);
    await ada.getByRole('button', { name: 'approve' }).click();
    await ada.waitForURL(/\/inbox(\?|$)/);
    assert.equal((await w.engine.getTask(launched.instance.id)).state, 'finished');

    await mona.reload();
    await mona.getByRole('button', { name: 'I am back' }).click();
    await mona.waitForURL(/\/inbox\?notice=/);
    assert.match((await mona.textContent('[role=status]')) ?? '', /Welcome back/);
    assert.equal(await mona.locator('#ooo-status').count(), 0);
  });
});
