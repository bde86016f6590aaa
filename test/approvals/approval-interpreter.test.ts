/**
 * Approvals in the bare interpreter (no repository): what the engine tests cannot reach through the dialects'
 * decision sets, such as a delegation inside an approval, and escalation where no directory is known.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DecisionModel } from '../../src/definition/model/action.js';
import type { XValue } from '../../src/expression/env.js';
import { activity, Harness, manual, owner, processModel, T0, taskDefinition, to } from '../engine/interpreter-harness.js';

const DECISIONS: DecisionModel[] = [
  { name: 'approve', kind: 'complete' },
  { name: 'reject', kind: 'complete' },
  { name: 'Delegate', kind: 'assign' },
];

function approvalProcess(approval: Record<string, string>, owners: string[], timeout?: number) {
  return taskDefinition(
    processModel('P', [
      activity('start', { transitions: [to('Approve')] }),
      activity('Approve', {
        actions: [manual({ owners: owners.map(owner), decisions: DECISIONS, approval, ...(timeout !== undefined && { timeout }) })],
        transitions: [to('end')],
      }),
      activity('end'),
    ]),
  );
}

function itemOf(h: Harness, person: string): string {
  const found = [...h.open.values()].find((i) => i.owner === person);
  assert.ok(found, `${person} holds an item`);
  return found.id;
}

describe('approvals in the interpreter', () => {
  it('hands one approver’s item to a delegate inside a parallel approval, keeping the approver on record', async () => {
    const h = new Harness(approvalProcess({ mode: 'parallel' }, ['bob', 'carol']));
    await h.start();
    await h.decide(itemOf(h, 'bob'), 'Delegate', { actor: 'bob', assignee: 'dave' });
    const delegated = [...h.open.values()].find((i) => i.owner === 'dave')!;
    assert.equal(delegated.delegatedFrom, 'bob');
    assert.equal(h.last.status, 'waiting');
    await h.decide(delegated.id, 'approve', { actor: 'dave' });
    assert.equal(h.last.status, 'waiting', 'carol has not approved yet');
    await h.decide(itemOf(h, 'carol'), 'approve', { actor: 'carol', comment: 'ok' });
    assert.equal(h.last.status, 'finished');
    const outcome = h.vars()['WF_APPROVAL'] as Record<string, XValue>;
    assert.equal(outcome['approved'], true);
    assert.deepEqual(
      (outcome['approvals'] as Record<string, XValue>[]).map((a) => [a['approver'], a['decision'], a['delegatedFrom'], a['comment']]),
      [
        ['dave', 'approve', 'bob', null],
        ['carol', 'approve', null, 'ok'],
      ],
    );
  });

  it('leaves the launcher out of the owners of an approval', async () => {
    const h = new Harness(approvalProcess({ mode: 'any' }, ['alice', 'bob']), { launcher: 'alice' });
    await h.start();
    assert.deepEqual([...h.open.values()].map((i) => i.owner), ['bob']);
  });

  it('ends the approval not approved, with APPROVAL_NO_APPROVER, when only the launcher was named', async () => {
    const h = new Harness(approvalProcess({ mode: 'any' }, ['alice']), { launcher: 'alice' });
    await h.start();
    assert.equal(h.last.status, 'finished');
    const outcome = h.vars()['WF_APPROVAL'] as Record<string, XValue>;
    assert.equal(outcome['approved'], false);
    assert.match(String(outcome['error']), /^APPROVAL_NO_APPROVER: /);
    assert.match(String(h.vars()['WF_ACTION_ERROR']), /^APPROVAL_NO_APPROVER: /);
  });

  it('keeps a lapsed item with its holder, without a due time, when nobody is known above them', async () => {
    const h = new Harness(approvalProcess({ mode: 'serial' }, ['bob', 'carol'], 30));
    await h.start();
    const first = h.item();
    assert.equal(first.dueAt, T0 + 30 * 60_000);
    await h.timer(T0 + 31 * 60_000);
    const again = h.item();
    assert.equal(again.owner, 'bob');
    assert.equal(again.dueAt, null);
    assert.equal(h.last.wakeAt, null, 'nothing more to wake for');
    assert.deepEqual(h.closed.at(-1), { id: first.id, reason: 'timeout' });
  });
});
