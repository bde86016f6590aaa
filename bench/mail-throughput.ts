/**
 * Mail worker throughput: 1,000 notifications sent by one mail worker to a loopback smtp-server that parses each.
 * `node --import tsx bench/mail-throughput.ts` (SQLite in a temp dir) or `… bench/mail-throughput.ts postgres://…`
 * (a database you may write to). Figures: docs/email.md, "Throughput".
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRepository } from '../src/repository/open-repository.js';
import { compileMailSettings } from '../src/notifications/mail-settings.js';
import { MailWorker } from '../src/notifications/mail-worker.js';
import { startSmtpServer } from '../test/notifications/smtp-test-server.js';

const N = 1000;
const url = process.argv[2];
const repository = url ? await openRepository({ url }) : await openRepository({ db: join(mkdtempSync(join(tmpdir(), 'mailbench-')), 'b.db') });
const smtp = await startSmtpServer();
const now = Date.now();
const rows = Array.from({ length: N }, (_, k) => ({ id: randomUUID(), key: `bench:${k}:${randomUUID()}`, kind: 'message' as const, instanceId: null, instanceName: null, definitionName: null, workItemId: null, recipients: [`user${k}@example.org`], subject: `s${k}`, body: 'b', createdAt: now }));
let t = performance.now();
await repository.notifications.insert(rows);
const insertMs = performance.now() - t;
const settings = compileMailSettings({ smtp: { host: '127.0.0.1', port: smtp.port, security: 'none' }, from: 'idflow@example.org', baseUrl: 'https://x.test', batchSize: 50 }, {});
const w = new MailWorker({ repository, settings });
t = performance.now();
let sent = 0;
while (sent < N) sent += (await w.runOnce()).sent;
const ms = performance.now() - t;
console.log(`${repository.kind}: insert ${N} rows ${insertMs.toFixed(0)} ms; sent ${sent} mails in ${ms.toFixed(0)} ms = ${(sent / (ms / 1000)).toFixed(0)} mails/s (one worker, batch 50, one kept SMTP connection, server parses each)`);
w.close(); await smtp.close(); await repository.close();
