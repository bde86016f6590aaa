/**
 * Checkpoints inside the interpreter (RunContext.checkpointDue): an advance may stop before any activity and a
 * `continue` resume goes on from exactly there, parallel branches included, with the same result as one advance.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resume, start } from '../../src/engine/interpreter/interpreter.js';
import type { AdvanceOutcome, InstanceState } from '../../src/engine/interpreter/interpreter-types.js';
import { activity, call, expression, Harness, processModel, ref, s, setv, taskDefinition, to, variable } from './interpreter-harness.js';

const append = (text: string) => expression(setv('trail', call('concat', ref('trail'), s(text))));

const p = taskDefinition(
  processModel(
    'Split',
    [
      activity('start', { transitions: [to('Fork')] }),
      activity('Fork', { actions: [append('f')], split: 'and', transitions: [to('Left'), to('Right')] }),
      activity('Left', { actions: [append('l')], transitions: [to('Join')] }),
      activity('Right', { actions: [append('r')], transitions: [to('Join')] }),
      activity('Join', { join: 'and', actions: [append('j')], transitions: [to('end')] }),
      activity('end'),
    ],
    { variables: [variable('trail', { value: '', output: true })] },
  ),
);

describe('interpreter: checkpoints', () => {
  it('stops before an activity when a checkpoint is due and continues from there to the same result', async () => {
    const whole = await new Harness(p).start();
    assert.equal(whole.status, 'finished');

    const ctx = { ...new Harness(p).ctx(), checkpointDue: () => true };
    const outcomes: AdvanceOutcome[] = [await start(p, {}, ctx)];
    while (outcomes.at(-1)!.checkpoint) {
      const state = JSON.parse(JSON.stringify(outcomes.at(-1)!.state)) as InstanceState;
      outcomes.push(await resume(p, state, { kind: 'continue' }, ctx));
    }
    const last = outcomes.at(-1)!;
    assert.equal(last.status, 'finished');
    assert.deepEqual(last.result, whole.result, 'the same outputs, errors and outcome');
    assert.ok(outcomes.length > 3, `stopped several times (${outcomes.length} advances)`);
    assert.ok(outcomes.every((o) => o.steps >= 1), 'every advance entered at least one activity');
    assert.equal(outcomes.reduce((n, o) => n + o.steps, 0), whole.steps, 'no activity entered twice or skipped');
    const first = outcomes[0]!;
    assert.deepEqual([first.status, first.wakeAt, first.position], ['waiting', ctx.now, ['Fork']], 'a checkpoint is due at once, at the next activity');
    assert.equal(Object.hasOwn(last.state, 'runnable'), false, 'nothing left to run once it rests');
  });

  it('never stops an advance before it entered an activity', async () => {
    const ctx = { ...new Harness(p).ctx(), checkpointDue: () => true };
    const o = await start(p, {}, ctx);
    assert.equal(o.steps, 1);
    assert.deepEqual(o.position, ['Fork']);
  });
});
