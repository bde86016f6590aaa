import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openRuntimeWorld, type RuntimeWorld } from './runtime-harness.js';
import { DATABASES } from '../repository/repository-factory.js';

for (const database of DATABASES) {
describe(database.name, () => {
  describe('the history of a TaskInstance', () => {
    let w: RuntimeWorld;
    before(async () => {
      w = await openRuntimeWorld(['history.xml'], {}, database);
    });
    after(async () => {
      await w.close();
    });

    it('keeps who decided each manual action, with the activity’s variables, after the instance has finished', async () => {
      const launched = await w.engine.launch({ definition: 'Kept Approval', launcher: 'alice', variables: { approver: 'carol' } });
      const item = launched.workItems[0]!;
      assert.deepEqual(launched.instance.history.map((h) => [h.activity, h.decision]), [['Approve', undefined]]);
      w.advance(60_000);
      const decided = await w.engine.decide({
        workItemId: item.id,
        decision: 'approve',
        actor: 'carol',
        comment: 'fine by me',
        variables: { reason: 'budget approved' },
      });
      assert.equal(decided.instance.state, 'finished');
      const kept = await w.engine.getTask(launched.instance.id);
      assert.equal(kept.history.length, 1, 'only the manual-action activity has a record');
      const h = kept.history[0]!;
      assert.equal(h.activity, 'Approve');
      assert.equal(h.decision, 'approve');
      assert.equal(h.actor, 'carol');
      assert.equal(h.comment, 'fine by me');
      assert.deepEqual(h.workItems, [item.id]);
      assert.deepEqual(h.variables, { reason: 'budget approved' });
      assert.ok(h.completedAt !== undefined && Date.parse(h.completedAt) - Date.parse(h.enteredAt) === 60_000);
      // The Notify activity's own variable is gone once it completed (no manual action there).
      assert.equal(kept.variables['scratch'], undefined);
    });
  });
});
}
