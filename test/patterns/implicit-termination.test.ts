import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFinished, assertWaiting, fixture, onlyItem, withWorld } from './pattern-harness.js';

describe('pattern: implicit termination (WCP-11)', () => {
  describe('Waveset', () => {
    const files = [fixture('waveset', 'implicit-termination')];

    it('keeps the instance running while a branch is left, and finishes it when the last branch ends', async () => {
      await withWorld(files, async (w) => {
        const r = await w.engine.launch({ definition: 'Pattern Implicit Termination', launcher: 'alice', mode: 'sync' });
        assert.deepEqual(w.steps(r.instance.id), ['notified']);
        assertWaiting(r.instance);
        const item = await onlyItem(w.engine, r.instance.id);
        assert.equal(item.activity, 'Review');

        const done = await w.engine.decide({ workItemId: item.id, decision: 'approve', actor: 'reviewer' });
        assert.deepEqual(w.steps(r.instance.id), ['notified', 'reviewed']);
        assertFinished(done.instance);
        assert.deepEqual(done.workItems, []);
      });
    });
  });

  describe('Netwrix', () => {
    const files = [fixture('netwrix', 'implicit-termination')];
    const grants = {
      alice: ['/Custom/Workflows/Pattern_ImplicitTermination/Request'],
      rita: ['/Custom/Workflows/Pattern_ImplicitTermination/Review'],
    };

    it('completes the workflow when its last declared activity is approved, without any end being declared', async () => {
      await withWorld(
        files,
        async (w) => {
          const r = await w.engine.launch({ definition: 'Pattern_ImplicitTermination', launcher: 'alice', mode: 'sync' });
          await w.engine.decide({ workItemId: (await onlyItem(w.engine, r.instance.id)).id, decision: 'Execute', actor: 'alice' });
          const review = await onlyItem(w.engine, r.instance.id);
          const done = await w.engine.decide({ workItemId: review.id, decision: 'Approve', actor: 'rita' });
          assertFinished(done.instance);
          assert.deepEqual(await w.engine.listWorkItems({ instanceId: r.instance.id, state: 'open' }), []);
        },
        { grants },
      );
    });
  });
});
