/**
 * Persist and PersistOnlyResources through the real engine, on both databases, with config/default imported: the
 * Netwrix onboarding creates a draft, then the identity, and ends with its login as the instance's subject; a
 * declined review leaves the draft as docs/decisions/decline-keeps-drafts.md says; a bad change set stops at its
 * step and writes nothing; a concurrent change to the identity makes the step replay instead of being lost.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import { openEngine, type RuntimeEngine } from '../../src/engine/engine.js';
import type { XValue } from '../../src/expression/env.js';
import type { IdentityStore } from '../../src/identity/identity-store.js';
import { subjectKey } from '../../src/identity/subject-key.js';
import type { Repository } from '../../src/repository/repository.js';
import { DATABASES } from '../repository/repository-factory.js';
import { T0 } from '../engine/runtime-harness.js';

const DEFAULTS = fileURLToPath(new URL('../../config/default/', import.meta.url));

for (const database of DATABASES) {
  describe(`${database.name}: Netwrix Persist on the identity store`, () => {
    let repo: Repository;
    let engine: RuntimeEngine;
    /** Called after each identity read by a step, once: a concurrent writer's chance. */
    let afterRead: (() => Promise<void>) | undefined;

    before(async () => {
      repo = await database.open();
      const loaded = await loadDefinitionFiles(readdirSync(DEFAULTS).filter((f) => f.endsWith('.xml')).map((f) => join(DEFAULTS, f)));
      await repo.objects.putMany(loaded.objects);
      await repo.profiles.assign('bob', ['Manager'], 'admin', T0);
      const base = repo.identities;
      const identities: IdentityStore = Object.assign(Object.create(base) as IdentityStore, {
        findIdentity: async (idOrLogin: string) => {
          const found = await base.findIdentity(idOrLogin);
          const hook = afterRead;
          afterRead = undefined;
          if (hook) await hook();
          return found;
        },
        getResource: (idOrName: string) => base.getResource(idOrName),
      });
      const seen: Repository = { objects: repo.objects, runtime: repo.runtime, profiles: repo.profiles, identities, access: repo.access, notifications: repo.notifications, hr: repo.hr, audit: repo.audit, kind: repo.kind, location: repo.location, close: () => repo.close() };
      engine = await openEngine({ repository: seen, clock: () => T0, workerId: 'persist-test' });
      await repo.identities.putResource({
        id: 'res-directory', kind: 'application', name: 'directory', nameKey: 'directory', displayName: 'Directory', description: null,
        connector: 'ldap', targetKey: null, owners: [], createdAt: T0, updatedAt: T0,
      });
    });
    after(async () => {
      await engine.close();
      await repo.close();
    });

    const onboard = async (changes: Record<string, XValue>) => {
      const launched = await engine.launch({ definition: 'User_Onboarding', launcher: 'alice', mode: 'sync', variables: { changes } });
      assert.equal(launched.instance.subject, undefined, 'an onboarding starts on nobody');
      const executed = await engine.decide({ workItemId: launched.workItems[0]!.id, decision: 'Execute', actor: 'alice' });
      return { id: launched.instance.id, executed };
    };
    const orderCount = async (identityId: string): Promise<number> =>
      Number((await database.query<{ n: number }>(repo, 'SELECT COUNT(*) AS n FROM provisioning_orders WHERE identity_id = ?', [identityId]))[0]!.n);

    it('creates a draft, then the identity on approval, and ends the onboarding with the new login as its subject', async () => {
      const { id, executed } = await onboard({ Login: 'jdoe', FirstName: 'Jane', LastName: 'Doe', Resources: { Add: ['directory'] } });
      const draft = (await repo.identities.findIdentity('jdoe'))!;
      assert.equal(draft.identity.state, 'draft', 'PersistDraft saved a draft');
      assert.equal(await orderCount(draft.identity.id), 0, 'a draft is kept out of provisioning');
      assert.equal(executed.instance.subject, 'jdoe', 'the instance works on the new identity from its draft on');
      const review = executed.workItems[0]!;
      const approved = await engine.decide({ workItemId: review.id, decision: 'Approve', actor: 'bob' });
      assert.equal(approved.instance.state, 'finished');
      assert.equal(approved.instance.subject, 'jdoe', 'the onboarding ends with subject set');
      const done = (await repo.identities.findIdentity('jdoe'))!;
      assert.equal(done.identity.state, 'active');
      assert.deepEqual(done.records.map((r) => [r.kind, r.draft, r.data]), [['personal', false, { firstName: 'Jane', lastName: 'Doe' }]]);
      assert.deepEqual(done.assignments.map((a) => a.workflowState), ['approved']);
      const orders = await database.query<{ operation: string; instance_id: string }>(repo, 'SELECT operation, instance_id FROM provisioning_orders WHERE identity_id = ?', [done.identity.id]);
      assert.deepEqual(orders, [{ operation: 'create', instance_id: id }]);
      assert.deepEqual((await engine.listTasks({ subject: 'JDOE' })).map((t) => t.id), [id], 'listed by its subject');
    });

    it('leaves the draft as it is when the review is declined', async () => {
      const { executed } = await onboard({ Login: 'declined', LastName: 'Nope', Resources: { Add: ['directory'] } });
      const declined = await engine.decide({ workItemId: executed.workItems[0]!.id, decision: 'Decline', actor: 'bob' });
      assert.equal(declined.instance.result?.outcome, 'declined');
      const left = (await repo.identities.findIdentity('declined'))!;
      assert.equal(left.identity.state, 'draft', 'the draft stays a draft (decline-keeps-drafts)');
      assert.ok(left.records.every((r) => r.draft), 'its records stay drafts');
      assert.deepEqual(left.assignments.map((a) => a.workflowState), ['pending_approval']);
      assert.equal(await orderCount(left.identity.id), 0, 'nothing was provisioned');
      assert.deepEqual(await repo.identities.recordsAsOf(left.identity.id, { validAt: T0 }), [], 'drafts are not what the identity looks like');
    });

    it('stops a bad change set at its step, naming the attribute, and writes nothing of it', async () => {
      const { id } = await onboard({ Login: 'typo', FristName: 'Jane' });
      assert.equal(await repo.identities.findIdentity('typo'), undefined);
      const audit = await repo.runtime.listAudit({ instanceId: id });
      const refused = audit.find((a) => a.event === 'changeset:refused');
      assert.deepEqual([refused?.data?.['code'], refused?.data?.['attribute']], ['CHANGESET_ATTRIBUTE_UNKNOWN', 'FristName']);
      assert.equal(audit.filter((a) => a.event === 'changeset:persisted').length, 0);
      const task = await engine.getTask(id);
      assert.match(String(JSON.stringify(task.variables)), /CHANGESET_ATTRIBUTE_UNKNOWN: the change set sets FristName/, 'WF_ACTION_ERROR names the attribute');
    });

    it('replays the step when the identity changed between its read and its commit, writing its orders once', async () => {
      await onboard({ Login: 'racer', LastName: 'One', Resources: { Add: ['directory'] } }).then(async ({ executed }) => {
        await engine.decide({ workItemId: executed.workItems[0]!.id, decision: 'Approve', actor: 'bob' });
      });
      const racer = (await repo.identities.findIdentity('racer'))!;
      const launched = await engine.launch({ definition: 'User_ChangeName', launcher: 'alice', subject: 'racer', mode: 'sync', variables: { changes: { LastName: 'Two' } } });
      // Another writer moves the identity's revision after the step read it: the step's commit conflicts and replays.
      afterRead = async () => {
        const now = await repo.identities.findIdentity('racer');
        const identity = { ...now!.identity, organization: 'Elsewhere', revision: now!.identity.revision + 1 };
        assert.deepEqual(await repo.identities.apply([{ identity, expectedRevision: now!.identity.revision, at: T0 }]), ['committed']);
      };
      const done = await engine.decide({ workItemId: launched.workItems[0]!.id, decision: 'Execute', actor: 'alice' });
      assert.equal(done.instance.state, 'finished');
      const after = (await repo.identities.findIdentity('racer'))!;
      assert.equal(after.identity.organization, 'Elsewhere', 'the concurrent change is kept');
      assert.equal(after.identity.revision, racer.identity.revision + 2);
      assert.equal(after.records.find((r) => r.kind === 'personal')?.data['lastName'], 'Two');
      const ops = await database.query<{ operation: string }>(repo, 'SELECT operation FROM provisioning_orders WHERE identity_id = ? ORDER BY account_seq', [racer.identity.id]);
      assert.deepEqual(ops.map((o) => o.operation), ['create', 'update'], 'the update is ordered once');
      assert.equal(subjectKey(done.instance.subject!), 'racer');
    });
  });
}
