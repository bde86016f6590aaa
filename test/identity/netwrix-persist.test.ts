/**
 * Persist and PersistOnlyResources through the real engine, on both databases, with config/default imported: the
 * Netwrix onboarding creates a draft, then the identity, and ends with its login as the instance's subject; a
 * declined review leaves the draft as docs/decisions/decline-keeps-drafts.md says; a bad change set stops at its
 * step and writes nothing; a concurrent change to the identity makes the step replay instead of being lost.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import { openEngine, type RuntimeEngine } from '../../src/engine/engine.js';
import type { XValue } from '../../src/expression/env.js';
import type { IdentityStore } from '../../src/identity/identity-store.js';
import { subjectKey } from '../../src/identity/subject-key.js';
import { readNetwrixChangeSet } from '../../src/identity/netwrix-change-set.js';
import { planChangeSet } from '../../src/identity/plan-change-set.js';
import type { Repository } from '../../src/repository/repository.js';
import { DATABASES } from '../repository/repository-factory.js';
import { T0 } from '../engine/runtime-harness.js';

const DEFAULTS = fileURLToPath(new URL('../../config/default/', import.meta.url));

/** A draft and its commit in one advance: the second Persist must see the first one's write. */
const QUICK_HIRE = `<?xml version="1.0" encoding="UTF-8"?>
<ConfigurationFile xmlns="urn:schemas-usercube-com:configuration">
  <Workflow Identifier="Quick_Hire" DisplayName_L1="Quick hire" VariablesType="Workflow_User">
    <Activity Identifier="Request" DisplayName_L1="Request" Template="ActionWithRefine" />
    <Activity Identifier="PersistDraft" DisplayName_L1="Draft" Template="PersistOnlyResources" />
    <Activity Identifier="Persist" DisplayName_L1="Commit" Template="Persist" />
  </Workflow>
</ConfigurationFile>
`;

for (const database of DATABASES) {
  describe(`${database.name}: Netwrix Persist on the identity store`, () => {
    let repo: Repository;
    let engine: RuntimeEngine;
    /** Called after each identity read by a step, once: a concurrent writer's chance. */
    let afterRead: (() => Promise<void>) | undefined;

    before(async () => {
      repo = await database.open();
      const extra = mkdtempSync(join(tmpdir(), 'idflow-persist-'));
      writeFileSync(join(extra, 'quick.xml'), QUICK_HIRE);
      const loaded = await loadDefinitionFiles([...readdirSync(DEFAULTS).filter((f) => f.endsWith('.xml')).map((f) => join(DEFAULTS, f)), join(extra, 'quick.xml')]);
      rmSync(extra, { recursive: true, force: true });
      assert.deepEqual(loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
      await repo.objects.putMany(loaded.objects);
      await repo.profiles.assign('bob', ['Manager'], 'admin', T0);
      const base = repo.identities;
      const findIdentity = async (idOrLogin: string) => {
        const found = await base.findIdentity(idOrLogin);
        const hook = afterRead;
        afterRead = undefined;
        if (hook) await hook();
        return found;
      };
      const identities = new Proxy(base, {
        get: (target, property) => {
          if (property === 'findIdentity') return findIdentity;
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      }) as IdentityStore;
      const seen: Repository = { objects: repo.objects, runtime: repo.runtime, profiles: repo.profiles, provisioning: repo.provisioning, identities, access: repo.access, notifications: repo.notifications, hr: repo.hr, audit: repo.audit, kind: repo.kind, location: repo.location, close: () => repo.close() };
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

    it('plans a Persist that follows a draft in the same advance against the draft, not against what is stored', async () => {
      const launched = await engine.launch({ definition: 'Quick_Hire', launcher: 'alice', mode: 'sync', variables: { changes: { Login: 'quick', LastName: 'Hire', Resources: { Add: ['directory'] } } } });
      const done = await engine.decide({ workItemId: launched.workItems[0]!.id, decision: 'Execute', actor: 'alice' });
      assert.equal(done.instance.state, 'finished');
      assert.equal(done.instance.result?.outcome, 'completed');
      const quick = (await repo.identities.findIdentity('quick'))!;
      assert.deepEqual([quick.identity.state, quick.identity.revision], ['active', 2], 'one identity, drafted then committed');
      assert.deepEqual(quick.records.map((r) => r.draft), [false]);
      assert.equal(await orderCount(quick.identity.id), 1);
    });

    it('applies a record dated in the future in a worker round once its date has come', async () => {
      const write = await planChangeSet(
        repo.identities,
        readNetwrixChangeSet({ Login: 'promoted', LastName: 'Soon', Resources: { Add: ['directory'] }, Records: [{ PositionStartDate: new Date(T0 - 86_400_000).toISOString(), Title: 'Lead' }] }),
        { now: T0 - 10 * 86_400_000, idempotencyKey: 'hr-feed:promoted', instanceId: null, mode: 'persist', provisioning: true },
      );
      assert.deepEqual(await repo.identities.apply([write]), ['committed']);
      const ops = async () =>
        (await database.query<{ operation: string }>(repo, 'SELECT operation FROM provisioning_orders WHERE identity_id = ? ORDER BY account_seq', [write.identity.id])).map((o) => o.operation);
      assert.deepEqual(await ops(), ['create']);
      await engine.runWorkerOnce();
      assert.deepEqual(await ops(), ['create', 'update'], 'the worker applied the record on its date');
      assert.deepEqual((await repo.identities.dueRecords(T0, 10)).length, 0);
    });

    it('commits a step and its change set together or not at all, and never twice', async () => {
      const launched = await engine.launch({ definition: 'User_ChangeName', launcher: 'alice', subject: 'jdoe', mode: 'sync', variables: { changes: { LastName: 'Doe' } } });
      const row = (await repo.runtime.getInstance(launched.instance.id))!;
      const plan = () =>
        planChangeSet(repo.identities, readNetwrixChangeSet({ LastName: 'Atomic' }), {
          now: T0, idempotencyKey: `${row.id}:9:Persist:0`, instanceId: row.id, subject: 'jdoe', mode: 'persist', provisioning: true,
        });
      const jdoe = async () => (await repo.identities.findIdentity('jdoe'))!;
      const before = await jdoe();
      const orders = await orderCount(before.identity.id);
      const write = await plan();
      const next = { ...row, revision: row.revision + 1 };
      // The instance moved since: the change set is not written either.
      assert.deepEqual(await repo.runtime.commit([{ instance: next, expectedRevision: row.revision - 1, identity: [write] }]), ['conflict']);
      assert.equal((await jdoe()).identity.revision, before.identity.revision);
      // The identity moved since: the instance is not written either.
      const stale = { ...write, expectedRevision: write.expectedRevision! - 1 };
      assert.deepEqual(await repo.runtime.commit([{ instance: next, expectedRevision: row.revision, identity: [stale] }]), ['conflict']);
      assert.equal((await repo.runtime.getInstance(row.id))!.revision, row.revision);
      // Both current: both written; the same commit again (a retry whose answer was lost) writes nothing twice.
      assert.deepEqual(await repo.runtime.commit([{ instance: next, expectedRevision: row.revision, identity: [write] }]), ['committed']);
      assert.deepEqual(await repo.runtime.commit([{ instance: next, expectedRevision: row.revision, identity: [write] }]), ['conflict']);
      assert.equal((await jdoe()).identity.revision, before.identity.revision + 1);
      assert.equal(await orderCount(before.identity.id), orders + 1, 'one update ordered');
    });
  });
}
