/**
 * A Netwrix work item offered by permission is mailed to everyone holding it, through the real AccessControlRules
 * and profiles of config/default, on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import { openEngine } from '../../src/engine/engine.js';
import { compileMailSettings } from '../../src/notifications/mail-settings.js';
import { MailWorker } from '../../src/notifications/mail-worker.js';
import { T0 } from '../engine/runtime-harness.js';
import { DATABASES } from '../repository/repository-factory.js';
import { startSmtpServer } from './smtp-test-server.js';

const DEFAULTS = fileURLToPath(new URL('../../config/default/', import.meta.url));
const REVIEW = '/Custom/Workflows/User_Onboarding/Review/ReviewPending';

for (const database of DATABASES) {
  describe(`${database.name}: mail for work items offered by permission`, () => {
    it('mails the Review item to every holder of its permission, and to nobody else', async () => {
      const repository = await database.open();
      const smtp = await startSmtpServer();
      try {
        const loaded = await loadDefinitionFiles(readdirSync(DEFAULTS).filter((f) => f.endsWith('.xml')).map((f) => join(DEFAULTS, f)));
        await repository.objects.putMany(loaded.objects);
        // The default rules give the Review state to Manager (config/default/netwrix-access-control.xml).
        await repository.profiles.assign('bob', ['Manager'], 'admin', T0);
        await repository.profiles.assign('dave', ['Manager'], 'admin', T0);
        const engine = await openEngine({ repository, clock: () => T0, workerId: 'permission-mail' });
        const launched = await engine.launch({ definition: 'User_Onboarding', launcher: 'alice', mode: 'sync' });
        const executed = await engine.decide({ workItemId: launched.workItems[0]!.id, decision: 'Execute', actor: 'alice' });
        const review = executed.workItems.find((i) => i.permission === REVIEW);
        assert.ok(review);
        await engine.close();

        const settings = compileMailSettings({ smtp: { host: '127.0.0.1', port: smtp.port, security: 'none' }, from: 'idflow@example.org', baseUrl: 'https://idflow.test', domain: 'example.org' }, {});
        const worker = new MailWorker({ repository, settings, clock: () => T0 });
        await worker.runOnce();
        worker.close();
        const reviewMail = smtp.mails.find((m) => m.key === `workitem:${review.id}`);
        assert.ok(reviewMail, `the review item was mailed: ${JSON.stringify(smtp.mails.map((m) => [m.key, m.to]))}`);
        assert.deepEqual([...reviewMail.to].sort(), ['bob@example.org', 'dave@example.org']);
        assert.ok(reviewMail.text.includes(`https://idflow.test/inbox/${review.id}`));
        const requestMail = smtp.mails.find((m) => m.key === `workitem:${launched.workItems[0]!.id}`);
        assert.deepEqual(requestMail?.to, ['alice@example.org'], 'the requester got her own Request item');
      } finally {
        await repository.close();
        await smtp.close();
      }
    });
  });
}
