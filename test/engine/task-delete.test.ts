import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DATABASES } from '../repository/repository-factory.js';
import { errorCode, openRuntimeWorld, T0, type RuntimeWorld } from './runtime-harness.js';

const DAY = 86_400_000;

for (const database of DATABASES) {
  describe(`${database.name}: deleting kept results by hand`, () => {
    let w: RuntimeWorld;
    before(async () => {
      w = await openRuntimeWorld(['task-delete.xml'], {}, database);
    });
    after(() => w.close());

    it('deletes a finished instance kept forever; its audit events stay, with who deleted it', async () => {
      const r = await w.engine.launch({ definition: 'Kept Result', launcher: 'bob' });
      assert.equal(r.instance.state, 'finished');
      await w.engine.deleteTask(r.instance.id, 'carol');
      assert.equal((await errorCode(() => w.engine.getTask(r.instance.id))).code, 'TASK_NOT_FOUND');
      const audit = await w.repository.runtime.listAudit({ instanceId: r.instance.id });
      assert.ok(audit.some((a) => a.event === 'launched'));
      assert.deepEqual(audit.filter((a) => a.event === 'deleted').map((a) => a.actor), ['carol']);
    });

    it('refuses to delete an instance that still runs, and deletes it once terminated', async () => {
      const r = await w.engine.launch({ definition: 'Kept Waiting', launcher: 'bob' });
      assert.equal((await errorCode(() => w.engine.deleteTask(r.instance.id, 'carol'))).code, 'TASK_NOT_ENDED');
      await w.engine.terminate(r.instance.id, 'carol');
      await w.engine.deleteTask(r.instance.id, 'carol');
      assert.equal((await errorCode(() => w.engine.getTask(r.instance.id))).code, 'TASK_NOT_FOUND');
    });

    it('deletes every instance that ended before a date, and none that ended later or still runs', async () => {
      const t = w.now();
      const old1 = await w.engine.launch({ definition: 'Kept Result', launcher: 'bob' });
      const old2 = await w.engine.launch({ definition: 'Kept Result', launcher: 'bob' });
      const running = await w.engine.launch({ definition: 'Kept Waiting', launcher: 'bob' });
      w.advance(2 * DAY);
      const recent = await w.engine.launch({ definition: 'Kept Result', launcher: 'bob' });
      const deleted = await w.engine.deleteEnded({ finishedBefore: t + DAY, definition: 'Kept Result' }, 'carol');
      assert.equal(deleted, 2);
      for (const gone of [old1, old2]) assert.equal((await errorCode(() => w.engine.getTask(gone.instance.id))).code, 'TASK_NOT_FOUND');
      assert.equal((await w.engine.getTask(recent.instance.id)).state, 'finished');
      assert.equal((await w.engine.getTask(running.instance.id)).state, 'executing');
      assert.ok(t >= T0);
    });
  });
}
