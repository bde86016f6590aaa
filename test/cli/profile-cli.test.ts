/**
 * `idflow profile` and a Netwrix review decided by profile, as a user runs them: each command a child process
 * against a temp database created by `idflow init` (the default workflows and AccessControlRules).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tempRepository } from './cli-harness.js';

const REVIEW = '/Custom/Workflows/User_Onboarding/Review/ReviewPending';

interface Item {
  readonly id: string;
  readonly owner: string | null;
  readonly permission?: string;
  readonly decisions: string[];
}

describe('idflow profile', () => {
  const { idflow, json } = tempRepository({ prefix: 'idflow-profile-cli-', file: 'idflow.db', user: 'admin', seed: ['init'] });

  it('offers the onboarding review to the manager assigned by profile, who approves it to the end', async () => {
    const assign = await idflow('profile', 'assign', 'bob', 'Manager');
    assert.equal(assign.status, 0, assign.stderr);
    assert.match(assign.stdout, /bob now holds Manager/);
    assert.equal(assign.stderr, '', 'Manager is a profile the default rules name: no warning');

    // alice requests: HR holds the Request permission she needs to launch with `--as alice`.
    assert.equal((await idflow('profile', 'assign', 'alice', 'HR')).status, 0);
    const run = await json<{ instance: { id: string }; workItems: Item[] }>('run', 'User_Onboarding', '--as', 'alice');
    const request = run.workItems[0];
    assert.ok(request);
    assert.equal(request.owner, 'alice');
    assert.deepEqual(request.decisions, ['Save', 'Execute', 'Delegate', 'Abort']);

    const executed = await json<{ workItems: Item[] }>('workitem', 'decide', request.id, '--decision', 'Execute', '--as', 'alice');
    const review = executed.workItems.find((i) => i.permission === REVIEW);
    assert.ok(review, 'the review is open, offered by permission');

    const inbox = await json<Item[]>('workitems', '--owner', 'bob');
    assert.deepEqual(inbox.map((i) => i.id), [review.id]);
    assert.deepEqual(await json<Item[]>('workitems', '--owner', 'zed'), []);

    const refused = await idflow('workitem', 'decide', review.id, '--decision', 'Approve', '--as', 'zed');
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /WORKITEM_NOT_OWNER/);
    assert.ok(refused.stderr.includes(REVIEW), refused.stderr);

    const approved = await json<{ instance: { state: string; result?: { outcome: string } } }>(
      'workitem',
      'decide',
      review.id,
      '--decision',
      'Approve',
      '--as',
      'bob',
    );
    assert.equal(approved.instance.state, 'finished');
    assert.equal(approved.instance.result?.outcome, 'completed');
  });

  it('warns about a profile no rule names but assigns it, and lists assignments with who made them', async () => {
    const r = await idflow('profile', 'assign', 'carol', 'Auditor', 'HR', '--as', 'root');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /warning PROFILE_UNKNOWN: no AccessControlRule names the profile "Auditor"/);
    assert.doesNotMatch(r.stderr, /"HR"/);
    const again = await idflow('profile', 'assign', 'carol', 'HR');
    assert.match(again.stdout, /carol already holds HR/);

    const list = await json<{ person: string; profile: string; assignedBy: string; known: boolean }[]>('profile', 'list', '--person', 'carol');
    assert.deepEqual(
      list.map((a) => [a.profile, a.assignedBy, a.known]),
      // Newest first; made in one command, they share a time and come in reverse name order.
      [
        ['HR', 'root', true],
        ['Auditor', 'root', false],
      ],
    );
    const table = await idflow('profile', 'list');
    assert.match(table.stdout, /^PERSON\s+PROFILE\s+ASSIGNED-BY\s+ASSIGNED$/m);
    assert.match(table.stdout, /^bob\s+Manager\s+admin\s/m);
  });

  it('shows what a person may act on, with the profile and rule of each permission', async () => {
    const mine = await json<{ profiles: string[]; unknownProfiles: string[]; grants: { permission: string; profile: string; rule: string }[] }>(
      'profile',
      'permissions',
      'carol',
    );
    assert.deepEqual(mine.profiles, ['Auditor', 'HR']);
    assert.deepEqual(mine.unknownProfiles, ['Auditor']);
    assert.ok(mine.grants.some((g) => g.permission === '/Custom/Workflows/User_Onboarding/Request/ActionPending' && g.rule === 'HR_Workflows_User'));
    assert.ok(!mine.grants.some((g) => g.permission === REVIEW), 'HR does not review onboarding');
    const text = await idflow('profile', 'permissions', 'nobody');
    assert.match(text.stdout, /nobody holds no profile/);
  });

  it('refuses to unassign a profile the person does not hold and changes nothing', async () => {
    const r = await idflow('profile', 'unassign', 'carol', 'HR', 'Manager');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /PROFILE_NOT_ASSIGNED: carol does not hold the profile Manager/);
    assert.deepEqual((await json<{ profile: string }[]>('profile', 'list', '--person', 'carol')).map((a) => a.profile).sort(), ['Auditor', 'HR']);
    const ok = await idflow('profile', 'unassign', 'carol', 'Auditor');
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /carol no longer holds Auditor/);
  });

  it('refuses an empty profile name and assigns nothing', async () => {
    const r = await idflow('profile', 'assign', 'dave', '');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /PROFILE_NAME_INVALID/);
    assert.deepEqual(await json<unknown[]>('profile', 'list', '--person', 'dave'), []);
  });
});
