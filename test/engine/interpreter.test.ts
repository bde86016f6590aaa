import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resume, start } from '../../src/engine/interpreter/interpreter.js';
import { hasErrorCode } from '../../src/errors.js';
import {
  activity,
  block,
  call,
  expression,
  Harness,
  i,
  manual,
  owner,
  processModel,
  recorder,
  ref,
  ret,
  s,
  service,
  setv,
  subprocess,
  T0,
  taskDefinition,
  to,
  variable,
} from './interpreter-harness.js';

describe('interpreter: actions', () => {
  it('runs activities and their actions in document order and finishes at an activity without transitions', async () => {
    const p = taskDefinition(
      processModel('Order', [
        activity('start', { transitions: [to('A')] }),
        activity('A', {
          actions: [expression(setv('trail', call('concat', ref('trail'), s('a1')))), expression(setv('trail', call('concat', ref('trail'), s('a2'))))],
          transitions: [to('B')],
        }),
        activity('B', { actions: [expression(setv('trail', call('concat', ref('trail'), s('b'))))], transitions: [to('end')] }),
        activity('end'),
      ], { variables: [variable('trail', { value: '>', output: true })] }),
    );
    const h = new Harness(p);
    const o = await h.start();
    assert.equal(o.status, 'finished');
    assert.equal(o.result?.outcome, 'completed');
    assert.deepEqual(o.result?.outputs, { trail: '>a1a2b' });
    assert.equal(o.steps, 4);
    assert.deepEqual(o.position, []);
  });

  it('calls a service operation with $(var) and expression arguments and copies its Returns into variables', async () => {
    const rec = recorder({ object: { name: 'jdoe', mail: 'j@x' } });
    const p = taskDefinition(
      processModel('Svc', [
        activity('start', {
          actions: [
            service('checkoutObject', { type: 'User', name: '$(accountId)', label: 'id=$(accountId)!', n: call('add', i(40), i(2)) }, { returns: [ret('object', 'userObject')] }),
          ],
        }),
      ]),
    );
    const h = new Harness(p, { operations: { checkoutObject: rec.op } });
    const o = await h.start({ accountId: 'jdoe' });
    assert.equal(o.status, 'finished');
    assert.deepEqual(rec.calls[0]!.args, { type: 'User', name: 'jdoe', label: 'id=jdoe!', n: 42 });
    assert.equal(rec.calls[0]!.application, 'com.waveset.session.WorkflowServices');
    assert.equal(rec.calls[0]!.idempotencyKey, `T1:1:start:${p.process.activities[0]!.actions[0]!.id}`);
    assert.deepEqual(h.vars()['userObject'], { name: 'jdoe', mail: 'j@x' });
    assert.equal(h.vars()['WF_ACTION_ERROR'], null);
  });

  it('sets WF_ACTION_ERROR for an unknown op, says so in the result, and goes on with the process', async () => {
    const p = taskDefinition(
      processModel('Unknown', [
        activity('start', { actions: [service('frobnicate', {}, { name: 'Frob' }), expression(setv('after', ref('WF_ACTION_ERROR')))], transitions: [to('end')] }),
        activity('end'),
      ]),
    );
    const h = new Harness(p);
    const o = await h.start();
    assert.equal(o.status, 'finished');
    assert.equal(h.vars()['after'], 'Unknown WorkflowServices op frobnicate');
    assert.deepEqual(o.result?.errors, ['start/Frob: Unknown WorkflowServices op frobnicate']);
  });

  it('sets WF_ACTION_ERROR and WF_ACTION_RESULT when an operation reports an error or throws', async () => {
    const p = taskDefinition(
      processModel('Errs', [
        activity('start', {
          actions: [
            service('failing'),
            // Both read in one action: every action, this one included, replaces WF_ACTION_RESULT.
            expression(block(setv('firstError', ref('WF_ACTION_ERROR')), setv('firstResult', ref('WF_ACTION_RESULT')))),
            service('throwing'),
            expression(setv('secondError', ref('WF_ACTION_ERROR'))),
          ],
        }),
      ]),
    );
    const h = new Harness(p, {
      operations: {
        failing: () => ({ error: 'resource offline' }),
        throwing: () => {
          throw new Error('boom');
        },
      },
    });
    const o = await h.start();
    assert.equal(o.status, 'finished');
    assert.equal(h.vars()['firstError'], 'resource offline');
    assert.deepEqual(h.vars()['firstResult'], { error: 'resource offline' });
    assert.equal(h.vars()['secondError'], 'boom');
    assert.equal(o.result?.errors.length, 2);
  });

  it('skips an action whose Condition is false and sets WF_ACTION_SUPPRESSED', async () => {
    const rec = recorder();
    const p = taskDefinition(
      processModel('Cond', [
        activity('start', {
          actions: [service('audit2', {}, { condition: call('eq', ref('mode'), s('on')) }), expression(setv('suppressed', ref('WF_ACTION_SUPPRESSED')))],
        }),
      ]),
    );
    const h = new Harness(p, { operations: { audit2: rec.op } });
    await h.start({ mode: 'off' });
    assert.equal(rec.calls.length, 0);
    assert.equal(h.vars()['suppressed'], true);
    const h2 = new Harness(p, { operations: { audit2: rec.op } });
    await h2.start({ mode: 'on' });
    assert.equal(rec.calls.length, 1);
    assert.equal(h2.vars()['suppressed'], false);
  });

  it('records an XPRESS error in an expression action as an action error', async () => {
    const p = taskDefinition(processModel('Bad', [activity('start', { actions: [expression(call('nosuchfunction'))] })]));
    const h = new Harness(p);
    const o = await h.start();
    assert.equal(o.status, 'finished');
    assert.match(String(h.vars()['WF_ACTION_ERROR']), /nosuchfunction/);
  });

  it('emits audit and notification effects through the built-in audit and notify ops', async () => {
    const p = taskDefinition(
      processModel('Fx', [
        activity('start', {
          actions: [
            service('audit', { action: 'user:checked', accountId: '$(who)' }),
            service('notify', { to: '$(who)', subject: 'Hello $(who)', body: 'b' }),
          ],
        }),
      ]),
    );
    const h = new Harness(p);
    const o = await h.start({ who: 'jdoe' });
    assert.deepEqual(o.effects[0], { kind: 'audit', event: 'user:checked', actor: 'alice', data: { action: 'user:checked', accountId: 'jdoe', idempotencyKey: o.effects[0]!.kind === 'audit' ? o.effects[0]!.data!['idempotencyKey'] : null } });
    assert.deepEqual(o.effects[1], { kind: 'notification', to: ['jdoe'], subject: 'Hello jdoe', body: 'b' });
  });
});

describe('interpreter: transitions, split and join', () => {
  const branchy = (split: 'xor' | 'and') =>
    taskDefinition(
      processModel('Branch', [
        activity('start', {
          split,
          transitions: [to('Big', call('gt', ref('n'), i(10))), to('Even', call('eq', call('mod', ref('n'), i(2)), i(0))), to('Else')],
        }),
        activity('Big', { actions: [expression(setv('big', s('y')))], transitions: [to('end')] }),
        activity('Even', { actions: [expression(setv('even', s('y')))], transitions: [to('end')] }),
        activity('Else', { actions: [expression(setv('else', s('y')))], transitions: [to('end')] }),
        activity('end', { join: split === 'and' ? 'and' : 'xor', actions: [expression(setv('ends', call('add', ref('ends'), i(1))))] }),
      ], { variables: [variable('ends', { initial: i(0) })] }),
    );

  it('takes the first true transition, with an unconditional one as the else', async () => {
    const h = new Harness(branchy('xor'));
    await h.start({ n: 12 });
    assert.deepEqual([h.vars()['big'], h.vars()['even'], h.vars()['else']], ['y', undefined, undefined]);
    const h2 = new Harness(branchy('xor'));
    await h2.start({ n: 3 });
    assert.deepEqual([h2.vars()['big'], h2.vars()['even'], h2.vars()['else']], [undefined, undefined, 'y']);
  });

  it('AND-split takes every true transition in parallel and the AND-join continues once all branches arrived', async () => {
    const h = new Harness(branchy('and'));
    const o = await h.start({ n: 12 });
    assert.equal(o.status, 'finished');
    assert.deepEqual([h.vars()['big'], h.vars()['even'], h.vars()['else']], ['y', 'y', 'y']);
    assert.equal(h.vars()['ends'], 1, 'the join activity ran once');
  });

  it('an AND-join waits for a branch that waits on a work item, then runs once', async () => {
    const p = taskDefinition(
      processModel('Par', [
        activity('start', { split: 'and', transitions: [to('Approve'), to('Provision')] }),
        activity('Approve', { actions: [manual()], transitions: [to('Join')] }),
        activity('Provision', { actions: [expression(setv('provisioned', s('y')))], transitions: [to('Join')] }),
        activity('Join', { join: 'and', actions: [expression(setv('joined', call('add', ref('joined'), i(1))))], transitions: [to('end')] }),
        activity('end'),
      ]),
    );
    const h = new Harness(p);
    const o = await h.start();
    assert.equal(o.status, 'waiting');
    assert.equal(h.vars()['provisioned'], 'y');
    assert.equal(h.vars()['joined'], undefined, 'the join waits for the approval branch');
    assert.deepEqual(o.position, ['Approve']);
    const done = await h.decide(h.item().id, 'approve');
    assert.equal(done.status, 'finished');
    assert.equal(h.vars()['joined'], 1);
  });

  it('an AND-join stops waiting for a branch that ended elsewhere', async () => {
    const p = taskDefinition(
      processModel('Dead', [
        activity('start', { split: 'and', transitions: [to('A'), to('B')] }),
        activity('A', { transitions: [to('Join')] }),
        activity('B', { transitions: [to('Join', call('eq', ref('x'), i(1))), to('Elsewhere')] }),
        activity('Elsewhere'),
        activity('Join', { join: 'and', actions: [expression(setv('joined', s('y')))] }),
      ]),
    );
    const h = new Harness(p);
    const o = await h.start({ x: 0 });
    assert.equal(o.status, 'finished');
    assert.equal(h.vars()['joined'], 'y');
  });

  it('fails the instance when no transition can be taken', async () => {
    const p = taskDefinition(processModel('Stuck', [activity('start', { transitions: [to('end', call('eq', ref('x'), i(1)))] }), activity('end')]));
    const o = await new Harness(p).start({ x: 2 });
    assert.equal(o.status, 'failed');
    assert.match(o.result!.errors[0]!, /^ENGINE_NO_TRANSITION: activity 'start'/);
  });

  it('ends a runaway loop at maxSteps with status failed and an error naming the limit', async () => {
    const loop = (maxSteps: number) =>
      taskDefinition(processModel('Loop', [activity('ping', { transitions: [to('pong')] }), activity('pong', { transitions: [to('ping')] })], { maxSteps }));
    const o = await new Harness(loop(0)).start();
    assert.equal(o.status, 'failed');
    assert.equal(o.steps, 5000);
    assert.match(o.result!.errors[0]!, /ENGINE_MAX_STEPS: process 'Loop' exceeded maxSteps 5000/);
    assert.equal(o.result!.outcome, 'failed');
    const o2 = await new Harness(loop(7)).start();
    assert.match(o2.result!.errors[0]!, /maxSteps 7/);
    const o3 = await new Harness(loop(0), { defaultMaxSteps: 20 }).start();
    assert.match(o3.result!.errors[0]!, /maxSteps 20/);
  });
});

describe('interpreter: subprocesses', () => {
  const child = taskDefinition(
    processModel('Child', [activity('start', { actions: [expression(setv('out', call('concat', s('hello '), ref('who'))))] })], {
      variables: [variable('who', { input: true }), variable('out', { output: true }), variable('scratch', { value: 'x' })],
    }),
  );

  it('runs a subprocess with the arguments as its inputs and copies its outputs back by name', async () => {
    const p = taskDefinition(processModel('Parent', [activity('start', { actions: [subprocess('Child', { who: '$(name)' })] })]));
    const h = new Harness(p, { processes: [child] });
    const o = await h.start({ name: 'Ann' });
    assert.equal(o.status, 'finished');
    assert.equal(h.vars()['out'], 'hello Ann');
    assert.equal(h.vars()['scratch'], undefined, 'non-output variables stay in the subprocess');
    assert.deepEqual(h.vars()['WF_ACTION_RESULT'], { out: 'hello Ann' });
  });

  it('applies a subprocess action’s Returns instead of copying outputs by name', async () => {
    const p = taskDefinition(processModel('Parent', [activity('start', { actions: [subprocess('Child', { who: 'Bo' }, [ret('out', 'greeting')])] })]));
    const h = new Harness(p, { processes: [child] });
    await h.start();
    assert.equal(h.vars()['greeting'], 'hello Bo');
    assert.equal(h.vars()['out'], undefined);
  });

  it('lets a subprocess wait on a work item and returns to the caller after the decision', async () => {
    const approval = taskDefinition(
      processModel('Approval', [activity('start', { actions: [manual({ owners: [owner('$(approver)')], returns: [] })], transitions: [to('end')] }), activity('end', { actions: [expression(setv('verdict', ref('WF_WORKITEM_DECISION')))] })], {
        variables: [variable('approver', { input: true }), variable('verdict', { output: true })],
      }),
    );
    const p = taskDefinition(
      processModel('Parent', [activity('start', { actions: [subprocess('Approval', { approver: 'carol' })], transitions: [to('end')] }), activity('end')], {
        variables: [variable('verdict', { output: true })],
      }),
    );
    const h = new Harness(p, { processes: [approval] });
    const o = await h.start();
    assert.equal(o.status, 'waiting');
    assert.deepEqual(o.position, ['Approval/start']);
    assert.equal(h.item().owner, 'carol');
    const done = await h.decide(h.item().id, 'reject', { actor: 'carol' });
    assert.equal(done.status, 'finished');
    assert.deepEqual(done.result?.outputs, { verdict: 'reject' });
  });

  it('applies maxSteps to a subprocess on its own', async () => {
    const looping = taskDefinition(processModel('Spin', [activity('a', { transitions: [to('b')] }), activity('b', { transitions: [to('a')] })], { maxSteps: 10 }));
    const p = taskDefinition(processModel('Parent', [activity('start', { actions: [subprocess('Spin')] })]));
    const o = await new Harness(p, { processes: [looping] }).start();
    assert.equal(o.status, 'failed');
    assert.match(o.result!.errors[0]!, /process 'Spin' exceeded maxSteps 10/);
  });
});

describe('interpreter: variables and built-ins', () => {
  it('drops activity variables when the activity completes but keeps them with the record of a manual activity', async () => {
    const p = taskDefinition(
      processModel('Scopes', [
        activity('start', { variables: [variable('tmp', { value: 'T' })], actions: [expression(setv('seen', ref('tmp')))], transitions: [to('Ask')] }),
        activity('Ask', { variables: [variable('note', { value: 'N' })], actions: [manual()], transitions: [to('end')] }),
        activity('end', { actions: [expression(setv('late', ref('tmp')))] }),
      ]),
    );
    const h = new Harness(p);
    await h.start();
    assert.equal(h.vars()['seen'], 'T');
    assert.equal(h.item().variables['note'], 'N', 'activity variables are exposed to the work item');
    await h.decide(h.item().id, 'approve');
    assert.equal(h.vars()['late'], null, 'the finished activity’s variable is gone');
    assert.equal(h.vars()['tmp'], undefined);
    const records = h.raw()['records'] as Array<{ activity: string; variables?: Record<string, unknown>; decision?: string; actor?: string }>;
    assert.deepEqual(records.map((r) => [r.activity, r.variables, r.decision, r.actor]), [['Ask', { note: 'N' }, 'approve', 'bob']]);
  });

  it('assigns an external variable in the scope that first declared it, while a plain re-declaration shadows', async () => {
    const p = taskDefinition(
      processModel('Ext', [
        activity('start', {
          variables: [variable('count', { initial: i(1) })],
          actions: [
            expression(setv('count', i(5)), { variables: [variable('count', { external: true })] }),
            expression(setv('count', i(99)), { variables: [variable('count')] }),
            expression(setv('copy', ref('count'))),
          ],
        }),
      ], { variables: [variable('count', { initial: i(0), output: true })] }),
    );
    const h = new Harness(p);
    const o = await h.start();
    assert.equal(h.vars()['copy'], 5, 'the external assignment reached the activity variable; the shadow did not');
    assert.deepEqual(o.result?.outputs, { count: 0 }, 'the process variable of the same name was shadowed by the activity');
  });

  it('exposes WF_CASE_OWNER, WF_INSTANCE_ID, WF_CONTEXT and context', async () => {
    const p = taskDefinition(
      processModel('Ctx', [
        activity('start', {
          actions: [
            expression(setv('o', ref('WF_CASE_OWNER'))),
            expression(setv('id', ref('WF_INSTANCE_ID'))),
            expression(setv('c', ref('WF_CONTEXT'))),
            expression(setv('u', call('get', ref('context'), s('user')))),
          ],
        }),
      ]),
    );
    const h = new Harness(p, { launcher: 'configurator' });
    await h.start();
    assert.equal(h.vars()['o'], 'configurator');
    assert.equal(h.vars()['id'], 'T1');
    assert.deepEqual(h.vars()['c'], { instanceId: 'T1', process: 'Ctx', activity: 'start', launcher: 'configurator', subject: null });
    assert.equal(h.vars()['u'], 'configurator');
  });

  it('initialises declared variables from values with $(var), expressions and the caller’s inputs', async () => {
    const p = taskDefinition(
      processModel('Init', [activity('start')], {
        variables: [variable('first', { input: true }), variable('greeting', { value: 'Hi $(first)' }), variable('len', { initial: call('length', ref('first')) }), variable('given', { value: 'default', input: true })],
      }),
    );
    const h = new Harness(p);
    await h.start({ first: 'Ann', given: 'mine', extra: 1 });
    assert.deepEqual(
      [h.vars()['greeting'], h.vars()['len'], h.vars()['given'], h.vars()['extra']],
      ['Hi Ann', 3, 'mine', 1],
    );
  });
});

describe('interpreter: work items', () => {
  it('creates one work item per owner and the first decision cancels the others', async () => {
    const p = taskDefinition(
      processModel('Multi', [
        activity('start', { actions: [manual({ owners: [owner('$(approvers)'), owner('dave')] })], transitions: [to('end')] }),
        activity('end'),
      ]),
    );
    const h = new Harness(p);
    const o = await h.start({ approvers: ['bob', 'carol'] });
    assert.deepEqual(o.createWorkItems.map((w) => [w.id, w.owner]), [['T1.1', 'bob'], ['T1.2', 'carol'], ['T1.3', 'dave']]);
    const done = await h.decide('T1.2', 'approve', { actor: 'carol' });
    assert.equal(done.status, 'finished');
    assert.deepEqual(done.closeWorkItems, [
      { id: 'T1.2', reason: 'decided', decision: 'approve', actor: 'carol' },
      { id: 'T1.1', reason: 'cancelled' },
      { id: 'T1.3', reason: 'cancelled' },
    ]);
  });

  it('withdraws the other owners’ items at the first decision even while the instance waits on a later activity', async () => {
    const p = taskDefinition(
      processModel('MultiThenMore', [
        activity('start', { actions: [manual({ owners: [owner('bob'), owner('carol')] })], transitions: [to('Next')] }),
        activity('Next', { actions: [manual({ owners: [owner('dave')] })], transitions: [to('end')] }),
        activity('end'),
      ]),
    );
    const h = new Harness(p);
    await h.start();
    const o = await h.decide('T1.1', 'approve', { actor: 'bob' });
    assert.equal(o.status, 'waiting');
    assert.deepEqual([...h.open.values()].map((w) => w.owner), ['dave'], 'only the next activity’s item is left open');
    await assert.rejects(h.decide('T1.2', 'approve', { actor: 'carol' }), (e: unknown) => hasErrorCode(e, 'ENGINE_WORKITEM_NOT_OPEN'));
  });

  it('computes the request text, falling back to the action title and then the activity name', async () => {
    const mk = (m: Parameters<typeof manual>[0]) =>
      taskDefinition(processModel('Req', [activity('Approve Account', { actions: [manual(m)], transitions: [to('end')] }), activity('end')]));
    assert.equal((await new Harness(mk({ request: 'Approve $(user)' })).start({ user: 'jdoe' })).createWorkItems[0]!.request, 'Approve jdoe');
    assert.equal((await new Harness(mk({ requestExpression: call('concat', s('R:'), ref('user')) })).start({ user: 'x' })).createWorkItems[0]!.request, 'R:x');
    assert.equal((await new Harness(mk({ title: 'Please approve' })).start()).createWorkItems[0]!.request, 'Please approve');
    assert.equal((await new Harness(mk({})).start()).createWorkItems[0]!.request, 'Approve Account');
  });

  it('copies exposed variables, writes back only editable ones, applies Returns and sets WF_WORKITEM_DECISION', async () => {
    const p = taskDefinition(
      processModel('Edit', [
        activity('start', {
          actions: [
            manual({
              exposedVariables: ['user', 'comment'],
              editableVariables: ['comment', 'APPROVAL'],
              variables: [variable('APPROVAL', { value: 'false' })],
              returns: [ret('APPROVAL', 'approved')],
            }),
          ],
          transitions: [to('end')],
        }),
        activity('end'),
      ]),
    );
    const h = new Harness(p);
    await h.start({ user: 'jdoe', comment: '', secret: 's3' });
    const item = h.item();
    assert.deepEqual(item.variables, { user: 'jdoe', comment: '', APPROVAL: 'false' });
    assert.deepEqual(item.editable, ['comment', 'APPROVAL']);
    await h.decide(item.id, 'approve', { variables: { user: 'mallory', comment: 'ok', APPROVAL: 'true' } });
    assert.equal(h.vars()['user'], 'jdoe', 'not editable, not written back');
    assert.equal(h.vars()['comment'], 'ok');
    assert.equal(h.vars()['approved'], 'true');
    assert.equal(h.vars()['WF_WORKITEM_DECISION'], 'approve');
  });

  it('exposes every process variable but no built-in when the manual action does not restrict them', async () => {
    const p = taskDefinition(processModel('All', [activity('start', { actions: [manual()] })]));
    const h = new Harness(p);
    await h.start({ a: 1, b: 'two' });
    assert.deepEqual(h.item().variables, { a: 1, b: 'two' });
  });

  it('refuses a decision the work item does not offer, listing the allowed ones, and changes nothing', async () => {
    const p = taskDefinition(processModel('Refuse', [activity('start', { actions: [manual()], transitions: [to('end')] }), activity('end')]));
    const h = new Harness(p);
    await h.start();
    const before = JSON.stringify(h.state);
    await assert.rejects(h.decide(h.item().id, 'maybe'), (e: unknown) => {
      assert.ok(hasErrorCode(e, 'ENGINE_DECISION_REFUSED'));
      assert.match((e as Error).message, /allowed: approve, reject/);
      return true;
    });
    await assert.rejects(h.decide('T1.99', 'approve'), (e: unknown) => hasErrorCode(e, 'ENGINE_WORKITEM_NOT_OPEN'));
    assert.equal(JSON.stringify(h.state), before);
  });

  it('times out a work item after its due time: WF_ACTION_TIMEOUT is set and the transitions are evaluated again', async () => {
    const p = taskDefinition(
      processModel('Timeout', [
        activity('start', { actions: [manual({ timeout: 180 })], transitions: [to('Escalate', ref('WF_ACTION_TIMEOUT')), to('Approved')] }),
        activity('Escalate', { actions: [manual({ owners: [owner('boss')], timeout: -5 })], transitions: [to('end')] }),
        activity('Approved'),
        activity('end'),
      ]),
    );
    const h = new Harness(p);
    const o = await h.start();
    assert.equal(o.wakeAt, T0 + 180 * 60_000, 'positive timeouts are minutes');
    assert.equal(o.createWorkItems[0]!.dueAt, T0 + 180 * 60_000);
    const early = await h.timer(T0 + 60_000);
    assert.equal(early.status, 'waiting');
    assert.deepEqual(early.closeWorkItems, []);
    const late = await h.timer(T0 + 181 * 60_000);
    assert.deepEqual(late.closeWorkItems, [{ id: 'T1.1', reason: 'timeout' }]);
    assert.deepEqual(late.position, ['Escalate']);
    assert.equal(late.createWorkItems[0]!.owner, 'boss');
    assert.equal(late.wakeAt, T0 + 181 * 60_000 + 5000, 'negative timeouts are seconds');
    assert.equal(h.vars()['WF_ACTION_TIMEOUT'], true);
  });

  it('with ignoreTimeout a timeout completes the action as if nothing happened', async () => {
    const p = taskDefinition(
      processModel('Ignore', [
        activity('start', { actions: [manual({ timeout: -5, ignoreTimeout: true })], transitions: [to('Escalate', ref('WF_ACTION_TIMEOUT')), to('Done')] }),
        activity('Escalate'),
        activity('Done'),
      ]),
    );
    const h = new Harness(p);
    await h.start();
    const o = await h.timer(T0 + 5000);
    assert.equal(o.status, 'finished');
    assert.equal(h.vars()['WF_ACTION_TIMEOUT'], false);
    assert.deepEqual(o.closeWorkItems, [{ id: 'T1.1', reason: 'timeout' }]);
  });

  it('computes the due time from a timeout expression', async () => {
    const p = taskDefinition(processModel('TE', [activity('start', { actions: [manual({ timeoutExpression: ref('minutes') })] })]));
    const o = await new Harness(p).start({ minutes: 2 });
    assert.equal(o.createWorkItems[0]!.dueAt, T0 + 120_000);
  });

  it('fails the instance when a manual action has no owner', async () => {
    const p = taskDefinition(processModel('NoOwner', [activity('start', { actions: [manual({ owners: [owner('$(nobody)')] })] })]));
    const o = await new Harness(p).start();
    assert.equal(o.status, 'failed');
    assert.match(o.result!.errors[0]!, /^ENGINE_NO_OWNER/);
  });

  it('hands a work item to the assignee of a delegation, keeping who delegated', async () => {
    const p = taskDefinition(
      processModel('Deleg', [activity('start', { actions: [manual({ decisions: [{ name: 'approve', kind: 'complete' }, { name: 'delegate', kind: 'assign' }] })], transitions: [to('end')] }), activity('end')]),
    );
    const h = new Harness(p);
    await h.start();
    await assert.rejects(h.decide(h.item().id, 'delegate'), (e: unknown) => hasErrorCode(e, 'ENGINE_ASSIGNEE_REQUIRED'));
    const o = await h.decide(h.item().id, 'delegate', { assignee: 'erin' });
    assert.equal(o.status, 'waiting');
    assert.equal(h.item().owner, 'erin');
    assert.equal(h.item().delegatedFrom, 'bob');
    assert.equal((await h.decide(h.item().id, 'approve', { actor: 'erin' })).status, 'finished');
  });
});

describe('interpreter: determinism and state', () => {
  it('gives the same outcome for the same state, event and clock (replay after a crash)', async () => {
    const p = taskDefinition(
      processModel('Replay', [
        activity('start', { actions: [manual({ owners: [owner('bob'), owner('carol')], timeout: 10 })], transitions: [to('Next')] }),
        activity('Next', { actions: [service('audit', { action: 'x' }), manual({ timeout: 5 })], transitions: [to('end')] }),
        activity('end'),
      ]),
    );
    const h = new Harness(p);
    await h.start();
    const ctx = h.ctx();
    const state = h.state!;
    const event = { kind: 'decision' as const, workItemId: 'T1.1', decision: 'approve', actor: 'bob', variables: {} };
    const a = await resume(p, state, event, ctx);
    const b = await resume(p, state, event, ctx);
    assert.deepEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
    assert.deepEqual(a.createWorkItems.map((w) => w.id), ['T1.3']);
  });

  it('refuses to advance an instance that ended, or a state it did not write', async () => {
    const p = taskDefinition(processModel('Once', [activity('start')]));
    const h = new Harness(p);
    const o = await h.start();
    await assert.rejects(resume(p, o.state, { kind: 'timer' }, h.ctx()), (e: unknown) => hasErrorCode(e, 'ENGINE_INSTANCE_ENDED'));
    await assert.rejects(resume(p, { v: 99 }, { kind: 'timer' }, h.ctx()), (e: unknown) => hasErrorCode(e, 'ENGINE_STATE_INVALID'));
  });

  it('refuses to start a Configuration that carries no process', async () => {
    await assert.rejects(
      start({ type: 'Configuration', dialect: 'waveset', name: 'Cfg', location: { file: 'f', line: 1, column: 1 }, attributes: {} }, {}, new Harness(taskDefinition(processModel('x', [activity('a')]))).ctx()),
      (e: unknown) => hasErrorCode(e, 'ENGINE_NOT_A_PROCESS'),
    );
  });
});

describe('interpreter: nested parallel branches', () => {
  it('joins a nested split at its own join and the outer split at the next one', async () => {
    const p = taskDefinition(
      processModel('Nested', [
        activity('start', { split: 'and', transitions: [to('X'), to('Y')] }),
        activity('X', { split: 'and', transitions: [to('P'), to('Q')] }),
        activity('P', { transitions: [to('J1')] }),
        activity('Q', { actions: [manual()], transitions: [to('J1')] }),
        activity('J1', { join: 'and', actions: [expression(setv('j1', call('add', ref('j1'), i(1))))], transitions: [to('J2')] }),
        activity('Y', { transitions: [to('J2')] }),
        activity('J2', { join: 'and', actions: [expression(setv('j2', call('add', ref('j2'), i(1))))] }),
      ], { variables: [variable('j1', { initial: i(0) }), variable('j2', { initial: i(0) })] }),
    );
    const h = new Harness(p);
    const o = await h.start();
    assert.equal(o.status, 'waiting');
    assert.deepEqual([h.vars()['j1'], h.vars()['j2']], [0, 0]);
    const done = await h.decide(h.item().id, 'approve');
    assert.equal(done.status, 'finished');
    assert.deepEqual([h.vars()['j1'], h.vars()['j2']], [1, 1]);
    assert.deepEqual(h.raw()['splits'], {});
  });
});
