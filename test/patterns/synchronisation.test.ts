import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFinished, assertWaiting, fixture, onlyItem, withWorld } from './pattern-harness.js';

describe('pattern: synchronisation (WCP-3)', () => {
  describe('Waveset', () => {
    const files = [fixture('waveset', 'synchronisation')];

    it('runs the AND-join exactly once, after both branches', async () => {
      await withWorld(files, async (w) => {
        const r = await w.engine.launch({ definition: 'Pattern Synchronisation', launcher: 'alice', mode: 'sync' });
        const steps = w.steps(r.instance.id);
        assert.equal(steps.length, 4, `steps: ${steps.join(', ')}`);
        assert.equal(steps[0], 'split');
        assert.deepEqual([steps[1], steps[2]].sort(), ['left', 'right']);
        assert.equal(steps[3], 'join');
        assertFinished(r.instance);
      });
    });

    it('holds the join while one branch waits on a work item and runs it once that item is decided', async () => {
      await withWorld(files, async (w) => {
        const r = await w.engine.launch({ definition: 'Pattern Synchronisation With Work Item', launcher: 'alice', mode: 'sync' });
        assert.deepEqual(w.steps(r.instance.id), ['split', 'right']);
        assertWaiting(r.instance);
        assert.ok(r.instance.position.includes('Review'), `position: ${r.instance.position.join(', ')}`);
        const item = await onlyItem(w.engine, r.instance.id);
        assert.equal(item.activity, 'Review');
        assert.equal(item.owner, 'reviewer');

        const done = await w.engine.decide({ workItemId: item.id, decision: 'approve', actor: 'reviewer' });
        assert.deepEqual(w.steps(r.instance.id), ['split', 'right', 'reviewed', 'join']);
        assertFinished(done.instance);
      });
    });
  });
  // Netwrix: not expressible (no parallel branches to join); see README.md.
});
