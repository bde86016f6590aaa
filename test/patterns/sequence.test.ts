import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allItems, assertFinished, assertWaiting, drain, fixture, onlyItem, withWorld } from './pattern-harness.js';

describe('pattern: sequence (WCP-1)', () => {
  describe('Waveset', () => {
    const files = [fixture('waveset', 'sequence')];

    it('runs the activities one after the other, each exactly once, and finishes', async () => {
      await withWorld(files, async (w) => {
        const r = await w.engine.launch({ definition: 'Pattern Sequence', launcher: 'alice', mode: 'sync' });
        assert.deepEqual(w.steps(r.instance.id), ['A', 'B', 'C']);
        assertFinished(r.instance);
        assert.deepEqual(r.workItems, []);
      });
    });

    it('runs nothing at an async launch and the same sequence once a worker advances the instance', async () => {
      await withWorld(files, async (w) => {
        const r = await w.engine.launch({ definition: 'Pattern Sequence', launcher: 'alice', mode: 'async' });
        assert.deepEqual(w.steps(r.instance.id), []);
        assert.notEqual(r.instance.state, 'finished');
        await drain(w.engine);
        assert.deepEqual(w.steps(r.instance.id), ['A', 'B', 'C']);
        assertFinished(await w.engine.getTask(r.instance.id));
      });
    });
  });

  describe('Netwrix', () => {
    const files = [fixture('netwrix', 'sequence')];
    const grants = {
      alice: ['/Custom/Workflows/Pattern_Sequence/Request'],
      rita: ['/Custom/Workflows/Pattern_Sequence/Review'],
      carl: ['/Custom/Workflows/Pattern_Sequence/Confirm'],
    };

    it('offers each activity only once the previous one has reached its final state', async () => {
      await withWorld(
        files,
        async (w) => {
          const r = await w.engine.launch({ definition: 'Pattern_Sequence', launcher: 'alice', mode: 'sync' });
          assertWaiting(r.instance);
          const request = await onlyItem(w.engine, r.instance.id);
          assert.equal(request.activity, 'Request/Action-ActionPending');

          await w.engine.decide({ workItemId: request.id, decision: 'Execute', actor: 'alice' });
          const review = await onlyItem(w.engine, r.instance.id);
          assert.equal(review.activity, 'Review/Review-ReviewPending');

          await w.engine.decide({ workItemId: review.id, decision: 'Approve', actor: 'rita' });
          const confirm = await onlyItem(w.engine, r.instance.id);
          assert.equal(confirm.activity, 'Confirm/Action-ActionPending');

          const decided = await allItems(w.engine, r.instance.id);
          assert.deepEqual(
            decided.map((i) => [i.activity, i.state, i.decision, i.decidedBy]),
            [
              ['Confirm/Action-ActionPending', 'open', undefined, undefined],
              ['Request/Action-ActionPending', 'decided', 'Execute', 'alice'],
              ['Review/Review-ReviewPending', 'decided', 'Approve', 'rita'],
            ],
          );

          // The last decision reports the end of the Netwrix workflow.
          const done = await w.engine.decide({ workItemId: confirm.id, decision: 'Execute', actor: 'carl' });
          assertFinished(done.instance);
          assert.deepEqual(done.workItems, []);
        },
        { grants },
      );
    });
  });
});
