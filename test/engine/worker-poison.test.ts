import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServiceOperation } from '../../src/engine/interpreter/interpreter-types.js';
import type { InstanceWrite, RuntimeStore } from '../../src/repository/runtime-store.js';
import { storageError, type StorageErrorCode } from '../../src/repository/storage-error.js';
import { openRuntimeWorld, type RuntimeWorld } from './runtime-harness.js';
import { DATABASES } from '../repository/repository-factory.js';

/** Writes a side effect under the key the process passes, so a test can make two instances collide in the ledger. */
const record: ServiceOperation = (call) => {
  call.emit({ kind: 'side-effect', key: String(call.args['key']), operation: 'record', data: {} });
  return {};
};

for (const database of DATABASES) {
describe(database.name, () => {
  describe('a worker batch with one instance the database refuses', () => {
    let w: RuntimeWorld;
    before(async () => {
      w = await openRuntimeWorld(['poison.xml'], { operations: { record } }, database);
    });
    after(async () => {
      await w.close();
    });

    it('commits the other instances and ends the refused one as failed, instead of failing the batch forever', async () => {
      const ids: string[] = [];
      for (const key of ['k1', 'shared', 'k2', 'shared', 'k3']) {
        ids.push((await w.engine.launch({ definition: 'Keyed Effect', launcher: 'ann', variables: { key } })).instance.id);
      }
      const round = await w.engine.runWorkerOnce();
      assert.equal(round.advanced, 4);
      const tasks = await Promise.all(ids.map((id) => w.engine.getTask(id)));
      assert.deepEqual(
        tasks.map((t) => `${t.state}:${t.result?.outcome}`),
        ['finished:completed', 'finished:completed', 'finished:completed', 'finished:failed', 'finished:completed'],
      );
      assert.match(tasks[3]!.result!.errors.join(' '), /UNIQUE|constraint/i);
      // Nothing is left for the next round: the refused instance is on record, not leased again and again.
      w.advance(10 * 60_000);
      assert.equal((await w.engine.runWorkerOnce()).advanced, 0);
    });

    it('ends a refused instance as failed also when it is alone in its batch, instead of failing every round', async () => {
      w.advance(60_000);
      const lone = await w.engine.launch({ definition: 'Keyed Effect', launcher: 'ann', variables: { key: 'k1' } });
      assert.equal((await w.engine.runWorkerOnce()).advanced, 0);
      const task = await w.engine.getTask(lone.instance.id);
      assert.equal(`${task.state}:${task.result?.outcome}`, 'finished:failed');
      assert.match(task.result!.errors.join(' '), /UNIQUE|constraint/i);
    });
  });
});
}

describe('a worker batch whose commit fails with a storage error', () => {
  /**
   * PostgreSQL reports a refusal it cannot classify as REPO_QUERY_FAILED (a value too long, a check constraint),
   * which SQLite cannot produce: the store's commit is made to refuse one instance's completing write that way.
   */
  async function roundWhereCommitOf(code: StorageErrorCode): Promise<string[]> {
    const w = await openRuntimeWorld(['poison.xml'], { operations: { record } });
    try {
      const ids: string[] = [];
      for (const key of ['a', 'b']) ids.push((await w.engine.launch({ definition: 'Keyed Effect', launcher: 'ann', variables: { key } })).instance.id);
      const store: RuntimeStore = w.repository.runtime;
      const commit = store.commit;
      const refuses = (writes: readonly InstanceWrite[]): boolean => writes.some((x) => x.instance.id === ids[1] && x.instance.result?.outcome === 'completed');
      (store as { commit: RuntimeStore['commit'] }).commit = (writes) =>
        refuses(writes) ? Promise.reject(storageError(code, 'test.db', new Error('value too long for type character varying(64)'))) : commit.call(store, writes);
      await w.engine.runWorkerOnce().catch(() => undefined);
      return Promise.all(ids.map(async (id) => { const t = await w.engine.getTask(id); return `${t.state}:${t.result?.outcome ?? '-'}`; }));
    } finally {
      await w.close();
    }
  }

  it('ends the instance the database refuses for an unclassified reason (REPO_QUERY_FAILED) and commits the others', async () => {
    assert.deepEqual(await roundWhereCommitOf('REPO_QUERY_FAILED'), ['finished:completed', 'finished:failed']);
  });

  it('ends no instance when the database itself fails (REPO_DISK_FULL): the round fails and they stay due', async () => {
    assert.deepEqual(await roundWhereCommitOf('REPO_DISK_FULL'), ['ready:-', 'ready:-']);
  });
});
