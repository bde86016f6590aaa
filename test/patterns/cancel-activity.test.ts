import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allItems, assertFinished, assertRefused, assertWaiting, drain, fixture, openItems, withWorld } from './pattern-harness.js';

const MINUTE = 60_000;

describe('pattern: cancel activity (WCP-19)', () => {
  describe('Waveset', () => {
    const files = [fixture('waveset', 'cancel-activity')];

    it('withdraws the pending review at its timeout while the rest of the instance goes on', async () => {
      await withWorld(files, async (w) => {
        const r = await w.engine.launch({ definition: 'Pattern Cancel Activity', launcher: 'alice', mode: 'sync' });
        const [review, signOff] = await openItems(w.engine, r.instance.id);
        assert.equal(review?.activity, 'Review');
        assert.equal(signOff?.activity, 'Sign Off');

        w.advance(5 * MINUTE + 1000);
        await drain(w.engine);
        assert.deepEqual(w.steps(r.instance.id), ['review-withdrawn']);
        assert.deepEqual(await w.engine.listWorkItems({ owner: 'reviewer', state: 'open' }), [], 'gone from the reviewer inbox');
        const withdrawn = (await allItems(w.engine, r.instance.id)).find((i) => i.id === review!.id);
        assert.equal(withdrawn?.state, 'timeout');
        assertWaiting(await w.engine.getTask(r.instance.id));

        await assertRefused(w.engine.decide({ workItemId: review!.id, decision: 'approve', actor: 'reviewer' }), 'WORKITEM_CLOSED', 'a decision on a withdrawn item');
        assert.deepEqual(w.steps(r.instance.id), ['review-withdrawn']);

        const done = await w.engine.decide({ workItemId: signOff!.id, decision: 'approve', actor: 'manager' });
        assert.deepEqual(w.steps(r.instance.id), ['review-withdrawn', 'signed-off', 'join']);
        assertFinished(done.instance);
      });
    });

    it('takes the normal path when the review is decided before it is withdrawn', async () => {
      await withWorld(files, async (w) => {
        const r = await w.engine.launch({ definition: 'Pattern Cancel Activity', launcher: 'alice', mode: 'sync' });
        const [review, signOff] = await openItems(w.engine, r.instance.id);
        await w.engine.decide({ workItemId: review!.id, decision: 'approve', actor: 'reviewer' });
        w.advance(10 * MINUTE);
        await drain(w.engine);
        assert.deepEqual(w.steps(r.instance.id), ['reviewed']);
        const done = await w.engine.decide({ workItemId: signOff!.id, decision: 'approve', actor: 'manager' });
        assert.deepEqual(w.steps(r.instance.id), ['reviewed', 'signed-off', 'join']);
        assertFinished(done.instance);
      });
    });
  });
  // Netwrix: not expressible (Abort cancels the whole workflow, there is no way to withdraw one activity); see README.md.
});
