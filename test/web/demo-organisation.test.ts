/**
 * The demo organisation (`idflow serve --demo`) with the default workflows as they route approvals
 * (docs/decisions/default-approvers.md): the README's "sign in as hana, start an onboarding, sign in as mona and
 * approve it" and "owen approves access requests" work with the subject's manager and the resource's owner asked,
 * and nobody else.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import { openEngine, type RuntimeEngine } from '../../src/engine/engine.js';
import type { WorkItemView } from '../../src/engine/engine-api.js';
import type { XValue } from '../../src/expression/env.js';
import { openRepository } from '../../src/repository/open-repository.js';
import type { Repository } from '../../src/repository/repository.js';
import { DEMO_RESOURCES, ensureDemoOrganisation } from '../../src/web/demo-organisation.js';

const DEFAULTS = fileURLToPath(new URL('../../config/default/', import.meta.url));

describe('the demo organisation with the default workflows', () => {
  let dir: string;
  let repo: Repository;
  let engine: RuntimeEngine;
  const now = Date.parse('2026-12-07T09:00:00Z');
  const clock = (): number => now;

  async function request(workflow: string, requester: string, changes: Record<string, XValue>, subject?: string): Promise<readonly WorkItemView[]> {
    const launched = await engine.launch({ definition: workflow, launcher: requester, mode: 'sync', ...(subject !== undefined && { subject }), variables: { changes } });
    return (await engine.decide({ workItemId: launched.workItems[0]!.id, decision: 'Execute', actor: requester })).workItems;
  }
  const refusal = (workItemId: string, actor: string): Promise<string | undefined> =>
    engine.decide({ workItemId, decision: 'Approve', actor }).then(
      () => undefined,
      (e: Error & { code?: string }) => e.code,
    );

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idflow-demo-'));
    const loaded = await loadDefinitionFiles(readdirSync(DEFAULTS).filter((f) => f.endsWith('.xml')).map((f) => join(DEFAULTS, f)));
    repo = await openRepository({ db: join(dir, 'repo.db'), env: {} });
    await repo.objects.putMany(loaded.objects);
    assert.deepEqual((await ensureDemoOrganisation(repo, clock)).map((p) => p.name), ['hana', 'mona', 'owen', 'sam']);
    // Someone else holding the same profiles: the routing, not the profile, must keep them out.
    await repo.profiles.assign('max', ['Manager', 'ResourceOwner'], 'test', now);
    engine = await openEngine({ repository: repo, clock, workerId: 'demo-test' });
  });
  after(async () => {
    await engine?.close();
    await repo?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('makes mona and owen identities and owen the owner of the demo resources, once', async () => {
    assert.equal((await repo.identities.findIdentity('mona'))?.identity.login, 'mona');
    assert.equal((await repo.identities.findIdentity('owen'))?.identity.login, 'owen');
    for (const r of DEMO_RESOURCES) assert.deepEqual((await repo.identities.getResource(r.name))?.owners, ['owen'], r.name);
    assert.deepEqual(await ensureDemoOrganisation(repo, clock), [], 'running it again creates nobody');
  });

  it("puts hana's onboarding of one of mona's people in mona's tasks alone, and mona's approval creates the person", async () => {
    const [review] = await request('User_Onboarding', 'hana', { Login: 'newbie', FirstName: 'New', LastName: 'Starter', Manager: 'mona' });
    assert.equal(review?.owner, 'mona');
    assert.equal(await refusal(review!.id, 'max'), 'WORKITEM_NOT_OWNER', 'another manager may not');
    const decided = await engine.decide({ workItemId: review!.id, decision: 'Approve', actor: 'mona' });
    assert.equal(decided.instance.state, 'finished');
    assert.equal((await repo.identities.findIdentity('newbie'))?.identity.state, 'active');
  });

  it("puts mona's request for the wiki in owen's tasks alone, and owen's approval assigns it", async () => {
    const [approval] = await request('User_ResourcesUpdate', 'mona', { Resources: { Add: ['wiki'] } }, 'newbie');
    assert.equal(approval?.owner, 'owen');
    assert.equal(await refusal(approval!.id, 'max'), 'WORKITEM_NOT_OWNER', 'another resource owner may not');
    const decided = await engine.decide({ workItemId: approval!.id, decision: 'Approve', actor: 'owen' });
    assert.equal(decided.instance.state, 'finished', JSON.stringify(decided.instance.result));
    const person = (await repo.identities.findIdentity('newbie'))!;
    const held = await Promise.all(person.assignments.map(async (a) => (await repo.identities.getResource(a.resourceId))?.name));
    assert.deepEqual(held, ['wiki']);
  });
});
