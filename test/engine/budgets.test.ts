/**
 * Work budgets and size limits (issue 6, items 3 and 4; docs/engine.md, "Budgets and size limits"). Each case of
 * the issue is reproduced at a small scale through the engine's `limits`: budgets are counted in steps and bytes,
 * and the time an advance may run is measured on a wall clock the test moves itself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WorkLimits } from '../../src/engine/engine-api.js';
import { openEngine, type RuntimeEngine } from '../../src/engine/engine.js';
import type { ServiceOperation } from '../../src/engine/interpreter/interpreter-types.js';
import { errorCode, openRuntimeWorld, type RuntimeWorld } from './runtime-harness.js';

const MiB = 1024 * 1024;

describe('the work budget of an advance', () => {
  let w: RuntimeWorld;
  let wall = 0;
  const tick: ServiceOperation = () => {
    wall += 100;
    return {};
  };
  const engines: RuntimeEngine[] = [];
  const engineWith = async (limits: WorkLimits): Promise<RuntimeEngine> => {
    const engine = await openEngine({ repository: w.repository, clock: w.now, workerId: 'budget-worker', wallClock: () => wall, operations: { tick }, limits });
    engines.push(engine);
    return engine;
  };

  before(async () => {
    w = await openRuntimeWorld(['budgets.xml']);
  });
  after(async () => {
    for (const e of engines) await e.close();
    await w.close();
  });

  it('yields a cycling instance after its advance budget so the rest of its batch commits, and fails it at the maxSteps ceiling', async () => {
    const engine = await engineWith({ maxStepsCeiling: 50, advanceSteps: 20 });
    const cycle = (await engine.launch({ definition: 'Endless Cycle', launcher: 'ann' })).instance.id;
    const quick = [];
    for (let k = 0; k < 3; k++) quick.push((await engine.launch({ definition: 'Quick', launcher: 'ann' })).instance.id);

    const first = await engine.runWorkerOnce();
    assert.equal(first.advanced, 4, 'the whole batch is committed in the first round');
    for (const id of quick) assert.equal((await engine.getTask(id)).result?.outcome, 'completed');
    const yielded = await engine.getTask(cycle);
    assert.equal(yielded.state, 'executing');
    assert.equal(yielded.waiting, false, 'it has steps to run, it does not wait');
    assert.equal(yielded.steps, 20, 'its progress so far is committed');
    assert.match(yielded.progress?.message ?? '', /yielded/);

    assert.equal((await engine.runWorkerOnce()).advanced, 1, 'a later round continues it');
    assert.equal((await engine.getTask(cycle)).steps, 40);
    await engine.runWorkerOnce();
    const ended = await engine.getTask(cycle);
    assert.equal(ended.result?.outcome, 'failed');
    assert.equal(ended.steps, 50, "the definition's maxSteps of 1000 is cut to the ceiling of 50");
    assert.match(ended.result!.errors[0]!, /^ENGINE_MAX_STEPS: process 'Endless Cycle' exceeded maxSteps 50/);
    assert.equal((await engine.runWorkerOnce()).advanced, 0, 'nothing is left to run');
  });

  it('writes a launch advanced at once that spent its budget as a yield, which a worker round continues', async () => {
    const engine = await engineWith({ maxStepsCeiling: 50, advanceSteps: 20 });
    const [cycle, quick] = await engine.launchMany(
      [
        { definition: 'Endless Cycle', launcher: 'ann' },
        { definition: 'Quick', launcher: 'ann' },
      ],
      { advance: true },
    );
    assert.equal(quick?.ok && quick.instance.result?.outcome, 'completed');
    const id = cycle?.ok ? cycle.instance.id : assert.fail(JSON.stringify(cycle));
    const yielded = await engine.getTask(id);
    assert.equal(yielded.state, 'executing');
    assert.equal(yielded.waiting, false, 'it has steps to run, it does not wait');
    assert.equal(yielded.steps, 20);
    assert.match(yielded.progress?.message ?? '', /yielded/);
    assert.equal((await engine.runWorkerOnce()).advanced, 1, 'a worker round continues it');
    assert.equal((await engine.getTask(id)).steps, 40);
  });

  it('makes every <rule> call spend the XPRESS budget of the activity that called it', async () => {
    const engine = await engineWith({ activityXpressSteps: 10_000 });
    const small = await engine.launch({ definition: 'Rule Fan', launcher: 'ann', variables: { depth: 3 } });
    assert.equal(small.instance.result?.outputs['total'], 15, 'a rule that calls itself twice per level works within the budget');
    // 2^13 calls of a few steps each: fine for any one call, far too much for all of them together.
    const fan = await engine.launch({ definition: 'Rule Fan', launcher: 'ann', variables: { depth: 12 } });
    assert.equal(fan.instance.result?.outputs['total'], null);
    assert.match(fan.instance.result!.errors.join('\n'), /XPRESS_STEP_LIMIT: .*10000 steps/);
  });

  it('yields between activities once an advance spent its XPRESS steps, and ends with the same result', async () => {
    const engine = await engineWith({ advanceXpressSteps: 5_000 });
    const id = (await engine.launch({ definition: 'Busy Steps', launcher: 'ann' })).instance.id;
    const stepsAfter: number[] = [];
    for (let round = 0; round < 10; round++) {
      if ((await engine.runWorkerOnce()).advanced === 0) break;
      stepsAfter.push((await engine.getTask(id)).steps);
    }
    // About 2,100 XPRESS steps per busy activity: three of them pass 5,000, so each advance enters at most four activities.
    assert.deepEqual(stepsAfter, [4, 7, 8]);
    const done = await engine.getTask(id);
    assert.equal(done.result?.outcome, 'completed');
    assert.equal(done.result?.outputs['trail'], '123456');
  });

  it('yields between activities once an advance ran for advanceMs on the wall clock', async () => {
    const engine = await engineWith({ advanceMs: 250 });
    const id = (await engine.launch({ definition: 'Ticking Steps', launcher: 'ann' })).instance.id;
    await engine.runWorkerOnce();
    // Each ticking activity lasts 100 ms: start, T1, T2, T3 have run when 300 ms have passed.
    assert.equal((await engine.getTask(id)).steps, 4);
    await engine.runWorkerOnce();
    const done = await engine.getTask(id);
    assert.equal(done.result?.outcome, 'completed');
    assert.equal(done.result?.outputs['trail'], '12345');
  });

  it('refuses engine limits that are not positive integers, or that it does not know', async () => {
    assert.equal((await errorCode(() => engineWith({ advanceSteps: 0 }))).code, 'ENGINE_OPTION_INVALID');
    assert.equal((await errorCode(() => engineWith({ maxStateBytes: 1.5 }))).code, 'ENGINE_OPTION_INVALID');
    assert.match((await errorCode(() => engineWith({ maxStep: 10 } as WorkLimits))).message, /limits\.maxStep is not a limit/);
  });
});

describe('size limits on stored state', () => {
  let w: RuntimeWorld;
  let engine: RuntimeEngine;
  before(async () => {
    w = await openRuntimeWorld(['budgets.xml'], { limits: { maxValueBytes: MiB, maxStateBytes: MiB } });
    engine = w.engine;
  });
  after(async () => {
    await w.close();
  });

  const storedBytes = async (id: string): Promise<number> => JSON.stringify(await w.repository.runtime.getInstance(id)).length;

  it('refuses a list of references to one big string once the list as stored passes the value limit', async () => {
    const r = await engine.launch({ definition: 'Big List', launcher: 'ann' });
    assert.match(r.instance.result!.errors.join('\n'), /XPRESS_VALUE_TOO_LARGE/);
    assert.equal(r.instance.result?.outputs['many'], null);
    assert.ok((await storedBytes(r.instance.id)) < MiB, 'the 40 references were never stored');
  });

  it('ends an instance whose variables together would pass the state limit as failed, storing none of them', async () => {
    const before = (await engine.listTasks()).length;
    const r = await engine.launch({ definition: 'Many Big Variables', launcher: 'ann', variables: { note: 'kept' } });
    assert.equal(r.instance.result?.outcome, 'failed');
    assert.match(r.instance.result!.errors[0]!, /^ENGINE_STATE_TOO_LARGE: /);
    assert.equal(r.instance.variables['note'], 'kept', 'the variables it was launched with stay');
    assert.equal(r.instance.variables['v1'], undefined);
    assert.equal(r.instance.variables['big'], undefined);
    assert.ok((await storedBytes(r.instance.id)) < 64 * 1024);
    assert.equal((await engine.listTasks()).length, before + 1);
  });

  it('ends a launch advanced at once that would pass the state limit as failed, alone, storing none of its variables', async () => {
    const [big, quick] = await engine.launchMany(
      [
        { definition: 'Many Big Variables', launcher: 'ann', variables: { note: 'kept' } },
        { definition: 'Quick', launcher: 'ann' },
      ],
      { advance: true },
    );
    assert.equal(quick?.ok && quick.instance.result?.outcome, 'completed');
    const r = await engine.getTask(big?.ok ? big.instance.id : assert.fail(JSON.stringify(big)));
    assert.equal(r.result?.outcome, 'failed');
    assert.match(r.result!.errors[0]!, /^ENGINE_STATE_TOO_LARGE: /);
    assert.equal(r.variables['note'], 'kept', 'the variables it was launched with stay');
    assert.equal(r.variables['big'], undefined);
    assert.ok((await storedBytes(r.id)) < 64 * 1024);
  });

  it('refuses a launch whose variables pass the limits before anything is written', async () => {
    const before = (await engine.listTasks()).length;
    const blob = 'x'.repeat(600 * 1024);
    const one = await errorCode(() => engine.launch({ definition: 'Quick', launcher: 'ann', variables: { blob: 'x'.repeat(2 * MiB) } }));
    assert.equal(one.code, 'ENGINE_STATE_TOO_LARGE');
    assert.match(one.message, /variable 'blob'/);
    const together = await errorCode(() => engine.launch({ definition: 'Quick', launcher: 'ann', variables: { a: blob, b: blob } }));
    assert.equal(together.code, 'ENGINE_STATE_TOO_LARGE');
    assert.equal((await engine.listTasks()).length, before);
  });

  it('refuses a decision whose variables pass the value limit and leaves its work item open', async () => {
    const r = await engine.launch({ definition: 'Form', launcher: 'ann' });
    const item = r.workItems[0]!;
    const refused = await errorCode(() => engine.decide({ workItemId: item.id, decision: 'approve', actor: 'bob', variables: { comment: 'x'.repeat(2 * MiB) } }));
    assert.equal(refused.code, 'ENGINE_STATE_TOO_LARGE');
    assert.deepEqual((await engine.listWorkItems({ instanceId: r.instance.id })).map((i) => i.id), [item.id]);
    const done = await engine.decide({ workItemId: item.id, decision: 'approve', actor: 'bob', variables: { comment: 'fine' } });
    assert.equal(done.instance.result?.outputs['comment'], 'fine');
  });
});
