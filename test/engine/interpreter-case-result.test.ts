/**
 * WF_CASE_RESULT (reference waveset §2.5): the TaskInstance's result so far, `{ errors, messages }`, readable by
 * any expression while the instance runs; computed when read, never stored in the state.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activity, expression, Harness, manual, processModel, ref, service, setv, T0, taskDefinition, to, variable } from './interpreter-harness.js';

describe('interpreter: WF_CASE_RESULT', () => {
  it('is empty before anything failed', async () => {
    const p = taskDefinition(
      processModel('Clean', [activity('start', { transitions: [to('Look')] }), activity('Look', { actions: [expression(setv('seen', ref('WF_CASE_RESULT')))] })], {
        variables: [variable('seen', { output: true })],
      }),
    );
    const o = await new Harness(p).start();
    assert.deepEqual(o.result?.outputs, { seen: { errors: [], messages: [] } });
  });

  it('holds the error of a failed action and the message of a timed-out work item, as the result will', async () => {
    const p = taskDefinition(
      processModel(
        'Collect',
        [
          activity('start', { transitions: [to('Call')] }),
          activity('Call', { actions: [service('noSuchOp')], transitions: [to('Look')] }),
          activity('Look', { actions: [expression(setv('afterError', ref('WF_CASE_RESULT')))], transitions: [to('Wait')] }),
          activity('Wait', { actions: [manual({ timeout: -5 })], transitions: [to('Again')] }),
          activity('Again', { actions: [expression(setv('afterTimeout', ref('WF_CASE_RESULT')))] }),
        ],
        { variables: [variable('afterError', { output: true }), variable('afterTimeout', { output: true })] },
      ),
    );
    const h = new Harness(p);
    const waiting = await h.start();
    assert.equal(waiting.status, 'waiting');
    const afterError = h.vars()['afterError'] as { errors: string[]; messages: string[] };
    assert.equal(afterError.errors.length, 1);
    assert.match(afterError.errors[0]!, /Unknown WorkflowServices op noSuchOp/);
    assert.deepEqual(afterError.messages, []);
    assert.equal(Object.hasOwn(h.vars(), 'WF_CASE_RESULT'), false, 'computed on lookup, not stored');

    const done = await h.timer(T0 + 5000);
    assert.equal(done.status, 'finished');
    const afterTimeout = done.result?.outputs['afterTimeout'] as { errors: string[]; messages: string[] };
    assert.deepEqual(afterTimeout.errors, afterError.errors);
    assert.equal(afterTimeout.messages.length, 1);
    assert.match(afterTimeout.messages[0]!, /Wait: work item .* timed out/);
    assert.deepEqual({ errors: done.result?.errors, messages: done.result?.messages }, afterTimeout, 'the same as the final result');
  });
});
