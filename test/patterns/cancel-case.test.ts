import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allItems, assertFinished, assertRefused, drain, fixture, onlyItem, openItems, withWorld } from './pattern-harness.js';

const MINUTE = 60_000;

describe('pattern: cancel case (WCP-20)', () => {
  describe('Waveset', () => {
    const files = [fixture('waveset', 'cancel-case')];

    it('terminates an instance waiting on parallel work items: every item is cancelled and nothing runs afterwards', async () => {
      await withWorld(files, async (w) => {
        const r = await w.engine.launch({ definition: 'Pattern Cancel Case', launcher: 'alice', mode: 'sync' });
        const items = await openItems(w.engine, r.instance.id);
        assert.deepEqual(items.map((i) => i.owner), ['alice', 'bob']);

        const terminated = await w.engine.terminate(r.instance.id, 'admin');
        assert.equal(terminated.state, 'terminated');
        assert.equal(terminated.waiting, false);
        const after = await allItems(w.engine, r.instance.id);
        assert.deepEqual(after.map((i) => [i.id, i.state]), items.map((i) => [i.id, 'cancelled']));

        for (const item of items) {
          await assertRefused(w.engine.decide({ workItemId: item.id, decision: 'approve', actor: item.owner! }), 'WORKITEM_CLOSED', 'a decision after termination');
        }
        w.advance(30 * MINUTE);
        await drain(w.engine);
        assert.deepEqual(w.steps(r.instance.id), ['split'], 'the join never ran');
        assert.equal((await w.engine.getTask(r.instance.id)).state, 'terminated');
      });
    });

    it('leaves other instances of the same definition running', async () => {
      await withWorld(files, async (w) => {
        // Launched by carol: alice and bob approve, and the four-eyes rule keeps a launcher from approving.
        const doomed = await w.engine.launch({ definition: 'Pattern Cancel Case', launcher: 'carol', mode: 'sync' });
        const other = await w.engine.launch({ definition: 'Pattern Cancel Case', launcher: 'carol', mode: 'sync', taskName: 'the other one' });
        await w.engine.terminate(doomed.instance.id, 'admin');
        const items = await openItems(w.engine, other.instance.id);
        assert.equal(items.length, 2);
        await w.engine.decide({ workItemId: items[0]!.id, decision: 'approve', actor: 'alice' });
        const done = await w.engine.decide({ workItemId: items[1]!.id, decision: 'approve', actor: 'bob' });
        assert.deepEqual(w.steps(other.instance.id), ['split', 'join']);
        assertFinished(done.instance);
      });
    });
  });

  describe('Netwrix', () => {
    const files = [fixture('netwrix', 'cancel-case')];
    const grants = {
      alice: ['/Custom/Workflows/Pattern_CancelCase/Request', '/Custom/Workflows/Pattern_CancelCase/Confirm'],
      rita: ['/Custom/Workflows/Pattern_CancelCase/Review'],
    };

    it('ends the workflow as aborted when the requester aborts, without offering any later activity', async () => {
      await withWorld(
        files,
        async (w) => {
          const r = await w.engine.launch({ definition: 'Pattern_CancelCase', launcher: 'alice', mode: 'sync' });
          const request = await onlyItem(w.engine, r.instance.id);
          assert.equal(request.activity, 'Request/ActionWithRefine-ActionPending');
          const done = await w.engine.decide({ workItemId: request.id, decision: 'Abort', actor: 'alice' });
          assertFinished(done.instance, 'aborted');
          assert.deepEqual(done.workItems, [], 'no later activity is offered');
          assert.deepEqual(done.instance.position.filter((p) => p.startsWith('Review/') || p.startsWith('Confirm/')), []);
        },
        { grants },
      );
    });

    it('ends the workflow as aborted when the reviewer aborts after the request was executed', async () => {
      await withWorld(
        files,
        async (w) => {
          const r = await w.engine.launch({ definition: 'Pattern_CancelCase', launcher: 'alice', mode: 'sync' });
          await w.engine.decide({ workItemId: (await onlyItem(w.engine, r.instance.id)).id, decision: 'Execute', actor: 'alice' });
          const review = await onlyItem(w.engine, r.instance.id);
          assert.equal(review.activity, 'Review/ReviewWithFeedback-ReviewPending');
          const done = await w.engine.decide({ workItemId: review.id, decision: 'Abort', actor: 'rita' });
          assertFinished(done.instance, 'aborted');
          assert.deepEqual(done.workItems, [], 'the confirmation is never offered');
        },
        { grants },
      );
    });
  });
});
