/**
 * The mail worker as people run it (`idflow mail-worker`), killed with SIGKILL in the middle of a batch, and the
 * `idflow notification` commands, on SQLite and PostgreSQL against a real SMTP server on loopback.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import { openEngine } from '../../src/engine/engine.js';
import { compileMailSettings } from '../../src/notifications/mail-settings.js';
import { MailWorker } from '../../src/notifications/mail-worker.js';
import { openRepository } from '../../src/repository/open-repository.js';
import { runIdflow } from '../cli/cli-harness.js';
import { engineFixture } from '../engine/runtime-harness.js';
import { DATABASES } from '../repository/repository-factory.js';
import { startSmtpServer } from './smtp-test-server.js';

const BIN = fileURLToPath(new URL('../../bin/idflow.js', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function mailConfig(dir: string, port: number): string {
  const file = join(dir, 'mail.json');
  writeFileSync(
    file,
    JSON.stringify({
      smtp: { host: '127.0.0.1', port, security: 'none', timeout: '5s' },
      from: 'idflow@example.org',
      baseUrl: 'https://idflow.test',
      domain: 'example.org',
      idle: '100ms',
    }),
  );
  return file;
}

for (const database of DATABASES) {
  describe(`${database.name}: idflow mail-worker and idflow notification`, () => {
    it('loses no mail when the mail worker is killed mid-batch: the next worker sends the rest after the lease', { timeout: 60_000 }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'idflow-mail-cli-'));
      const location = await database.location(dir);
      // Every DATA waits: the worker is surely in the middle of its batch when it is killed.
      const smtp = await startSmtpServer({ delayMs: 150 });
      const later = (): number => Date.now() + 10 * 60_000;
      const repository = await openRepository({ db: location.db, env: {}, databaseClock: later });
      try {
        const loaded = await loadDefinitionFiles([engineFixture('email.xml')]);
        await repository.objects.putMany(loaded.objects);
        const engine = await openEngine({ repository });
        for (let k = 0; k < 4; k++) await engine.launch({ definition: 'Mail Approval', launcher: 'carol', variables: { approver: `approver${k}`, who: `user${k}` } });
        await engine.runWorkerOnce();
        await engine.close();
        assert.equal((await repository.notifications.list()).length, 8);

        const env: NodeJS.ProcessEnv = { ...process.env };
        delete env['IDFLOW_DB'];
        delete env['DATABASE_URL'];
        const child = spawn(process.execPath, [BIN, '--db', location.db, 'mail-worker', '--mail-config', mailConfig(dir, smtp.port), '--json'], { env, stdio: 'ignore' });
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        const deadline = Date.now() + 20_000;
        while (smtp.mails.length < 2 && Date.now() < deadline) await sleep(10);
        child.kill('SIGKILL');
        await exited;
        const leftBehind = await repository.notifications.list({ state: 'pending' });
        assert.ok(leftBehind.length > 0, 'the worker died with mail still to send');
        assert.ok(leftBehind.some((n) => n.leaseOwner !== null), 'and held a batch under its lease');

        // Another worker, once the lease has expired (its clock ten minutes on), takes the batch over.
        const settings = compileMailSettings({ smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', timeout: '5s' }, from: 'idflow@example.org', baseUrl: 'https://idflow.test', domain: 'example.org' });
        const worker = new MailWorker({ repository, settings, clock: later, workerId: 'successor' });
        for (let round = 0; round < 5; round++) if ((await worker.runOnce()).claimed === 0) break;
        worker.close();
        const rows = await repository.notifications.list();
        assert.deepEqual(rows.map((r) => r.state), Array(8).fill('sent'), 'every notification was sent');
        const keys = new Set(smtp.mails.map((m) => m.key));
        assert.deepEqual([...keys].sort(), rows.map((r) => r.key).sort(), 'every one arrived');
        // At most the one mail in flight at the kill arrives twice (SMTP takes no idempotency key).
        assert.ok(smtp.mails.length <= 9, `${smtp.mails.length} mails for 8 notifications`);

        const listed = await runIdflow(['--db', location.db, 'notification', 'list', '--state', 'sent', '--json']);
        assert.equal(listed.status, 0, listed.stderr);
        const shown = JSON.parse(listed.stdout) as { id: string; state: string; addresses: string[] }[];
        assert.equal(shown.length, 8);
        assert.ok(shown.every((n) => n.state === 'sent' && n.addresses.length === 1));

        const again = await runIdflow(['--db', location.db, 'notification', 'retry', shown[0]!.id, '--json']);
        assert.notEqual(again.status, 0, again.stderr);
        assert.match(again.stderr, /NOTIFICATION_ALREADY_SENT/);
        const missing = await runIdflow(['--db', location.db, 'notification', 'retry', 'no-such-id']);
        assert.match(missing.stderr, /NOTIFICATION_NOT_FOUND/);
      } finally {
        await repository.close();
        await smtp.close();
        await location.dispose();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('lists failed notifications with the reason and sends one again on `idflow notification retry`', { timeout: 30_000 }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'idflow-mail-cli-'));
      const location = await database.location(dir);
      let refuse = true;
      const smtp = await startSmtpServer({ answer: () => (refuse ? { code: 550, message: '5.1.1 no such user' } : undefined) });
      const repository = await openRepository({ db: location.db, env: {} });
      try {
        const loaded = await loadDefinitionFiles([engineFixture('email.xml')]);
        await repository.objects.putMany(loaded.objects);
        const engine = await openEngine({ repository });
        await engine.launch({ definition: 'Mail Approval', launcher: 'carol', variables: { approver: 'alice', who: 'jdoe' } });
        await engine.runWorkerOnce();
        await engine.close();
        const config = mailConfig(dir, smtp.port);
        const once = await runIdflow(['--db', location.db, 'mail-worker', '--mail-config', config, '--once']);
        assert.equal(once.status, 0, once.stderr);
        assert.match(once.stderr, /sent 0, retried 0, failed 2/);
        const failed = await runIdflow(['--db', location.db, 'notification', 'list', '--state', 'failed', '--output', 'json', '--fields', 'id,to,error']);
        const rows = JSON.parse(failed.stdout) as { id: string; to: string[]; error: string }[];
        assert.equal(rows.length, 2);
        assert.ok(rows.every((r) => /550 5\.1\.1 no such user/.test(r.error)), failed.stdout);
        refuse = false;
        const retried = await runIdflow(['--db', location.db, 'notification', 'retry', rows[0]!.id]);
        assert.equal(retried.status, 0, retried.stderr);
        const second = await runIdflow(['--db', location.db, 'worker', '--once', '--mail-config', config]);
        assert.equal(second.status, 0, second.stderr);
        assert.match(second.stderr, /idflow mail-worker: claimed 1, sent 1/);
        assert.equal(smtp.mails.length, 1);
        const bad = await runIdflow(['--db', location.db, 'mail-worker', '--mail-config', join(dir, 'missing.json'), '--once']);
        assert.notEqual(bad.status, 0);
        assert.match(bad.stderr, /MAIL_SETTINGS_UNREADABLE/);
      } finally {
        await repository.close();
        await smtp.close();
        await location.dispose();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
