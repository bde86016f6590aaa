/**
 * Who may act, through the `idflow` command: launch rights for `--as`, the four-eyes refusal, and
 * `idflow out-of-office set|clear|list`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tempRepository } from './cli-harness.js';

describe('idflow: who may act', () => {
  const repo = tempRepository({ prefix: 'cli-rights-', seed: ['init'], user: 'root' });

  it('refuses a launch --as a person without the Request permission, and lets the holder of it launch', async () => {
    const refused = await repo.idflow('run', 'User_Onboarding', '--as', 'nobody', '--sync');
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /LAUNCH_NOT_ALLOWED: .*\/Custom\/Workflows\/User_Onboarding\/Request\/ActionPending/);
    assert.equal((await repo.idflow('profile', 'assign', 'hana', 'HR')).status, 0);
    const launched = await repo.json<{ workItems: { owner: string }[] }>('run', 'User_Onboarding', '--as', 'hana', '--sync', '--json');
    assert.equal(launched.workItems[0]!.owner, 'hana');
  });

  it('refuses the requester their own approval with WORKITEM_FOUR_EYES', async () => {
    const launched = await repo.json<{ workItems: { id: string }[] }>(
      'run', 'Update User With Approval', '--var', 'accountId=jdoe', '--var', 'approver=root', '--var', 'changes={}', '--sync', '--json',
    );
    const r = await repo.idflow('workitem', 'decide', launched.workItems[0]!.id, '--decision', 'approve', '--as', 'root');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /WORKITEM_FOUR_EYES: .*four-eyes rule/);
  });

  it('declares, lists and clears an absence, and routes a new approval to the delegate meanwhile', async () => {
    const set = await repo.json<{ absence: { person: string; delegate: string; until: string | null } }>('out-of-office', 'set', '--delegate', 'dave', '--as', 'ann', '--json');
    assert.deepEqual([set.absence.person, set.absence.delegate, set.absence.until], ['ann', 'dave', null]);
    const listed = await repo.json<{ person: string }[]>('out-of-office', 'list', '--json');
    assert.deepEqual(listed.map((a) => a.person), ['ann']);
    const launched = await repo.json<{ workItems: { owner: string; delegatedFrom?: string }[] }>(
      'run', 'Update User With Approval', '--var', 'accountId=kim', '--var', 'approver=ann', '--var', 'changes={}', '--sync', '--json',
    );
    assert.deepEqual([launched.workItems[0]!.owner, launched.workItems[0]!.delegatedFrom], ['dave', 'ann']);
    const self = await repo.idflow('out-of-office', 'set', '--delegate', 'ann', '--as', 'ann');
    assert.match(self.stderr, /OOO_DELEGATE_SELF/);
    assert.equal((await repo.idflow('out-of-office', 'clear', '--as', 'ann')).status, 0);
    assert.match((await repo.idflow('out-of-office', 'clear', '--as', 'ann')).stderr, /OOO_NOT_FOUND/);
    assert.match((await repo.idflow('out-of-office', 'list')).stdout, /nobody is out of office/);
  });
});
