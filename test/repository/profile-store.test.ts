import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openRepository } from '../../src/repository/open-repository.js';
import type { Repository } from '../../src/repository/repository.js';
import { DATABASES } from './repository-factory.js';

for (const database of DATABASES) {
describe(`${database.name}: profile assignments`, () => {
  let dir: string;
  let target: { readonly db: string; dispose(): Promise<void> };
  let repo: Repository;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idflow-profiles-'));
    target = await database.location(dir);
    repo = await openRepository({ db: target.db, env: {} });
  });
  after(async () => {
    await repo.close();
    await target.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('assigns profiles, keeps the first assignment when assigned again, and lists them by person', async () => {
    assert.deepEqual(await repo.profiles.assign('bob', ['Manager', 'HR'], 'admin', 1000), [
      { profile: 'Manager', status: 'assigned' },
      { profile: 'HR', status: 'assigned' },
    ]);
    assert.deepEqual(await repo.profiles.assign('bob', ['Manager'], 'root', 2000), [{ profile: 'Manager', status: 'unchanged' }]);
    await repo.profiles.assign('ann', ['Administrator'], 'admin', 3000);
    assert.deepEqual(await repo.profiles.profilesOf('bob'), ['HR', 'Manager']);
    assert.deepEqual(await repo.profiles.profilesOf('nobody'), []);
    assert.deepEqual(await repo.profiles.list({ person: 'bob' }), [
      { person: 'bob', profile: 'HR', assignedAt: 1000, assignedBy: 'admin' },
      { person: 'bob', profile: 'Manager', assignedAt: 1000, assignedBy: 'admin' },
    ]);
    assert.deepEqual((await repo.profiles.list()).map((a) => `${a.person}:${a.profile}`), ['ann:Administrator', 'bob:HR', 'bob:Manager']);
  });

  it('keeps assignments across a reopen of the repository', async () => {
    await repo.close();
    repo = await openRepository({ db: target.db, env: {} });
    assert.deepEqual(await repo.profiles.profilesOf('bob'), ['HR', 'Manager']);
  });

  it('unassigns all or nothing: a profile the person does not hold is refused and nothing is removed', async () => {
    await assert.rejects(repo.profiles.unassign('bob', ['HR', 'Auditor']), { code: 'PROFILE_NOT_ASSIGNED' });
    assert.deepEqual(await repo.profiles.profilesOf('bob'), ['HR', 'Manager']);
    await repo.profiles.unassign('bob', ['HR']);
    assert.deepEqual(await repo.profiles.profilesOf('bob'), ['Manager']);
  });

  it('refuses empty, padded or control-character names and assigns nothing', async () => {
    for (const [person, profile] of [
      ['', 'Manager'],
      ['carol', ' Manager'],
      ['carol', 'Man\nager'],
      ['carol', 'x'.repeat(257)],
    ] as const) {
      await assert.rejects(repo.profiles.assign(person, ['HR', profile], 'admin', 1), { code: 'PROFILE_NAME_INVALID' });
    }
    assert.deepEqual(await repo.profiles.profilesOf('carol'), []);
  });
});
}
