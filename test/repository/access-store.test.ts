import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openRepository } from '../../src/repository/open-repository.js';
import type { Repository } from '../../src/repository/repository.js';
import { DATABASES } from './repository-factory.js';

for (const database of DATABASES) {
describe(`${database.name}: accounts, sessions, tokens and sign-in failures`, () => {
  let dir: string;
  let target: { readonly db: string; dispose(): Promise<void> };
  let repo: Repository;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idflow-access-'));
    target = await database.location(dir);
    repo = await openRepository({ db: target.db, env: {} });
  });
  after(async () => {
    await repo.close();
    await target.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates an account once, changes it, and counts the enabled administrators', async () => {
    const ann = { name: 'ann', passwordHash: 'h1', administrator: true, disabled: false, createdAt: 1000, createdBy: 'init' };
    assert.equal(await repo.access.createAccount(ann), 'created');
    assert.equal(await repo.access.createAccount({ ...ann, passwordHash: 'other' }), 'exists');
    await repo.access.createAccount({ name: 'bob', passwordHash: null, administrator: false, disabled: false, createdAt: 2000, createdBy: 'ann' });
    assert.deepEqual(await repo.access.getAccount('ann'), ann);
    assert.equal(await repo.access.countAdministrators(), 1);
    assert.equal(await repo.access.updateAccount('bob', { passwordHash: 'h2', administrator: true }), true);
    assert.equal(await repo.access.updateAccount('ann', { disabled: true }), true);
    assert.equal(await repo.access.updateAccount('nobody', { disabled: true }), false);
    assert.equal(await repo.access.countAdministrators(), 1);
    assert.deepEqual((await repo.access.listAccounts()).map((a) => `${a.name}:${a.passwordHash}:${a.administrator}:${a.disabled}`), ['ann:h1:true:true', 'bob:h2:true:false']);
  });

  it('keeps a session until it is deleted or expires', async () => {
    await repo.access.createSession({ idHash: 's1', account: 'bob', csrfToken: 'c1', createdAt: 10, expiresAt: 100 });
    await repo.access.createSession({ idHash: 's2', account: 'bob', csrfToken: 'c2', createdAt: 10, expiresAt: 500 });
    assert.deepEqual(await repo.access.getSession('s1'), { idHash: 's1', account: 'bob', csrfToken: 'c1', createdAt: 10, expiresAt: 100 });
    assert.equal(await repo.access.deleteExpiredSessions(200), 1);
    assert.equal(await repo.access.getSession('s1'), undefined);
    await repo.access.deleteSession('s2');
    assert.equal(await repo.access.getSession('s2'), undefined);
  });

  it('revokes a token once and lists an account’s tokens newest first', async () => {
    const t = { id: 't1', account: 'bob', name: 'ci', secretHash: 'x', scopes: ['read' as const], createdAt: 1, expiresAt: null, revokedAt: null };
    await repo.access.createToken(t);
    await repo.access.createToken({ ...t, id: 't2', createdAt: 2, scopes: ['read', 'launch'] });
    assert.deepEqual((await repo.access.listTokens('bob')).map((x) => x.id), ['t2', 't1']);
    assert.equal(await repo.access.revokeToken('t1', 50), true);
    assert.equal(await repo.access.revokeToken('t1', 60), false);
    assert.equal((await repo.access.getToken('t1'))?.revokedAt, 50);
    assert.deepEqual((await repo.access.getToken('t2'))?.scopes, ['read', 'launch']);
  });

  it('counts sign-in failures per key inside the window and forgets them when cleared', async () => {
    await repo.access.addSignInFailure(['account:bob', 'ip:1'], 100, 0);
    await repo.access.addSignInFailure(['account:bob'], 200, 0);
    assert.equal(await repo.access.countSignInFailures('account:bob', 150), 1);
    assert.equal(await repo.access.countSignInFailures('account:bob', 0), 2);
    assert.equal(await repo.access.countSignInFailures('ip:1', 0), 1);
    await repo.access.clearSignInFailures('account:bob');
    assert.equal(await repo.access.countSignInFailures('account:bob', 0), 0);
  });
});
}
