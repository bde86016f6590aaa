/**
 * An inbox read page by page: a person's own items and the items offered to their profile's permissions, merged
 * newest first, with a cursor; every item once, none skipped. Real engine, default configuration, on SQLite and
 * on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import type { WorkItemView } from '../../src/engine/engine-api.js';
import { openEngine, type RuntimeEngine } from '../../src/engine/engine.js';
import type { Repository } from '../../src/repository/repository.js';
import { DATABASES } from '../repository/repository-factory.js';
import { permissionOfferedDefaults } from '../support/permission-defaults.js';
import { T0 } from './runtime-harness.js';

for (const database of DATABASES) describe(`${database.name}: inbox pages`, () => {
  let repository: Repository;
  let engine: RuntimeEngine;
  let clock = T0;

  before(async () => {
    repository = await database.open();
    // The onboarding's Review offered by permission, as the vendor writes it (config/default asks the manager).
    const loaded = await loadDefinitionFiles(permissionOfferedDefaults());
    await repository.objects.putMany(loaded.objects);
    await repository.profiles.assign('bob', ['Manager'], 'admin', T0);
    engine = await openEngine({ repository, clock: () => clock, workerId: 'inbox-pages-test' });
    // Alternating: an item bob owns (he is the approver), then one offered to Manager (an onboarding review).
    for (let i = 0; i < 3; i++) {
      await engine.launch({
        definition: 'Update User With Approval',
        launcher: 'alice',
        mode: 'sync',
        variables: { accountId: `u${i}`, changes: {}, approver: 'bob' },
      });
      clock += 1000;
      const request = (await engine.launch({ definition: 'User_Onboarding', launcher: 'alice', mode: 'sync' })).workItems[0]!;
      await engine.decide({ workItemId: request.id, decision: 'Execute', actor: 'alice' });
      clock += 1000;
    }
  });
  after(async () => {
    await engine.close();
    await repository.close();
  });

  it('merges owned and offered items newest first and pages through them with a cursor', async () => {
    const all = await engine.listWorkItems({ owner: 'bob', order: 'desc' });
    assert.equal(all.length, 6);
    assert.equal(all.filter((i) => i.owner === 'bob').length, 3);
    assert.equal(all.filter((i) => i.permission !== undefined).length, 3);
    const times = all.map((i) => i.createdAt);
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');

    const paged: WorkItemView[] = [];
    let after: { createdAt: number; id: string } | undefined;
    for (;;) {
      const page = await engine.listWorkItems({ owner: 'bob', order: 'desc', limit: 4, ...(after && { after }) });
      paged.push(...page);
      if (page.length < 4) break;
      const last = page.at(-1)!;
      after = { createdAt: Date.parse(last.createdAt), id: last.id };
    }
    assert.deepEqual(paged.map((i) => i.id), all.map((i) => i.id));
  });

  it('keeps oldest first when asked and a date range when given', async () => {
    const oldest = await engine.listWorkItems({ owner: 'bob', order: 'asc', limit: 2 });
    const all = await engine.listWorkItems({ owner: 'bob', order: 'asc' });
    assert.deepEqual(oldest.map((i) => i.id), all.slice(0, 2).map((i) => i.id));
    const middle = await engine.listWorkItems({ owner: 'bob', order: 'asc', limit: 10, since: T0 + 1000, until: T0 + 3000 });
    assert.deepEqual(middle.map((i) => i.createdAt), [new Date(T0 + 1000).toISOString(), new Date(T0 + 2000).toISOString()]);
  });

  it('pages task instances newest first with the same cursor, on the same order', async () => {
    const all = await engine.listTasks({ order: 'desc' });
    assert.equal(all.length, 6);
    const paged: string[] = [];
    let after: { createdAt: number; id: string } | undefined;
    for (;;) {
      const page = await engine.listTasks({ order: 'desc', limit: 4, ...(after && { after }) });
      paged.push(...page.map((t) => t.id));
      if (page.length < 4) break;
      after = { createdAt: Date.parse(page.at(-1)!.createdAt), id: page.at(-1)!.id };
    }
    assert.deepEqual(paged, all.map((t) => t.id));
    const since = await engine.listTasks({ order: 'asc', since: T0 + 2000 });
    assert.deepEqual(since.map((t) => t.id), all.slice(0, 4).reverse().map((t) => t.id));
  });
});
