import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { MailSendError } from '../../src/notifications/mail-errors.js';
import { compileMailSettings } from '../../src/notifications/mail-settings.js';
import { classifySmtpFailure, smtpTransport } from '../../src/notifications/smtp-transport.js';
import { startSmtpServer } from './smtp-test-server.js';

function transport(port: number, timeout = '5s') {
  return smtpTransport(compileMailSettings({ smtp: { host: '127.0.0.1', port, security: 'none', timeout }, from: 'idflow@example.org', baseUrl: 'https://idflow.test' }, {}));
}

const MESSAGE = { to: ['a@example.org'], subject: 's', text: 't', messageId: '<m1@idflow>' };

async function failure(p: Promise<unknown>): Promise<MailSendError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof MailSendError, String(e));
    return e;
  }
  assert.fail('the send succeeded');
}

describe('the SMTP transport', () => {
  it('calls a refused connection transient: the mail is retried later', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const t = transport(port);
    const e = await failure(t.send(MESSAGE));
    t.close();
    assert.equal(e.code, 'MAIL_TRANSIENT');
    assert.equal(e.transient, true);
  });

  it('gives up on a server that does not answer within the timeout, and calls it transient', async () => {
    const slow = await startSmtpServer({ delayMs: 3000 });
    const t = transport(slow.port, '300ms');
    const e = await failure(t.send(MESSAGE));
    t.close();
    await slow.close();
    assert.equal(e.code, 'MAIL_TRANSIENT');
  });

  it('stops a send when the worker is stopped', async () => {
    const slow = await startSmtpServer({ delayMs: 3000 });
    const t = transport(slow.port);
    const stop = new AbortController();
    const sending = t.send(MESSAGE, stop.signal);
    setImmediate(() => stop.abort());
    const e = await failure(sending);
    t.close();
    await slow.close();
    assert.equal(e.transient, true, 'a stopped send is tried again by the next worker');
  });

  it('reads 4xx answers as transient and 5xx answers as permanent, quoting the server', () => {
    const deferred = classifySmtpFailure(Object.assign(new Error('x'), { responseCode: 452, response: '452 4.2.2 mailbox full' }));
    assert.deepEqual([deferred.code, deferred.transient], ['MAIL_TRANSIENT', true]);
    const refused = classifySmtpFailure(Object.assign(new Error('x'), { responseCode: 554, response: '554 5.7.1 relay denied' }));
    assert.deepEqual([refused.code, refused.transient], ['MAIL_REJECTED', false]);
    assert.match(refused.message, /554 5\.7\.1 relay denied/);
  });
});
