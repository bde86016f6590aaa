import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DATABASES } from '../repository/repository-factory.js';
import { errorCode, openRuntimeWorld, type RuntimeWorld } from './runtime-harness.js';

// A definition that asks for wait, rename or terminate names its unnamed launches after itself, as Waveset does;
// one that keeps the default (delete) gives each unnamed launch a unique name, as before.
for (const database of DATABASES) {
  describe(`${database.name}: resultOption for launches without a task name`, () => {
    let w: RuntimeWorld;
    before(async () => {
      w = await openRuntimeWorld(['result-option-unnamed.xml'], {}, database);
    });
    after(() => w.close());

    async function finish(instanceId: string): Promise<void> {
      for (const item of await w.engine.listWorkItems({ instanceId })) {
        await w.engine.decide({ workItemId: item.id, decision: 'approve', actor: item.owner ?? '' });
      }
    }

    it('wait: an unnamed launch takes the definition name, and a second one is refused while the first exists', async () => {
      const first = await w.engine.launch({ definition: 'Unnamed Wait', launcher: 'bob' });
      assert.equal(first.instance.name, 'Unnamed Wait');
      const again = await errorCode(() => w.engine.launch({ definition: 'Unnamed Wait', launcher: 'bob' }));
      assert.equal(again.code, 'TASK_RESULT_EXISTS');
    });

    it('rename: a second unnamed launch renames the finished first one', async () => {
      const first = await w.engine.launch({ definition: 'Unnamed Rename', launcher: 'bob' });
      await finish(first.instance.id);
      const second = await w.engine.launch({ definition: 'Unnamed Rename', launcher: 'bob' });
      assert.equal(second.instance.name, 'Unnamed Rename');
      assert.equal((await w.engine.getTask(first.instance.id)).name, `Unnamed Rename #${first.instance.id}`);
    });

    it('terminate: a second unnamed launch terminates the running first one', async () => {
      const first = await w.engine.launch({ definition: 'Unnamed Terminate', launcher: 'bob' });
      const second = await w.engine.launch({ definition: 'Unnamed Terminate', launcher: 'bob' });
      assert.equal(second.instance.name, 'Unnamed Terminate');
      assert.equal((await errorCode(() => w.engine.getTask(first.instance.id))).code, 'TASK_NOT_FOUND');
    });

    it('default: unnamed launches keep their own unique names and run side by side', async () => {
      const a = await w.engine.launch({ definition: 'Unnamed Default', launcher: 'bob' });
      const b = await w.engine.launch({ definition: 'Unnamed Default', launcher: 'bob' });
      assert.notEqual(a.instance.name, b.instance.name);
      assert.equal((await w.engine.getTask(a.instance.id)).state, 'executing');
      assert.equal((await w.engine.getTask(b.instance.id)).state, 'executing');
    });
  });
}
