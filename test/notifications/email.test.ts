/**
 * Email notifications end to end: the engine writes the outbox with its commits, the mail worker sends it to a
 * real SMTP server on loopback, on SQLite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compileMailSettings, type MailSettings } from '../../src/notifications/mail-settings.js';
import { MailWorker } from '../../src/notifications/mail-worker.js';
import { DATABASES } from '../repository/repository-factory.js';
import { openRuntimeWorld, type RuntimeWorld } from '../engine/runtime-harness.js';
import { startSmtpServer, type TestSmtpServer } from './smtp-test-server.js';

const BASE = 'https://idflow.test/console';
const MINUTE = 60_000;

function settings(port: number, extra: Partial<MailSettings> = {}) {
  return compileMailSettings({
    smtp: { host: '127.0.0.1', port, security: 'none', timeout: '5s' },
    from: 'idflow <idflow@example.org>',
    baseUrl: `${BASE}/`,
    domain: 'example.org',
    addresses: { carol: 'carol.requester@example.org' },
    retryDelay: '1m',
    maxRetryDelay: '10m',
    ...extra,
  });
}

async function launchApproval(world: RuntimeWorld): Promise<string> {
  const { instance } = await world.engine.launch({ definition: 'Mail Approval', launcher: 'carol', variables: { approver: 'alice', who: 'jdoe' } });
  await world.engine.runWorkerOnce();
  return instance.id;
}

async function openItem(world: RuntimeWorld): Promise<string> {
  const [item] = await world.repository.runtime.listWorkItems({ owner: 'alice', state: 'open' });
  assert.ok(item, 'alice has an open work item');
  return item.id;
}

for (const database of DATABASES) {
  describe(`${database.name}: email notifications`, () => {
    let smtp: TestSmtpServer;
    before(async () => {
      smtp = await startSmtpServer();
    });
    after(async () => {
      await smtp.close();
    });

    async function world(): Promise<{ world: RuntimeWorld; mail: (extra?: Partial<MailSettings>, server?: TestSmtpServer) => MailWorker }> {
      const w = await openRuntimeWorld(['email.xml'], {}, database);
      return {
        world: w,
        mail: (extra = {}, server = smtp) =>
          new MailWorker({ repository: w.repository, settings: settings(server.port, extra), clock: () => w.now(), workerId: 'mail-test', random: () => 0.5 }),
      };
    }

    it('mails a new work item to its owner with a link to it, and the notify op to the requester', async () => {
      const { world: w, mail } = await world();
      const before = smtp.mails.length;
      try {
        const instanceId = await launchApproval(w);
        const itemId = await openItem(w);
        const worker = mail();
        const round = await worker.runOnce();
        worker.close();
        assert.deepEqual({ claimed: round.claimed, sent: round.sent, failed: round.failed }, { claimed: 2, sent: 2, failed: 0 });
        const got = smtp.mails.slice(before);
        const toAlice = got.find((m) => m.to.includes('alice@example.org'));
        assert.ok(toAlice, `alice got a mail: ${JSON.stringify(got)}`);
        assert.match(toAlice.subject, /To do: Please approve access for jdoe/);
        assert.ok(toAlice.text.includes(`${BASE}/inbox/${itemId}`), toAlice.text);
        assert.equal(toAlice.from, 'idflow@example.org');
        const toCarol = got.find((m) => m.to.includes('carol.requester@example.org'));
        assert.ok(toCarol, 'the requester got the notify mail, at the address the settings give her');
        assert.equal(toCarol.subject, 'Access for jdoe requested');
        assert.ok(toCarol.text.includes('Your request for jdoe is with alice.'));
        // The notify op's step put alice's item in her inbox: the message links to it.
        assert.ok(toCarol.text.includes(`${BASE}/inbox/${itemId}`), toCarol.text);
        const rows = await w.repository.notifications.list({ instanceId });
        assert.deepEqual(rows.map((r) => r.state), ['sent', 'sent']);
        const audit = await w.repository.runtime.listAudit({ instanceId });
        assert.equal(audit.filter((a) => a.event === 'notification-sent').length, 2, 'each send is on record');
        // Nothing is sent twice.
        const again = mail();
        assert.equal((await again.runOnce()).claimed, 0);
        again.close();
      } finally {
        await w.close();
      }
    });

    it('sends a reminder before the item is due and an escalation when it runs out of time', async () => {
      const { world: w, mail } = await world();
      try {
        const instanceId = await launchApproval(w);
        const itemId = await openItem(w);
        const worker = mail({ reminderBefore: '15m', escalateTo: ['helpdesk@example.org'] });
        await worker.runOnce(); // the item's and the notify op's mails
        const start = smtp.mails.length;
        w.advance(30 * MINUTE);
        assert.equal((await worker.runOnce()).reminders, 0, 'not yet: due in 30 minutes');
        w.advance(20 * MINUTE);
        const reminded = await worker.runOnce();
        assert.equal(reminded.reminders, 1);
        assert.equal(reminded.sent, 1);
        const reminder = smtp.mails.at(-1)!;
        assert.deepEqual(reminder.to, ['alice@example.org']);
        assert.match(reminder.subject, /^\[idflow\] Reminder: Please approve access for jdoe/);
        assert.ok(reminder.text.includes(`${BASE}/inbox/${itemId}`));
        assert.equal((await worker.runOnce()).reminders, 0, 'one reminder per item');

        w.advance(11 * MINUTE); // past the hour: the timer closes the item by its timeout
        await w.engine.runWorkerOnce();
        assert.equal((await w.repository.runtime.getWorkItem(itemId))?.state, 'timeout');
        const escalated = await worker.runOnce();
        assert.equal(escalated.sent, 1);
        const escalation = smtp.mails.at(-1)!;
        assert.match(escalation.subject, /Overdue/);
        assert.deepEqual([...escalation.to].sort(), ['alice@example.org', 'carol.requester@example.org', 'helpdesk@example.org']);
        assert.ok(escalation.text.includes(`${BASE}/inbox/${itemId}`));
        assert.equal(smtp.mails.length - start, 2);
        const kinds = (await w.repository.notifications.list({ instanceId })).map((r) => `${r.kind}:${r.state}`).sort();
        assert.deepEqual(kinds, ['escalation:sent', 'message:sent', 'reminder:sent', 'workitem:sent']);
        worker.close();
      } finally {
        await w.close();
      }
    });

    it('retries a mail the server deferred with 451 and sends it once when the server takes it', async () => {
      let deferredOnce = false;
      const flaky = await startSmtpServer({
        answer: (_n, to) => {
          if (deferredOnce || !to.includes('alice@example.org')) return undefined;
          deferredOnce = true;
          return { code: 451, message: '4.3.0 try again later' };
        },
      });
      const { world: w, mail } = await world();
      try {
        await launchApproval(w);
        const worker = mail({}, flaky);
        const first = await worker.runOnce();
        assert.deepEqual({ sent: first.sent, retried: first.retried }, { sent: 1, retried: 1 }, "the requester's mail went, alice's was deferred");
        const [deferred] = (await w.repository.notifications.list()).filter((r) => r.kind === 'workitem');
        assert.equal(deferred?.state, 'pending');
        assert.equal(deferred?.errorCode, 'MAIL_TRANSIENT');
        assert.match(deferred?.lastError ?? '', /451|try again later/);
        assert.ok(deferred!.notBefore > w.now(), 'it waits out a backoff');
        assert.equal((await worker.runOnce()).claimed, 0, 'not before the backoff is over');
        w.advance(2 * MINUTE);
        const second = await worker.runOnce();
        assert.equal(second.sent, 1);
        assert.equal(flaky.mails.filter((m) => m.to.includes('alice@example.org')).length, 1, 'delivered exactly once');
        const sent = await w.repository.notifications.get(deferred!.id);
        assert.equal(sent?.state, 'sent');
        assert.equal(sent?.attempts, 2);
        worker.close();
      } finally {
        await w.close();
        await flaky.close();
      }
    });

    it('marks a mail the server refuses with 550 as failed, says why, and retries it only when asked', async () => {
      let refuse = true;
      const strict = await startSmtpServer({ answer: () => (refuse ? { code: 550, message: '5.1.1 mailbox unavailable' } : undefined) });
      const { world: w, mail } = await world();
      try {
        await launchApproval(w);
        const worker = mail({}, strict);
        const round = await worker.runOnce();
        assert.equal(round.failed, 2);
        const failed = await w.repository.notifications.list({ state: 'failed' });
        assert.equal(failed.length, 2);
        for (const f of failed) {
          assert.equal(f.errorCode, 'MAIL_REJECTED');
          assert.match(f.lastError ?? '', /550 5\.1\.1 mailbox unavailable/);
        }
        const audit = await w.repository.runtime.listAudit({});
        assert.ok(audit.some((a) => a.event === 'notification-failed' && a.data?.['code'] === 'MAIL_REJECTED'));
        w.advance(24 * 60 * MINUTE);
        assert.equal((await worker.runOnce()).claimed, 0, 'a refused mail is not retried on its own');
        refuse = false;
        assert.equal(await w.repository.notifications.retry(failed[0]!.id, w.now()), true);
        assert.equal((await worker.runOnce()).sent, 1);
        assert.equal(strict.mails.length, 1);
        worker.close();
      } finally {
        await w.close();
        await strict.close();
      }
    });

    it('writes the notifications of a replayed step once, and sends them once', async () => {
      const { world: w, mail } = await world();
      const before = smtp.mails.length;
      try {
        const instanceId = await launchApproval(w);
        const rows = await w.repository.notifications.list({ instanceId });
        assert.equal(rows.length, 2);
        // The same step committed again (a replay after a lost commit answer emits the same effects with the same
        // keys): the instance write goes through, its notifications are already there and are not written again.
        const instance = (await w.repository.runtime.getInstance(instanceId))!;
        const replay = rows.map((r) => ({ ...r, id: `${r.id}-replay` }));
        const status = await w.repository.runtime.commit([
          { instance: { ...instance, revision: instance.revision + 1 }, expectedRevision: instance.revision, notifications: replay },
        ]);
        assert.deepEqual(status, ['committed']);
        assert.equal(await w.repository.notifications.insert(replay), 0);
        assert.equal((await w.repository.notifications.list({ instanceId })).length, 2);
        const worker = mail();
        await worker.runOnce();
        await worker.runOnce();
        worker.close();
        const keys = smtp.mails.slice(before).map((m) => m.key);
        assert.equal(keys.length, 2);
        assert.equal(new Set(keys).size, 2, 'each notification arrived once');
      } finally {
        await w.close();
      }
    });

    it('loses nothing when a worker dies holding a batch: another takes it over when the lease expires', async () => {
      const { world: w, mail } = await world();
      const before = smtp.mails.length;
      try {
        for (let k = 0; k < 3; k++) await w.engine.launch({ definition: 'Mail Approval', launcher: 'carol', variables: { approver: `approver${k}`, who: `user${k}` } });
        await w.engine.runWorkerOnce();
        // A worker claims everything, then dies before sending any of it.
        const dead = await w.repository.notifications.claim('dead-worker', w.now(), 60_000, 100);
        assert.equal(dead.length, 6);
        const worker = mail();
        assert.equal((await worker.runOnce()).claimed, 0, 'held by the dead worker until its lease expires');
        w.advance(61_000);
        let sent = 0;
        for (let round = 0; round < 3; round++) sent += (await worker.runOnce()).sent;
        worker.close();
        assert.equal(sent, 6);
        assert.deepEqual((await w.repository.notifications.list()).map((r) => r.state), Array(6).fill('sent'));
        assert.equal(smtp.mails.length - before, 6);
      } finally {
        await w.close();
      }
    });
  });
}
