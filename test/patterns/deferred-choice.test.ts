import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allItems, assertFinished, assertRefused, assertWaiting, drain, fixture, onlyItem, withWorld } from './pattern-harness.js';

const SECOND = 1000;

describe('pattern: deferred choice (WCP-16)', () => {
  describe('Waveset', () => {
    const files = [fixture('waveset', 'deferred-choice')];

    it('takes the decision branch when the reviewer decides before the timeout, and the timer then does nothing', async () => {
      await withWorld(files, async (w) => {
        const r = await w.engine.launch({ definition: 'Pattern Deferred Choice', launcher: 'alice', mode: 'sync' });
        const item = await onlyItem(w.engine, r.instance.id);
        assert.equal(Date.parse(item.dueAt ?? ''), w.now() + 60 * SECOND, "timeout='-60' means 60 seconds");
        w.advance(30 * SECOND);
        const done = await w.engine.decide({ workItemId: item.id, decision: 'approve', actor: 'reviewer' });
        assert.deepEqual(w.steps(r.instance.id), ['approved']);
        assertFinished(done.instance);

        w.advance(10 * 60 * SECOND);
        await drain(w.engine);
        assert.deepEqual(w.steps(r.instance.id), ['approved']);
        const [closed] = await allItems(w.engine, r.instance.id);
        assert.equal(closed?.state, 'decided');
      });
    });

    it('keeps waiting until the timeout is due', async () => {
      await withWorld(files, async (w) => {
        const r = await w.engine.launch({ definition: 'Pattern Deferred Choice', launcher: 'alice', mode: 'sync' });
        w.advance(59 * SECOND);
        await drain(w.engine);
        assert.deepEqual(w.steps(r.instance.id), []);
        assertWaiting(await w.engine.getTask(r.instance.id));
        assert.equal((await onlyItem(w.engine, r.instance.id)).state, 'open');
      });
    });

    it('takes the timeout branch when nobody decides in time, and refuses a late decision', async () => {
      await withWorld(files, async (w) => {
        const r = await w.engine.launch({ definition: 'Pattern Deferred Choice', launcher: 'alice', mode: 'sync' });
        const item = await onlyItem(w.engine, r.instance.id);
        w.advance(61 * SECOND);
        await drain(w.engine);
        assert.deepEqual(w.steps(r.instance.id), ['expired']);
        assertFinished(await w.engine.getTask(r.instance.id));
        const [timedOut] = await allItems(w.engine, r.instance.id);
        assert.equal(timedOut?.state, 'timeout');

        await assertRefused(w.engine.decide({ workItemId: item.id, decision: 'approve', actor: 'reviewer' }), 'WORKITEM_CLOSED', 'a decision after the timeout');
        assert.deepEqual(w.steps(r.instance.id), ['expired']);
      });
    });
  });

  describe('Netwrix (partially: no timeouts in the dialect)', () => {
    const files = [fixture('netwrix', 'deferred-choice')];
    const review = '/Custom/Workflows/Pattern_DeferredChoice/Review';
    const grants = {
      alice: ['/Custom/Workflows/Pattern_DeferredChoice/Request', '/Custom/Workflows/Pattern_DeferredChoice/Confirm'],
      rita: [review],
      ron: [review],
    };

    async function toReview(w: Parameters<Parameters<typeof withWorld>[1]>[0]) {
      const r = await w.engine.launch({ definition: 'Pattern_DeferredChoice', launcher: 'alice', mode: 'sync' });
      await w.engine.decide({ workItemId: (await onlyItem(w.engine, r.instance.id)).id, decision: 'Execute', actor: 'alice' });
      const item = await onlyItem(w.engine, r.instance.id);
      assert.equal(item.owner, null, 'offered to every holder of the permission, owned by nobody yet');
      assert.equal(item.permission, `${review}/ReviewPending`);
      for (const person of ['rita', 'ron']) {
        const inbox = await w.engine.listWorkItems({ owner: person, state: 'open' });
        assert.deepEqual(inbox.map((i) => i.id), [item.id], `${person} sees the review`);
      }
      return { id: r.instance.id, item };
    }

    it("lets the first reviewer's Decline pick the branch and refuses the second reviewer's Approve", async () => {
      await withWorld(
        files,
        async (w) => {
          const { item } = await toReview(w);
          const first = await w.engine.decide({ workItemId: item.id, decision: 'Decline', actor: 'ron' });
          assertFinished(first.instance, 'declined');
          // The last decision reports the end; the items of the declined workflow are closed.
          await assertRefused(
            w.engine.decide({ workItemId: item.id, decision: 'Approve', actor: 'rita' }),
            ['WORKITEM_CLOSED', 'WORKITEM_NOT_FOUND'],
            'the second decision on a workflow that has ended',
          );
        },
        { grants },
      );
    });

    it("lets the first reviewer's Approve pick the branch and refuses the second reviewer's Decline", async () => {
      await withWorld(
        files,
        async (w) => {
          const { id, item } = await toReview(w);
          await w.engine.decide({ workItemId: item.id, decision: 'Approve', actor: 'rita' });
          await assertRefused(w.engine.decide({ workItemId: item.id, decision: 'Decline', actor: 'ron' }), 'WORKITEM_CLOSED', 'the second decision');
          const confirm = await onlyItem(w.engine, id);
          assert.equal(confirm.activity, 'Confirm/Action-ActionPending');
          const [decided] = (await allItems(w.engine, id)).filter((i) => i.id === item.id);
          assert.equal(decided?.decidedBy, 'rita');
        },
        { grants },
      );
    });

    it('refuses a decision from someone without the permission', async () => {
      await withWorld(
        files,
        async (w) => {
          const { item } = await toReview(w);
          await assertRefused(w.engine.decide({ workItemId: item.id, decision: 'Approve', actor: 'mallory' }), 'WORKITEM_NOT_OWNER', 'a decision without permission');
          assert.equal((await w.engine.listWorkItems({ instanceId: item.instanceId, state: 'open' })).length, 1);
        },
        { grants },
      );
    });
  });
});
