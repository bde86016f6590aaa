import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFinished, assertRefused, fixture, onlyItem, withWorld } from './pattern-harness.js';

describe('pattern: exclusive choice (WCP-4)', () => {
  describe('Waveset', () => {
    const files = [fixture('waveset', 'exclusive-choice')];

    for (const [amount, branch] of [
      [5000, 'large'],
      [500, 'medium'],
      [5, 'small'],
    ] as const) {
      it(`takes only the first true transition: amount ${amount} runs '${branch}' alone`, async () => {
        await withWorld(files, async (w) => {
          const r = await w.engine.launch({ definition: 'Pattern Exclusive Choice', launcher: 'alice', mode: 'sync', variables: { amount } });
          assert.deepEqual(w.steps(r.instance.id), ['choose', branch]);
          assertFinished(r.instance);
        });
      });
    }

    for (const [decision, branch] of [
      ['approve', 'approved'],
      ['reject', 'rejected'],
    ] as const) {
      it(`routes on the work item decision: '${decision}' runs '${branch}' alone`, async () => {
        await withWorld(files, async (w) => {
          const r = await w.engine.launch({ definition: 'Pattern Approval Choice', launcher: 'alice', mode: 'sync' });
          assert.deepEqual(w.steps(r.instance.id), []);
          const item = await onlyItem(w.engine, r.instance.id);
          assert.deepEqual([...item.decisions].sort(), ['approve', 'reject']);
          const done = await w.engine.decide({ workItemId: item.id, decision, actor: 'approver' });
          assert.deepEqual(w.steps(r.instance.id), [branch]);
          assertFinished(done.instance);
        });
      });
    }

    it('refuses a decision the work item does not offer and leaves the instance waiting', async () => {
      await withWorld(files, async (w) => {
        const r = await w.engine.launch({ definition: 'Pattern Approval Choice', launcher: 'alice', mode: 'sync' });
        const item = await onlyItem(w.engine, r.instance.id);
        await assertRefused(w.engine.decide({ workItemId: item.id, decision: 'maybe', actor: 'approver' }), 'WORKITEM_UNKNOWN_DECISION', 'unknown decision');
        assert.deepEqual(w.steps(r.instance.id), []);
        assert.equal((await onlyItem(w.engine, r.instance.id)).id, item.id);
      });
    });
  });

  describe('Netwrix', () => {
    const files = [fixture('netwrix', 'exclusive-choice')];
    const grants = {
      alice: ['/Custom/Workflows/Pattern_ExclusiveChoice/Request'],
      rita: ['/Custom/Workflows/Pattern_ExclusiveChoice/Review'],
      carl: ['/Custom/Workflows/Pattern_ExclusiveChoice/Confirm'],
    };

    async function toReview(w: Parameters<Parameters<typeof withWorld>[1]>[0]) {
      const r = await w.engine.launch({ definition: 'Pattern_ExclusiveChoice', launcher: 'alice', mode: 'sync' });
      const request = await onlyItem(w.engine, r.instance.id);
      await w.engine.decide({ workItemId: request.id, decision: 'Execute', actor: 'alice' });
      const review = await onlyItem(w.engine, r.instance.id);
      assert.equal(review.activity, 'Review/Review-ReviewPending');
      assert.deepEqual([...review.decisions].sort(), ['Abort', 'Approve', 'Decline', 'Save']);
      return { id: r.instance.id, review };
    }

    it('continues to the next activity when the reviewer approves', async () => {
      await withWorld(
        files,
        async (w) => {
          const { id, review } = await toReview(w);
          await w.engine.decide({ workItemId: review.id, decision: 'Approve', actor: 'rita' });
          const confirm = await onlyItem(w.engine, id);
          assert.equal(confirm.activity, 'Confirm/Action-ActionPending');
          assertFinished((await w.engine.decide({ workItemId: confirm.id, decision: 'Execute', actor: 'carl' })).instance);
        },
        { grants },
      );
    });

    it('ends the workflow as declined when the reviewer declines, without offering the next activity', async () => {
      await withWorld(
        files,
        async (w) => {
          const { review } = await toReview(w);
          const done = await w.engine.decide({ workItemId: review.id, decision: 'Decline', actor: 'rita' });
          assertFinished(done.instance, 'declined');
          assert.deepEqual(done.workItems, [], 'the confirmation is never offered');
        },
        { grants },
      );
    });
  });
});
