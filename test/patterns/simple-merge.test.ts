import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFinished, fixture, withWorld } from './pattern-harness.js';

describe('pattern: simple merge (WCP-5)', () => {
  describe('Waveset', () => {
    const files = [fixture('waveset', 'simple-merge')];

    for (const [goLeft, branch] of [
      [1, 'left'],
      [0, 'right'],
    ] as const) {
      it(`runs the merge activity exactly once after the '${branch}' branch`, async () => {
        await withWorld(files, async (w) => {
          const r = await w.engine.launch({ definition: 'Pattern Simple Merge', launcher: 'alice', mode: 'sync', variables: { goLeft } });
          assert.deepEqual(w.steps(r.instance.id), [branch, 'merge']);
          assertFinished(r.instance);
        });
      });
    }
  });
  // Netwrix: not expressible (a workflow is a single chain; there are no alternative branches to merge); see README.md.
});
