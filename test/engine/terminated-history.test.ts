/**
 * A terminated instance's history shows the work items it cancelled as cancelled, not open; `idflow task show`
 * says so.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runIdflow } from '../cli/cli-harness.js';
import { openRuntimeWorld, T0, type RuntimeWorld } from './runtime-harness.js';

describe('the history of a terminated instance', () => {
  let w: RuntimeWorld;
  let id: string;
  before(async () => {
    w = await openRuntimeWorld();
    const launched = await w.engine.launch({ definition: 'Approval', launcher: 'bob', mode: 'sync', variables: { approver: 'alice' } });
    id = launched.instance.id;
    w.advance(60_000);
    await w.engine.terminate(id, 'admin');
  });
  after(() => w.close());

  it('marks the activity whose item was open as cancelled when the instance was terminated', async () => {
    const task = await w.engine.getTask(id);
    assert.equal(task.state, 'terminated');
    const approve = task.history.find((h) => h.activity === 'Approve');
    assert.ok(approve);
    assert.equal(approve.cancelled, true);
    assert.equal(approve.completedAt, new Date(T0 + 60_000).toISOString());
    const items = await w.engine.listWorkItems({ instanceId: id, state: 'cancelled' });
    assert.equal(items.length, 1, 'the item itself is cancelled too');
  });

  it('shows it as cancelled in idflow task show', async () => {
    // The CLI opens the world's SQLite file beside the open engine, as a second process would.
    const r = await runIdflow(['--db', w.repository.location, 'task', 'show', id]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ {2}Approve: cancelled \(2030-01-01T00:01:00\.000Z\)$/m);
    assert.doesNotMatch(r.stdout, /Approve: open/);
  });
});
