/**
 * The store side of the lifecycle mechanics (docs/lifecycle.md) on both databases: birthright rules kept on
 * resources, what a Persist grants and what a move would remove, a leaver's assignments and the retention period.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseBirthrightRule } from '../../src/identity/birthright.js';
import type { ChangeSet } from '../../src/identity/change-set.js';
import type { ResourceKind } from '../../src/identity/identity-rows.js';
import { readNetwrixChangeSet } from '../../src/identity/netwrix-change-set.js';
import { removeEndedAssignments } from '../../src/identity/assignment-end-sweep.js';
import { planChangeSetWithBirthright, type PlanContext } from '../../src/identity/plan-change-set.js';
import { subjectKey } from '../../src/identity/subject-key.js';
import { hasErrorCode } from '../../src/errors.js';
import type { Repository } from '../../src/repository/repository.js';
import { DATABASES } from '../repository/repository-factory.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-12-07T09:00:00Z');

for (const database of DATABASES) {
  describe(`${database.name}: birthright and leavers in the identity store`, () => {
    let repo: Repository;
    let n = 0;
    const ctx = (over: Partial<PlanContext> = {}): PlanContext => ({ now: T0, idempotencyKey: `k${++n}`, instanceId: null, mode: 'persist', provisioning: true, ...over });
    const apply = async (changeSet: ChangeSet, over: Partial<PlanContext> = {}) => {
      const planned = await planChangeSetWithBirthright(repo.identities, changeSet, ctx(over));
      assert.deepEqual(await repo.identities.apply([planned.write]), ['committed']);
      return planned;
    };
    const held = async (login: string) => {
      const snap = (await repo.identities.findIdentity(login))!;
      return (await Promise.all(snap.assignments.map(async (a) => `${(await repo.identities.getResource(a.resourceId))!.name}:${a.source}`))).sort();
    };
    const put = (name: string, kind: ResourceKind, connector: string | null, targetKey: string | null, birthright: string | null) =>
      repo.identities.putResource({
        id: `res-${name}`, kind, name, nameKey: subjectKey(name), displayName: null, description: null, connector, targetKey, owners: [],
        birthright: parseBirthrightRule(birthright), createdAt: T0, updatedAt: T0,
      });

    before(async () => {
      repo = await database.open();
      await put('directory', 'application', 'ldap', null, 'all');
      await put('finance', 'group', 'ldap', 'cn=finance', '[{"department":["Finance"]},{"title":"Controller","organization":"Acme"}]');
      await put('sales', 'group', 'ldap', 'cn=sales', '[{"Department":"sales"}]');
      await put('wiki', 'application', null, null, null);
    });
    after(async () => {
      await repo.close();
    });

    it('keeps a resource\'s birthright rule and lists the resources that have one', async () => {
      assert.deepEqual((await repo.identities.getResource('finance'))!.birthright, [{ department: ['finance'] }, { title: ['controller'], organization: ['acme'] }]);
      assert.equal((await repo.identities.getResource('wiki'))!.birthright, null);
      assert.deepEqual((await repo.identities.birthrightResources()).map((r) => r.name), ['directory', 'finance', 'sales']);
      await put('wiki', 'application', null, null, 'none');
      assert.deepEqual((await repo.identities.birthrightResources()).map((r) => r.name), ['directory', 'finance', 'sales'], 'none means no rule');
    });

    it('refuses a rule that tests an attribute identities do not have, naming it', () => {
      assert.throws(() => parseBirthrightRule('[{"FristName":"x"}]'), (e) => hasErrorCode(e, 'BIRTHRIGHT_RULE_INVALID') && /FristName/.test((e as Error).message));
      assert.throws(() => parseBirthrightRule('[{"department":[]}]'), (e) => hasErrorCode(e, 'BIRTHRIGHT_RULE_INVALID'));
      assert.throws(() => parseBirthrightRule('department=Finance'), (e) => hasErrorCode(e, 'BIRTHRIGHT_RULE_INVALID'));
    });

    it('grants what the job grants when the identity is made, with its accounts and memberships ordered', async () => {
      const { write, birthright } = await apply(readNetwrixChangeSet({ Login: 'ann', LastName: 'A', Department: 'Finance' }));
      assert.deepEqual(birthright, { add: ['directory', 'finance'], remove: [] });
      assert.deepEqual(await held('ann'), ['directory:birthright', 'finance:birthright']);
      assert.deepEqual(write.orders!.map((o) => [o.operation, o.payload['group'] ?? null]), [['create', null], ['addMember', 'cn=finance']]);
    });

    it('grants nothing to a draft, and tells the draft what the Persist after it would do', async () => {
      const { write, birthright } = await apply(readNetwrixChangeSet({ Login: 'bea', LastName: 'B', Title: 'Controller', Organization: 'ACME' }), { mode: 'draft' });
      assert.deepEqual(birthright, { add: ['directory', 'finance'], remove: [] }, 'the preview of the Persist');
      assert.deepEqual(write.assignments, []);
      assert.deepEqual(write.orders, []);
    });

    it('adds what a move grants at once and reports, without removing it, what only the old job granted', async () => {
      const { birthright, write } = await apply(readNetwrixChangeSet({ Department: 'Sales' }), { subject: 'ann' });
      assert.deepEqual(birthright, { add: ['sales'], remove: ['finance'] });
      assert.deepEqual(await held('ann'), ['directory:birthright', 'finance:birthright', 'sales:birthright'], 'finance stays until a review removes it');
      assert.deepEqual(write.orders!.map((o) => [o.operation, o.payload['group'] ?? null]).filter(([op]) => op !== 'update'), [['addMember', 'cn=sales']]);
      await apply(readNetwrixChangeSet({ Resources: { Remove: ['finance'] } }), { subject: 'ann' });
      assert.deepEqual(await held('ann'), ['directory:birthright', 'sales:birthright']);
    });

    it('removes every assignment of a leaver whose date has come, and deletes the accounts after RetentionDays', async () => {
      const { write } = await apply(readNetwrixChangeSet({ EndDate: '2026-12-07', RetentionDays: 7 }), { subject: 'ann' });
      assert.deepEqual(await held('ann'), []);
      assert.equal(write.identity.state, 'ended');
      assert.deepEqual(write.orders!.map((o) => [o.operation, o.notBefore - T0]), [['removeMember', 0], ['disable', 0], ['delete', 7 * DAY]]);
      assert.deepEqual(
        write.assignments!.map((a) => [a.removedAt, a.validUntil]),
        [[T0, Date.parse('2026-12-07')], [T0, Date.parse('2026-12-07')]],
        'end dates set on every assignment, and every one removed',
      );
    });

    it('keeps a future leaver\'s assignments until the date, removes them on it, and disables on the date', async () => {
      await apply(readNetwrixChangeSet({ Login: 'cid', LastName: 'C', Department: 'Sales' }));
      const leaveAt = T0 + 10 * DAY;
      const { write } = await apply(readNetwrixChangeSet({ EndDate: new Date(leaveAt).toISOString().slice(0, 10) }), { subject: 'cid' });
      assert.equal(write.identity.state, 'active');
      assert.deepEqual(await held('cid'), ['directory:birthright', 'sales:birthright']);
      const live = await repo.identities.listAssignments({ identityId: write.identity.id });
      assert.ok(live.every((a) => a.validUntil === Date.parse(new Date(leaveAt).toISOString().slice(0, 10))));
      assert.deepEqual(write.orders!.map((o) => [o.operation, o.notBefore - T0]), [['disable', 10 * DAY - 9 * 3600_000], ['delete', 40 * DAY - 9 * 3600_000]]);
      assert.equal(await removeEndedAssignments(repo.identities, leaveAt - DAY, 100), 0, 'nothing ends the day before');
      assert.equal(await removeEndedAssignments(repo.identities, leaveAt, 100), 2, 'on the date, the worker\'s sweep removes both');
      assert.deepEqual(await held('cid'), []);
      const removals = await database.query<{ operation: string; payload: unknown }>(repo, "SELECT operation, payload FROM provisioning_orders WHERE identity_id = ? AND operation = 'removeMember'", [write.identity.id]);
      assert.deepEqual(removals.map((o) => (typeof o.payload === 'string' ? JSON.parse(o.payload) : o.payload)), [{ group: 'cn=sales' }], 'the membership is taken away');
      assert.equal(await removeEndedAssignments(repo.identities, leaveAt + DAY, 100), 0, 'a second round finds nothing');
    });

    it('refuses a RetentionDays that is not a whole number of days', () => {
      assert.throws(() => readNetwrixChangeSet({ EndDate: '2026-12-07', RetentionDays: 'soon' }), (e) => hasErrorCode(e, 'CHANGESET_TYPE_INVALID'));
      assert.equal(readNetwrixChangeSet({ RetentionDays: '90' }).retentionDays, 90);
    });
  });
}
