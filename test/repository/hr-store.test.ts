/**
 * The HR store's launches on both databases: a run's launches written together, claimed by one launcher at a time,
 * and finished once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HrLaunchRecord } from '../../src/repository/hr-store.js';
import type { Repository } from '../../src/repository/repository.js';
import { DATABASES } from './repository-factory.js';

const T0 = Date.parse('2026-12-07T09:00:00Z');
const LEASE = 60_000;

function launch(n: number, over: Partial<HrLaunchRecord> = {}): HrLaunchRecord {
  return {
    id: `l${n}`, source: 'workday', runId: 'run-1', rowKey: `E${n}`, change: 'added', definition: 'Onboarding', subject: n % 2 === 0 ? `p${n}` : null,
    variables: { changes: { Login: `p${n}`, Note: n === 1 ? 'quote " and é' : null } }, firstTransition: n === 0 ? null : 'ActionWithRefine-ActionPending-Execute',
    dueAt: T0 + n, state: 'pending', instanceId: null, error: null, ...over,
  };
}

for (const database of DATABASES) {
  describe(`${database.name}: HR launches in the store`, () => {
    let repo: Repository;
    before(async () => {
      repo = await database.open();
      await repo.hr.apply({
        run: { id: 'run-1', source: 'workday', at: T0, file: 'wave.csv', outcome: 'applied', plan: {} },
        upserts: [],
        deletes: [],
        launches: [0, 1, 2, 3, 4].map((n) => launch(n)),
        audit: [],
      });
    });
    after(() => repo.close());

    it('keeps every launch of a run as it was given, due in order', async () => {
      assert.deepEqual(await repo.hr.dueLaunches(T0 + 10, 10), [0, 1, 2, 3, 4].map((n) => launch(n)));
    });

    it('claims the oldest due launches nobody holds, of one source or all, until a claim lapses', async () => {
      const ids = (ls: readonly HrLaunchRecord[]) => ls.map((l) => l.id);
      assert.deepEqual(ids(await repo.hr.claimDue(T0 + 2, 2, 'a', LEASE)), ['l0', 'l1'], 'l3 and l4 are not due yet; two asked for');
      assert.deepEqual(ids(await repo.hr.claimDue(T0 + 10, 10, 'b', LEASE, 'other')), [], 'another source has none');
      const taken = await repo.hr.claimDue(T0 + 10, 10, 'b', LEASE, 'workday');
      assert.deepEqual(ids(taken), ['l2', 'l3', 'l4'], 'l0 and l1 are held by a');
      assert.deepEqual(taken[0], { ...launch(2), instanceId: 'b' }, 'a claimed row is answered whole, the claim in instanceId');
      assert.deepEqual(ids(await repo.hr.claimDue(T0 + 10, 10, 'c', LEASE)), [], 'everything due is held');
      assert.deepEqual(ids(await repo.hr.claimDue(T0 + 2 + LEASE, 1, 'c', LEASE)), ['l0'], "a's claim has lapsed");
    });

    it('finishes each pending launch once, with its instance or its error, and leaves finished ones alone', async () => {
      const done = await repo.hr.finishLaunches(
        [
          { id: 'l1', state: 'launched', instanceId: 'i1' },
          { id: 'l2', state: 'failed', error: 'WF_NOT_FOUND: "quoted"' },
          { id: 'l9', state: 'launched', instanceId: 'i9' },
        ],
        [],
        T0 + 5,
      );
      assert.deepEqual(done, ['l1', 'l2']);
      assert.deepEqual(await repo.hr.finishLaunches([{ id: 'l1', state: 'failed', error: 'late' }, { id: 'l4', state: 'launched', instanceId: 'i4' }], [], T0 + 6), ['l4']);
      const byId = new Map((await repo.hr.listLaunches('workday')).map((l) => [l.id, l]));
      assert.deepEqual([byId.get('l1')!.state, byId.get('l1')!.instanceId, byId.get('l1')!.error], ['launched', 'i1', null]);
      assert.deepEqual([byId.get('l2')!.state, byId.get('l2')!.instanceId, byId.get('l2')!.error], ['failed', null, 'WF_NOT_FOUND: "quoted"']);
      assert.deepEqual(byId.get('l0')!.state, 'pending');
      assert.deepEqual((await repo.hr.dueLaunches(T0 + 10, 10)).map((l) => l.id), ['l0', 'l3']);
    });
  });
}
