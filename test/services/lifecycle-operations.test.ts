/**
 * The lifecycle operations a Waveset workflow calls (docs/waveset-services.md): `birthrightDelta` shows what a change
 * would grant and take away by birthright without writing anything; `offboardUser` does what the Netwrix offboarding's
 * Persist does. Both databases, from a Waveset process.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseBirthrightRule } from '../../src/identity/birthright.js';
import { subjectKey } from '../../src/identity/subject-key.js';
import { DATABASES } from '../repository/repository-factory.js';
import { JDOE, openWavesetWorld, STAFF_GROUP, type WavesetWorld } from './waveset-harness.js';

const DAY = 86_400_000;

for (const database of DATABASES) {
  describe(`${database.name}: the lifecycle operations from a Waveset workflow`, () => {
    let w: WavesetWorld;
    before(async () => {
      w = await openWavesetWorld(database);
      const now = w.now();
      await w.repository.identities.putResource({
        id: 'res-finance-share', kind: 'group', name: 'Finance-Share', nameKey: subjectKey('Finance-Share'), displayName: null, description: null,
        connector: 'ldap-main', targetKey: 'cn=finance,ou=groups,dc=example,dc=org', owners: [], birthright: parseBirthrightRule('[{"department":"Finance"}]'), createdAt: now, updatedAt: now,
      });
      await w.repository.identities.putResource({
        id: 'res-sales-crm', kind: 'application', name: 'Sales-CRM', nameKey: subjectKey('Sales-CRM'), displayName: null, description: null,
        connector: 'scim-wiki', targetKey: null, owners: [], birthright: parseBirthrightRule('[{"department":"Sales"}]'), createdAt: now, updatedAt: now,
      });
      await w.seedUser('boss', { records: [{ kind: 'personal', data: { lastName: 'Boss' } }] });
      await w.seedUser('jdoe', { ...JDOE, manager: 'boss' });
    });
    after(async () => {
      await w.close();
    });

    it('shows what a move to Sales would grant and take away, and writes nothing', async () => {
      const before = await w.user('jdoe');
      const { result, error } = await w.call('birthrightDelta', { accountId: 'jdoe', changes: { Department: 'Sales' } });
      assert.equal(error, null);
      assert.deepEqual(result, { add: ['Sales-CRM'], remove: ['Finance-Share'] });
      assert.equal((await w.user('jdoe')).identity.revision, before.identity.revision, 'nothing written');
    });

    it('refuses a user who does not exist, with its code', async () => {
      const { error } = await w.call('birthrightDelta', { accountId: 'nobody' });
      assert.match(error ?? '', /^IDENTITY_NOT_FOUND/);
    });

    it('offboards jdoe: assignments removed, accounts disabled now and deleted after the retention, the manager told', async () => {
      const { result, error, instanceId } = await w.call('offboardUser', { accountId: 'jdoe', options: { retentionDays: 10 } });
      assert.equal(error, null);
      assert.equal(result?.['state'], 'ended');
      assert.deepEqual((await w.user('jdoe')).assignments, []);
      const orders = await w.orders(instanceId);
      const deletes = orders.filter((o) => o.operation === 'delete');
      assert.ok(deletes.length > 0 && deletes.every((o) => o.not_before === w.now() + 10 * DAY), 'deleted 10 days later');
      assert.ok(orders.some((o) => o.operation === 'removeMember' && o.payload['group'] === STAFF_GROUP), 'the memberships are taken away');
      const told = await w.repository.notifications.list({ instanceId });
      assert.deepEqual(told.map((n) => n.recipients), [['boss']]);
    });
  });
}
