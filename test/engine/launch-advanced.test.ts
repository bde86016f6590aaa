/**
 * Launches advanced before their first write (docs/decisions/launched-and-advanced.md): `launchMany(…, { advance:
 * true })` runs each launch to its first wait in memory and inserts it there, once, with everything the advance
 * wrote; each launch keeps its own outcome, and a launch this path cannot finish goes the worker's way as before.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServiceOperation } from '../../src/engine/interpreter/interpreter-types.js';
import type { InstanceWrite } from '../../src/repository/runtime-store.js';
import { StorageError } from '../../src/repository/storage-error.js';
import { DATABASES } from '../repository/repository-factory.js';
import { openRuntimeWorld, type RuntimeWorld } from './runtime-harness.js';

/** Writes a side effect under the key the process passes (two equal keys: the ledger refuses the second); `boom` throws. */
const record: ServiceOperation = (call) => {
  if (call.args['key'] === 'boom') throw new Error('the record service is down');
  // `child` also launches an Auto Default in the same commit (a child started before the first wait).
  if (call.args['key'] === 'child') call.emit({ kind: 'launch', definition: 'Auto Default', variables: {}, launcher: 'ann' });
  call.emit({ kind: 'side-effect', key: String(call.args['key']), operation: 'record', data: {} });
  return {};
};

/** Every write the runtime store is asked to commit, and how many claims it answered. */
function watch(w: RuntimeWorld): { writes: InstanceWrite[]; claims: () => number } {
  const store = w.repository.runtime;
  const writes: InstanceWrite[] = [];
  let claims = 0;
  const commit = store.commit.bind(store);
  const claim = store.claim.bind(store);
  const claimIds = store.claimIds.bind(store);
  store.commit = (ws) => {
    writes.push(...ws);
    return commit(ws);
  };
  store.claim = (...args) => {
    claims++;
    return claim(...args);
  };
  store.claimIds = (...args) => {
    claims++;
    return claimIds(...args);
  };
  return { writes, claims: () => claims };
}

for (const database of DATABASES) {
  describe(`${database.name}: launches advanced before their first write`, () => {
    let w: RuntimeWorld;
    let seen: ReturnType<typeof watch>;
    before(async () => {
      w = await openRuntimeWorld(['task-parameters.xml', 'poison.xml'], { operations: { record } }, database);
      seen = watch(w);
    });
    after(async () => {
      await w.close();
    });

    it('writes each launch once, already at its first wait, with no claim and its audit trail in order', async () => {
      seen.writes.length = 0;
      const results = await w.engine.launchMany(
        ['ann', 'bob', 'cy'].map((who) => ({ definition: 'Approval Async', launcher: 'admin', subject: who, variables: { approver: 'admin' } })),
        { advance: true },
      );
      const ids = results.map((r) => (r.ok ? r.instance.id : assert.fail(JSON.stringify(r))));
      for (const id of ids) {
        const own = seen.writes.filter((x) => x.instance.id === id);
        assert.equal(own.length, 1, 'one write of the instance');
        assert.equal(own[0]!.expectedRevision, null, 'an insert');
        const task = await w.engine.getTask(id);
        assert.equal(task.state, 'executing');
        assert.deepEqual(task.position, ['Approve']);
        const trail = (await w.repository.audit.query({ instanceId: id })).map((e) => e.event);
        assert.deepEqual(trail.slice(0, 1), ['launched']);
        assert.ok(trail.indexOf('workitem-created') > 0, trail.join(', '));
        assert.equal(trail.filter((e) => e === 'launched').length, 1);
        assert.equal((await w.engine.listWorkItems({ instanceId: id, state: 'open' })).length, 1, 'its approval waits');
      }
      assert.equal(seen.claims(), 0, 'nothing was claimed: nothing was written ready');
      assert.equal((await w.engine.runWorkerOnce()).advanced, 0, 'nothing is left for a worker to run again');
    });

    it('keeps one update workflow per identity, also for a launch that ends in its first advance', async () => {
      const held = await w.engine.launchMany([{ definition: 'Approval Async', launcher: 'admin', subject: 'dee', variables: { approver: 'admin' } }], { advance: true });
      assert.ok(held[0]?.ok);
      const results = await w.engine.launchMany(
        [
          { definition: 'Auto Default', launcher: 'admin', subject: 'dee' },
          { definition: 'Auto Default', launcher: 'admin', subject: 'eve' },
        ],
        { advance: true },
      );
      assert.deepEqual(
        results.map((r) => (r.ok ? r.instance.state : r.error.code)),
        ['SUBJECT_BUSY', 'finished'],
      );
      // The finished one left no lock behind: eve can be worked on again.
      const again = await w.engine.launchMany([{ definition: 'Approval Async', launcher: 'admin', subject: 'eve', variables: { approver: 'admin' } }], { advance: true });
      assert.ok(again[0]?.ok, JSON.stringify(again[0]));
    });

    it('commits the rest of a batch when the database refuses one launch’s write, and ends that one failed, on record', async () => {
      const results = await w.engine.launchMany(
        ['k1', 'shared', 'k2', 'shared', 'k3'].map((key) => ({ definition: 'Keyed Effect', launcher: 'ann', variables: { key } })),
        { advance: true },
      );
      const ids = results.map((r) => (r.ok ? r.instance.id : assert.fail(JSON.stringify(r))));
      const tasks = await Promise.all(ids.map((id) => w.engine.getTask(id)));
      assert.deepEqual(
        tasks.map((t) => `${t.state}:${t.result?.outcome}`),
        ['finished:completed', 'finished:completed', 'finished:completed', 'finished:failed', 'finished:completed'],
      );
      assert.match(tasks[3]!.result!.errors.join(' '), /UNIQUE|constraint|duplicate/i);
      const trail = (await w.repository.audit.query({ instanceId: ids[3]! })).map((e) => e.event);
      assert.deepEqual([trail[0], trail.at(-1)], ['launched', 'failed']);
      w.advance(10 * 60_000);
      assert.equal((await w.engine.runWorkerOnce()).advanced, 0, 'nothing is left leased or due');
    });

    it('keeps the outcome of a launch whose action fails to itself, and starts the others', async () => {
      const results = await w.engine.launchMany(
        ['k4', 'boom', 'k5'].map((key) => ({ definition: 'Keyed Effect', launcher: 'ann', variables: { key } })),
        { advance: true },
      );
      const tasks = await Promise.all(results.map((r) => w.engine.getTask(r.ok ? r.instance.id : assert.fail(JSON.stringify(r)))));
      assert.deepEqual(
        tasks.map((t) => [t.state, t.result?.errors.some((e) => /the record service is down/.test(e)) ?? false]),
        [['finished', false], ['finished', true], ['finished', false]],
      );
      const effects = await w.repository.runtime.listSideEffects();
      assert.deepEqual(effects.map((e) => e.key).filter((k) => k === 'k4' || k === 'k5' || k === 'boom').sort(), ['k4', 'k5']);
    });

    it('answers the launches committed before a database fault as launched and only the rest with the fault, so no caller starts them twice', async () => {
      const store = w.repository.runtime;
      const commit = store.commit;
      let commits = 0;
      // The advanced chunk commits; the next commit (the batch's second launch of one person, written ready) meets a full disk.
      store.commit = (ws) => (++commits === 2 ? Promise.reject(new StorageError('REPO_DISK_FULL', 'the disk is full')) : commit(ws));
      try {
        const results = await w.engine.launchMany(
          [
            { definition: 'Approval Async', launcher: 'admin', subject: 'fay', variables: { approver: 'admin' } },
            { definition: 'Approval Async', launcher: 'admin', subject: 'fay', variables: { approver: 'admin' } },
          ],
          { advance: true },
        );
        assert.equal(results[0]?.ok, true, JSON.stringify(results[0]));
        const first = results[0]!.ok ? results[0]!.instance.id : '';
        assert.equal((await w.engine.getTask(first)).state, 'executing', 'the committed launch exists and waits at its approval');
        assert.equal(results[1]?.ok, false);
        assert.equal(!results[1]!.ok && results[1]!.error.code, 'REPO_DISK_FULL');
      } finally {
        store.commit = commit;
      }
    });

    it('writes no child of a launch whose own row is refused: a launch that starts a child before its first wait goes the worker’s way', async () => {
      const holder = await w.engine.launchMany([{ definition: 'Approval Async', launcher: 'admin', subject: 'gus', variables: { approver: 'admin' } }], { advance: true });
      assert.ok(holder[0]?.ok);
      const children = async () => (await w.engine.listTasks({})).filter((t) => t.definition.name === 'Auto Default').length;
      const before = await children();
      const results = await w.engine.launchMany([{ definition: 'Keyed Effect', launcher: 'ann', subject: 'gus', variables: { key: 'child' } }], { advance: true });
      assert.equal(!results[0]!.ok && results[0]!.error.code, 'SUBJECT_BUSY');
      assert.equal(await children(), before, 'no child was written for the refused launch');
    });
  });
}
