/**
 * A mover whose person still has an update workflow running (the onboarding waits for its review) is refused with
 * SUBJECT_BUSY. The launch is not dropped: it stays pending, is tried again later, and starts once the other workflow
 * has finished (docs/decisions/hr-busy-retry.md). Both databases; a clock the test moves.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importHrFile, launchDueHr, parseHrSource } from '../../../src/connectors/hr/index.js';
import { HR_BUSY_RETRY_MS } from '../../../src/connectors/hr/hr-launcher.js';
import { loadDefinitionFiles } from '../../../src/definition/load.js';
import { openEngine, type RuntimeEngine } from '../../../src/engine/engine.js';
import type { Repository } from '../../../src/repository/repository.js';
import { DATABASES } from '../../repository/repository-factory.js';

const DEFAULTS = fileURLToPath(new URL('../../../config/default/', import.meta.url));
const START = Date.parse('2026-03-02T09:00:00Z');
const MAPPING = {
  name: 'people',
  key: 'EmployeeID',
  columns: { EmployeeID: 'EmployeeId', Login: 'Login', LastName: 'LastName', Department: 'Department' },
  subject: 'Login',
  added: { workflow: 'User_Onboarding', firstTransition: 'ActionWithRefine-ActionPending-Execute' },
  modified: { workflow: 'User_Move', on: ['Department'], firstTransition: 'ActionWithRefine-ActionPending-Execute' },
  deleted: { workflow: 'User_Offboarding', firstTransition: 'ActionWithRefine-ActionPending-Execute' },
};
const csv = (...rows: string[]): Uint8Array => Buffer.from(['EmployeeID,Login,LastName,Department', ...rows].join('\n') + '\n', 'utf8');

for (const database of DATABASES) {
  describe(`${database.name}: an HR mover refused because the person is busy`, () => {
    let repo: Repository;
    let engine: RuntimeEngine;
    let now = START;
    const clock = () => now;

    before(async () => {
      repo = await database.open();
      const loaded = await loadDefinitionFiles(readdirSync(DEFAULTS).filter((f) => f.endsWith('.xml')).map((f) => join(DEFAULTS, f)));
      await repo.objects.putMany(loaded.objects);
      await repo.hr.putSource('people', parseHrSource(MAPPING) as unknown as Record<string, unknown>, START);
      await repo.profiles.assign('mona', ['Manager'], 'admin', START);
      engine = await openEngine({ repository: repo, clock, workerId: 'hr-busy-test' });
    });
    after(async () => {
      await engine.close();
      await repo.close();
    });

    it('keeps the mover pending while the onboarding runs, and starts it on a later round once the onboarding is done', async () => {
      const joined = await importHrFile({ repository: repo, engine, clock }, { source: 'people', file: 'a.csv', bytes: csv('E1,jdoe,Doe,Finance') });
      assert.equal(joined.launches?.launched, 1, 'the onboarding starts and waits for its review');

      now += 60_000;
      const moved = await importHrFile({ repository: repo, engine, clock }, { source: 'people', file: 'b.csv', bytes: csv('E1,jdoe,Doe,Sales') });
      assert.equal(moved.launches?.launched, 0);
      assert.equal(moved.launches?.failed, 0, 'a busy person is not a failure');
      assert.equal(moved.launches?.deferred, 1);
      assert.equal(moved.launches?.results[0]?.retryAt, now + HR_BUSY_RETRY_MS);
      const pending = (await repo.hr.listLaunches('people')).filter((l) => l.definition === 'User_Move');
      assert.deepEqual(pending.map((l) => [l.state, l.dueAt]), [['pending', now + HR_BUSY_RETRY_MS]], 'the mover waits, it is not dropped');
      const deferredEvents = await repo.audit.query({ event: 'hr.launch-deferred' });
      assert.equal(deferredEvents.length, 1, 'the audit says it was put off');

      now += 60_000;
      assert.equal((await launchDueHr({ repository: repo, engine, clock })).deferred, 0, 'not tried again before its time');

      const [onboarding] = (await engine.listTasks({ definition: 'User_Onboarding' })).filter((t) => t.definition.name === 'User_Onboarding');
      const review = (await engine.listWorkItems({ instanceId: onboarding!.id })).find((w) => w.state === 'open')!;
      await engine.decide({ workItemId: review.id, decision: 'Approve', actor: 'mona' });

      now += HR_BUSY_RETRY_MS;
      const retried = await launchDueHr({ repository: repo, engine, clock });
      assert.equal(retried.launched, 1, 'the mover starts once the person is free');
      const move = (await engine.listTasks({ definition: 'User_Move' })).filter((t) => t.definition.name === 'User_Move');
      assert.equal(move.length, 1);
      const items = (await engine.listWorkItems({ instanceId: move[0]!.id })).filter((w) => w.state === 'open');
      assert.deepEqual(items.map((w) => w.activity), ['Review/ReviewWithFeedback-ReviewPending'], 'past its Request, waiting for the review of removals');
      assert.deepEqual((await repo.hr.listLaunches('people')).map((l) => l.state).sort(), ['launched', 'launched']);
    });
  });
}
