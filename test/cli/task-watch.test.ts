/**
 * `idflow task watch ID` follows an instance until it waits or ends: here a worker round (in this process) moves
 * an asynchronous launch on while the command watches it from its own process.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openRuntimeWorld, type RuntimeWorld } from '../engine/runtime-harness.js';
import { runIdflow } from './cli-harness.js';

describe('idflow task watch', () => {
  let w: RuntimeWorld;
  before(async () => {
    w = await openRuntimeWorld();
  });
  after(() => w.close());

  it('returns at once for an instance that already waits, printing where it waits', async () => {
    const { instance } = await w.engine.launch({ definition: 'Approval', launcher: 'bob', mode: 'sync', variables: { approver: 'alice' } });
    const r = await runIdflow(['--db', w.repository.location, 'task', 'watch', instance.id]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /executing \(waiting\) at Approve/);
    assert.match(r.stdout, /open work items:\nID .*\n\S+\.1\s+alice/);
  });

  it('takes a unique short id, as task show does', async () => {
    const { instance } = await w.engine.launch({ definition: 'Approval', launcher: 'bob', mode: 'sync', variables: { approver: 'erin' } });
    const r = await runIdflow(['--db', w.repository.location, 'task', 'watch', instance.id.slice(24)]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /executing \(waiting\) at Approve/);
    assert.ok(r.stdout.includes(instance.id), r.stdout);
  });

  it('follows a queued instance until a worker brings it to its work item', async () => {
    const { instance } = await w.engine.launch({ definition: 'Approval', launcher: 'bob', mode: 'async', variables: { approver: 'carol' } });
    const watching = runIdflow(['--db', w.repository.location, 'task', 'watch', instance.id, '--json']);
    // The worker round runs while the command watches; whichever comes first, the command ends at the wait.
    await w.engine.runWorkerOnce();
    const r = await watching;
    assert.equal(r.status, 0, r.stderr);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; instance?: { state: string; waiting: boolean } });
    assert.equal(events.at(-1)?.event, 'settled');
    assert.equal(events.at(-1)?.instance?.waiting, true);
  });

  it('gives up with exit status 3 when --timeout passes before the instance settles', async () => {
    const { instance } = await w.engine.launch({ definition: 'Approval', launcher: 'bob', mode: 'async', variables: { approver: 'dave' } });
    const r = await runIdflow(['--db', w.repository.location, 'task', 'watch', instance.id, '--timeout', '1']);
    assert.equal(r.status, 3);
    assert.match(r.stdout, /ready/);
    assert.match(r.stderr, /still ready.*stopped watching/);
  });
});
