import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { compileMailSettings } from '../../src/notifications/mail-settings.js';
import { settingsAddressBook } from '../../src/notifications/recipients.js';

const GOOD = { smtp: { host: 'smtp.example.org' }, from: 'idflow <idflow@example.org>', baseUrl: 'https://idflow.example.org/' };

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return `${(e as { code?: string }).code}: ${(e as Error).message}`;
  }
  return 'no error';
}

describe('mail settings', () => {
  it('fills in the defaults: STARTTLS on 587, a 30 s timeout, no reminders, and links without a trailing slash', () => {
    const s = compileMailSettings(GOOD, {});
    assert.equal(s.smtp.port, 587);
    assert.equal(s.smtp.security, 'starttls');
    assert.equal(s.smtp.timeoutMs, 30_000);
    assert.equal(s.reminderBeforeMs, null);
    assert.equal(s.baseUrl, 'https://idflow.example.org');
    assert.equal(compileMailSettings({ ...GOOD, smtp: { host: 'h', security: 'tls' }, reminderBefore: '1d' }, {}).smtp.port, 465);
    assert.equal(compileMailSettings({ ...GOOD, reminderBefore: '1d' }, {}).reminderBeforeMs, 86_400_000);
  });

  it('refuses what it cannot work with, naming the setting', () => {
    assert.match(codeOf(() => compileMailSettings({ ...GOOD, baseUrl: 'idflow.example.org' }, {})), /^MAIL_SETTINGS_INVALID: mail settings: baseUrl/);
    assert.match(codeOf(() => compileMailSettings({ ...GOOD, baseUrl: 'https://x.org/?a=1' }, {})), /^MAIL_SETTINGS_INVALID: .*baseUrl/);
    assert.match(codeOf(() => compileMailSettings({ ...GOOD, from: 'nobody' }, {})), /^MAIL_SETTINGS_INVALID: .*from/);
    assert.match(codeOf(() => compileMailSettings({ ...GOOD, smtp: { host: 'h', port: 70000 } }, {})), /^MAIL_SETTINGS_INVALID: .*smtp\.port/);
    assert.match(codeOf(() => compileMailSettings({ ...GOOD, smtp: { host: 'h', security: 'ssl' } }, {})), /^MAIL_SETTINGS_INVALID: .*smtp\.security/);
    assert.match(codeOf(() => compileMailSettings({ ...GOOD, reminderBefore: 'soon' }, {})), /^MAIL_SETTINGS_INVALID: .*reminderBefore/);
    assert.match(codeOf(() => compileMailSettings({ ...GOOD, smtp: { host: 'h', password: 'x' } }, {})), /^MAIL_SETTINGS_INVALID: .*smtp\.password is not an SMTP setting/);
    assert.match(codeOf(() => compileMailSettings({ ...GOOD, addresses: { bob: 'not an address' } }, {})), /^MAIL_SETTINGS_INVALID: .*addresses\.bob/);
  });

  it('reads the SMTP password from the environment variable it names, and never shows it', () => {
    const settings = { ...GOOD, smtp: { host: 'h', user: 'idflow', passwordEnv: 'SMTP_PW' } };
    assert.match(codeOf(() => compileMailSettings(settings, {})), /^MAIL_PASSWORD_MISSING: .*SMTP_PW/);
    const s = compileMailSettings(settings, { SMTP_PW: 's3cret-value' });
    assert.equal(s.smtp.password?.reveal(), 's3cret-value');
    assert.ok(!JSON.stringify(s).includes('s3cret-value'));
    assert.ok(!inspect(s, { depth: 10 }).includes('s3cret-value'));
    assert.ok(!String(s.smtp.password).includes('s3cret-value'));
  });

  it('gives a login the address the settings list for it, else <login>@<domain>, else none', async () => {
    const book = settingsAddressBook(compileMailSettings({ ...GOOD, domain: 'example.org', addresses: { carol: 'c@other.org' } }, {}));
    assert.equal(await book.addressOf('carol'), 'c@other.org');
    assert.equal(await book.addressOf('alice'), 'alice@example.org');
    assert.equal(await book.addressOf('Jane Doe'), undefined);
    assert.equal(await settingsAddressBook(compileMailSettings(GOOD, {})).addressOf('alice'), undefined);
  });
});
