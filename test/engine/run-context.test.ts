/**
 * The run context's engine-wide parts (src/engine/run-context.ts) are made once per engine and reused by every
 * advance: two engines in one process must each keep calling their own operations, however they interleave.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServiceOperation } from '../../src/engine/interpreter/interpreter-types.js';
import { openRuntimeWorld, type RuntimeWorld } from './runtime-harness.js';
import { DATABASES } from '../repository/repository-factory.js';

/** The `record` op of one engine: notes the key the process passes, in that engine's own list. */
function recorder(seen: string[]): ServiceOperation {
  return (call) => {
    seen.push(String(call.args['key']));
    return {};
  };
}

for (const database of DATABASES) {
  describe(`${database.name}: two engines in one process`, () => {
    const seenA: string[] = [];
    const seenB: string[] = [];
    let a: RuntimeWorld;
    let b: RuntimeWorld;
    before(async () => {
      a = await openRuntimeWorld(['poison.xml'], { operations: { record: recorder(seenA) } }, database);
      b = await openRuntimeWorld(['poison.xml'], { operations: { record: recorder(seenB) } }, database);
    });
    after(async () => {
      await a.close();
      await b.close();
    });

    it('runs each engine’s instances with that engine’s own operations, whichever engine advanced first', async () => {
      for (const [world, key] of [[a, 'a1'], [b, 'b1'], [a, 'a2'], [b, 'b2']] as const) {
        await world.engine.launch({ definition: 'Keyed Effect', launcher: 'ann', variables: { key } });
        assert.equal((await world.engine.runWorkerOnce()).advanced, 1);
      }
      assert.deepEqual(seenA, ['a1', 'a2']);
      assert.deepEqual(seenB, ['b1', 'b2']);
    });
  });
}
