import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allItems, assertFinished, assertWaiting, fixture, onlyItem, withWorld } from './pattern-harness.js';

describe('pattern: arbitrary cycles (WCP-10)', () => {
  describe('Waveset', () => {
    const files = [fixture('waveset', 'arbitrary-cycles')];

    it('repeats an activity while its back transition is true, then leaves the loop', async () => {
      await withWorld(files, async (w) => {
        const r = await w.engine.launch({ definition: 'Pattern Loop', launcher: 'alice', mode: 'sync' });
        assert.deepEqual(w.steps(r.instance.id), ['loop', 'loop', 'loop', 'done']);
        assertFinished(r.instance);
        assert.equal(Number(r.instance.variables['count']), 3);
      });
    });

    it('cycles back through a person: each rejection reworks and asks for a new review', async () => {
      await withWorld(files, async (w) => {
        const r = await w.engine.launch({ definition: 'Pattern Rework Loop', launcher: 'alice', mode: 'sync' });
        const seen = new Set<string>();
        for (const expected of [['rework'], ['rework', 'rework']]) {
          const item = await onlyItem(w.engine, r.instance.id);
          assert.ok(!seen.has(item.id), 'each round puts a new work item in the inbox');
          seen.add(item.id);
          const next = await w.engine.decide({ workItemId: item.id, decision: 'reject', actor: 'reviewer' });
          assertWaiting(next.instance);
          assert.deepEqual(w.steps(r.instance.id), expected);
        }
        const last = await onlyItem(w.engine, r.instance.id);
        const done = await w.engine.decide({ workItemId: last.id, decision: 'approve', actor: 'reviewer' });
        assert.deepEqual(w.steps(r.instance.id), ['rework', 'rework', 'done']);
        assertFinished(done.instance);
        const decisions = (await allItems(w.engine, r.instance.id)).map((i) => [i.state, i.decision]);
        assert.deepEqual(decisions.sort(), [
          ['decided', 'approve'],
          ['decided', 'reject'],
          ['decided', 'reject'],
        ]);
      });
    });

    it('stops a loop that never exits at maxSteps with an error instead of running forever', async () => {
      await withWorld(files, async (w) => {
        const r = await w.engine.launch({ definition: 'Pattern Runaway Loop', launcher: 'alice', mode: 'sync' });
        assert.ok(['finished', 'terminated'].includes(r.instance.state), `state ${r.instance.state}`);
        assert.equal(r.instance.result?.outcome, 'failed');
        assert.ok((r.instance.result?.errors.length ?? 0) > 0, 'the result says why it stopped');
        const count = Number(r.instance.variables['count']);
        assert.ok(count >= 1 && count <= 10, `the loop ran ${count} times with maxSteps='10'`);
      });
    });
  });

  describe('Netwrix', () => {
    const files = [fixture('netwrix', 'arbitrary-cycles')];
    const grants = {
      alice: ['/Custom/Workflows/Pattern_Cycle/Request', '/Custom/Workflows/Pattern_Cycle/Confirm'],
      rita: ['/Custom/Workflows/Pattern_Cycle/Review'],
      fred: ['/Custom/Workflows/Pattern_Cycle/Review/RefinePending'],
    };

    it('returns a review sent for feedback to the reviewer, as many times as the reviewer asks', async () => {
      await withWorld(
        files,
        async (w) => {
          const r = await w.engine.launch({ definition: 'Pattern_Cycle', launcher: 'alice', mode: 'sync' });
          await w.engine.decide({ workItemId: (await onlyItem(w.engine, r.instance.id)).id, decision: 'Execute', actor: 'alice' });
          for (let round = 0; round < 2; round++) {
            const review = await onlyItem(w.engine, r.instance.id);
            assert.equal(review.activity, 'Review/ReviewWithFeedback-ReviewPending');
            await w.engine.decide({ workItemId: review.id, decision: 'Refine', actor: 'rita', assignee: 'fred' });
            const feedback = await onlyItem(w.engine, r.instance.id);
            assert.equal(feedback.activity, 'Review/ReviewWithFeedback-RefinePending');
            assert.equal(feedback.owner, 'fred');
            await w.engine.decide({ workItemId: feedback.id, decision: 'Execute', actor: 'fred' });
          }
          const review = await onlyItem(w.engine, r.instance.id);
          assert.equal(review.activity, 'Review/ReviewWithFeedback-ReviewPending');
          await w.engine.decide({ workItemId: review.id, decision: 'Approve', actor: 'rita' });
          const reviews = (await allItems(w.engine, r.instance.id)).filter((i) => i.activity.startsWith('Review/'));
          assert.deepEqual(
            reviews.map((i) => [i.activity, i.decision]).sort(),
            [
              ['Review/ReviewWithFeedback-RefinePending', 'Execute'],
              ['Review/ReviewWithFeedback-RefinePending', 'Execute'],
              ['Review/ReviewWithFeedback-ReviewPending', 'Approve'],
              ['Review/ReviewWithFeedback-ReviewPending', 'Refine'],
              ['Review/ReviewWithFeedback-ReviewPending', 'Refine'],
            ].sort(),
          );
          const confirm = await onlyItem(w.engine, r.instance.id);
          assertFinished((await w.engine.decide({ workItemId: confirm.id, decision: 'Execute', actor: 'alice' })).instance);
        },
        { grants },
      );
    });
  });
});
