import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFinished, fixture, withWorld } from './pattern-harness.js';

describe('pattern: parallel split (WCP-2)', () => {
  describe('Waveset', () => {
    const files = [fixture('waveset', 'parallel-split')];

    it('starts every branch whose transition is true after the split activity, each exactly once', async () => {
      await withWorld(files, async (w) => {
        const r = await w.engine.launch({ definition: 'Pattern Parallel Split', launcher: 'alice', mode: 'sync', variables: { withMiddle: 1 } });
        const steps = w.steps(r.instance.id);
        assert.equal(steps[0], 'split');
        assert.deepEqual([...steps.slice(1)].sort(), ['left', 'middle', 'right']);
        assertFinished(r.instance);
      });
    });

    it('leaves out a branch whose transition condition is false', async () => {
      await withWorld(files, async (w) => {
        const r = await w.engine.launch({ definition: 'Pattern Parallel Split', launcher: 'alice', mode: 'sync', variables: { withMiddle: 0 } });
        const steps = w.steps(r.instance.id);
        assert.equal(steps[0], 'split');
        assert.deepEqual([...steps.slice(1)].sort(), ['left', 'right']);
        assertFinished(r.instance);
      });
    });
  });
  // Netwrix: not expressible ("Activities never run in parallel in a workflow"); see README.md.
});
