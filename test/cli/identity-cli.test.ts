/**
 * `idflow identity …` and `idflow resource …` as a user runs them: resources added by the CLI, an onboarding run
 * through `run` and `workitem decide`, then the identity listed, shown as of a date and its history.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempRepository } from './cli-harness.js';

describe('identity and resource commands', () => {
  const repo = tempRepository({ prefix: 'idflow-identity-cli-', seed: ['init'], user: 'alice' });

  it('adds resources, runs an onboarding through the CLI, and shows the identity now and as it was', async () => {
    const added = await repo.json<{ status: string; kind: string }>('resource', 'add', 'staff', '--kind', 'group', '--connector', 'ldap', '--target-key', 'cn=staff,dc=example,dc=org');
    assert.deepEqual([added.status, added.kind], ['created', 'group']);
    assert.equal((await repo.json<{ status: string }>('resource', 'add', 'staff', '--kind', 'group', '--connector', 'ldap', '--target-key', 'cn=staff,dc=example,dc=org')).status, 'updated');
    const bad = await repo.idflow('resource', 'add', 'x', '--kind', 'printer');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /CLI_BAD_KIND/);

    const vars = join(repo.dir, 'onboard.json');
    writeFileSync(vars, JSON.stringify({ changes: { Login: 'jdoe', FirstName: 'Jane', LastName: 'Doe', EffectiveDate: '2026-01-01', Resources: { Add: ['staff'] } } }));
    const run = await repo.json<{ workItems: { id: string }[] }>('run', 'User_Onboarding', '--sync', '--vars-file', vars);
    const executed = await repo.json<{ workItems: { id: string }[] }>('workitem', 'decide', run.workItems[0]!.id, '--decision', 'Execute', '--as', 'alice');
    assert.equal((await repo.json<{ state: string }[]>('identity', 'list'))[0]?.state, 'draft', 'the draft is listed');
    assert.equal((await repo.idflow('profile', 'assign', 'bob', 'Manager')).status, 0);
    await repo.json('workitem', 'decide', executed.workItems[0]!.id, '--decision', 'Approve', '--as', 'bob');

    const listed = await repo.json<{ login: string; state: string }[]>('identity', 'list', '--state', 'active');
    assert.deepEqual(listed.map((i) => [i.login, i.state]), [['jdoe', 'active']]);
    const shown = await repo.json<{ attributes: Record<string, string>; assignments: { resource: string }[]; accounts: { connector: string }[] }>('identity', 'show', 'JDOE');
    assert.deepEqual(shown.attributes, { firstName: 'Jane', lastName: 'Doe' });
    assert.deepEqual(shown.assignments.map((a) => a.resource), ['staff']);
    assert.deepEqual(shown.accounts.map((a) => a.connector), ['ldap']);
    const before = await repo.json<{ attributes: Record<string, string> }>('identity', 'show', 'jdoe', '--at', '2025-12-01');
    assert.deepEqual(before.attributes, {}, 'nothing was valid before the effective date');
    const history = await repo.json<{ draft: boolean; supersededAt: string | null }[]>('identity', 'history', 'jdoe');
    assert.deepEqual(history.map((r) => [r.draft, r.supersededAt !== null]), [[true, true], [false, false]], 'the draft record, replaced by the real one');
    const table = await repo.idflow('identity', 'show', 'jdoe');
    assert.match(table.stdout, /lastName: Doe/);
    const holders = await repo.json<{ holders: { login: string }[] }>('resource', 'show', 'staff');
    assert.deepEqual(holders.holders.map((h) => h.login), ['jdoe']);
    const tasks = await repo.json<{ subject?: string }[]>('tasks', '--definition', 'User_Onboarding');
    assert.equal(tasks[0]?.subject, 'jdoe', 'the onboarding ended with the new identity as its subject');
  });

  it('says which identity or resource it could not find, with a code', async () => {
    const none = await repo.idflow('identity', 'show', 'nobody', '--json');
    assert.notEqual(none.status, 0);
    assert.equal((JSON.parse(none.stdout || none.stderr) as { error: { code: string } }).error.code, 'IDENTITY_NOT_FOUND');
    const nothing = await repo.idflow('resource', 'show', 'nothing');
    assert.match(nothing.stderr, /RESOURCE_NOT_FOUND/);
  });
});
