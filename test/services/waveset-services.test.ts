import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { XValue } from '../../src/expression/env.js';
import { parseBirthrightRule } from '../../src/identity/birthright.js';
import { DATABASES } from '../repository/repository-factory.js';
import { JDOE, openWavesetWorld, STAFF_GROUP, type WavesetWorld } from './waveset-harness.js';

type Obj = Record<string, XValue>;
const obj = (v: XValue | undefined): Obj => v as Obj;

for (const database of DATABASES) {
  describe(`${database.name}: the Waveset user services, called from Waveset processes`, () => {
    let w: WavesetWorld;
    before(async () => {
      w = await openWavesetWorld(database);
      await w.seedUser('jdoe', JDOE);
      await w.seedUser('asmith', { records: [{ kind: 'personal', data: { firstName: 'Ann', lastName: 'Smith' } }] });
    });
    after(async () => w.close());

    it('getView returns the user view: accountId, global attributes, held resources and their accounts', async () => {
      const { result, error } = await w.call('getView', { viewId: 'User:JDoe' });
      assert.equal(error, null);
      const view = obj(result!['view']);
      const waveset = obj(view['waveset']);
      assert.equal(waveset['accountId'], 'jdoe');
      assert.equal(waveset['organization'], 'Finance');
      assert.equal(waveset['employeeId'], 'E-1');
      assert.equal(waveset['state'], 'active');
      assert.deepEqual(waveset['resources'], ['Directory', 'Staff']);
      assert.deepEqual(obj(view['global']), { firstname: 'Jane', lastname: 'Doe', email: 'jane.doe@example.org', title: 'Accountant', department: 'Finance' });
      const directory = obj(obj(view['accounts'])['Directory']);
      assert.equal(directory['connector'], 'ldap-main');
      assert.equal(directory['accountId'], 'jdoe');
      assert.equal(directory['state'], 'pending');
      assert.equal(directory['disabled'], false);
      assert.deepEqual(obj(obj(waveset['original'])['global']), obj(view['global']), 'the view remembers what it was read as');
    });

    it('getObject reads a user or a resource, and names the user it cannot find', async () => {
      const user = await w.call('getObject', { type: 'User', name: 'asmith' });
      assert.equal(obj(obj(user.result!['object'])['waveset'])['accountId'], 'asmith');
      const staff = await w.call('getObject', { type: 'Resource', name: 'staff' });
      assert.deepEqual(
        { name: obj(staff.result!['object'])['name'], kind: obj(staff.result!['object'])['kind'], targetKey: obj(staff.result!['object'])['targetKey'] },
        { name: 'Staff', kind: 'group', targetKey: STAFF_GROUP },
      );
      const viaOptions = await w.call('getObject', { options: { type: 'Resource', name: 'Wiki' } });
      assert.equal(obj(viaOptions.result!['object'])['name'], 'Wiki', 'arguments may come in options');
      const explicitWins = await w.call('getObject', { name: 'Staff', options: { type: 'Resource', name: 'Wiki' } });
      assert.equal(obj(explicitWins.result!['object'])['name'], 'Staff', 'an explicit argument wins over options');
      const missing = await w.call('getObject', { name: 'nobody' });
      assert.match(missing.error!, /^WAVESET_OBJECT_NOT_FOUND: no user nobody/);
      const role = await w.call('getObject', { type: 'Role', name: 'x' });
      assert.match(role.error!, /^WAVESET_OBJECT_TYPE_UNSUPPORTED: .*known: User, Resource/);
    });

    it('commitView of a new user creates the identity with its resources and orders its account and membership', async () => {
      const view = {
        waveset: { accountId: 'bnew', organization: 'Sales', resources: ['Directory', 'Staff', 'Badge'] },
        global: { firstname: 'Bea', lastname: 'New', title: 'Rep' },
      };
      const { result, error, instanceId } = await w.call('commitView', { view });
      assert.equal(error, null);
      assert.equal(result!['accountId'], 'bnew');
      const bnew = await w.user('bnew');
      assert.equal(bnew.identity.state, 'active');
      assert.equal(bnew.identity.organization, 'Sales');
      assert.equal(bnew.assignments.length, 3);
      const orders = await w.orders(instanceId);
      assert.deepEqual(
        orders.map((o) => `${o.operation} ${o.connector}`),
        ['create ldap-main', 'addMember ldap-main'],
      );
      assert.deepEqual(orders[0]!.payload['attributes'], { login: 'bnew', firstName: 'Bea', lastName: 'New', displayName: 'Bea New', title: 'Rep', organization: 'Sales' });
      assert.deepEqual(orders[1]!.payload, { group: STAFF_GROUP });
      const again = await w.call('commitView', { view });
      assert.match(again.error!, /^WAVESET_USER_EXISTS: /);
    });

    it('checks a user out, changes its title and checks it in: one update order with the title, the lock released', async () => {
      const { instance } = await w.engine.launch({ definition: 'WS Update Title', variables: { accountId: 'jdoe', title: 'Controller' }, launcher: 'alice' });
      assert.equal(instance.variables['error'], null);
      assert.equal(obj(instance.variables['result'])['unlocked'], true);
      const jdoe = await w.user('jdoe');
      const position = jdoe.records.filter((r) => r.kind === 'position' && r.supersededAt === null && !r.draft);
      assert.equal(position.at(-1)!.data['title'], 'Controller');
      const orders = await w.orders(instance.id);
      assert.deepEqual(orders.map((o) => [o.operation, o.connector, o.payload]), [['update', 'ldap-main', { attributes: { title: 'Controller' } }]]);
      assert.equal(await w.repository.runtime.subjectHolder('jdoe'), undefined, 'nobody holds jdoe after the check-in');
    });

    it('refuses a view naming an attribute a user does not have, names it, and applies nothing of it', async () => {
      const before = await w.user('asmith');
      const { result } = await w.call('getView', { accountId: 'asmith' });
      const view = obj(result!['view']);
      obj(view['global'])['frstname'] = 'Anne';
      obj(view['global'])['lastname'] = 'Smythe';
      const refused = await w.call('commitView', { view });
      assert.match(refused.error!, /^WAVESET_VIEW_ATTRIBUTE_UNKNOWN: view\.global\.frstname is no attribute of a user; did you mean global\.firstname\?/);
      const after = await w.user('asmith');
      assert.equal(after.identity.revision, before.identity.revision);
      assert.deepEqual(await w.orders(refused.instanceId), []);
    });

    it('refuses a view that changes what only the targets say (waveset.disabled, an account)', async () => {
      const { result } = await w.call('getView', { accountId: 'jdoe' });
      const view = obj(result!['view']);
      obj(view['waveset'])['disabled'] = true;
      const refused = await w.call('commitView', { view });
      assert.match(refused.error!, /^WAVESET_VIEW_READ_ONLY: view\.waveset\.disabled is read-only; disable, enable or delete a user with disableUser/);
      obj(view['waveset'])['disabled'] = false;
      obj(obj(obj(view['accounts'])['Directory']))['disabled'] = true;
      const refused2 = await w.call('commitView', { view });
      assert.match(refused2.error!, /^WAVESET_VIEW_READ_ONLY: view\.accounts\[Directory\]\.disabled is read-only/);
    });

    it('applies only what the workflow changed: a change made by someone else after the view was read is kept', async () => {
      const read = await w.call('getView', { accountId: 'asmith' });
      const view = obj(read.result!['view']);
      // Somebody else changes Ann's last name meanwhile.
      const other = await w.call('getView', { accountId: 'asmith' });
      const theirs = obj(other.result!['view']);
      obj(theirs['global'])['lastname'] = 'Smith-Jones';
      assert.equal((await w.call('commitView', { view: theirs })).error, null);
      // This workflow changes only her phone, from the view it read before.
      obj(view['global'])['phone'] = '+41 1';
      const mine = await w.call('commitView', { view });
      assert.equal(mine.error, null);
      const back = obj((await w.call('getView', { accountId: 'asmith' })).result!['view']);
      assert.equal(obj(back['global'])['lastname'], 'Smith-Jones');
      assert.equal(obj(back['global'])['phone'], '+41 1');
    });

    it('checkoutObject locks the user for its instance until it checks it in: others cannot check it out or launch on it', async () => {
      const holder = await w.engine.launch({ definition: 'WS Hold User', variables: { accountId: 'asmith' }, launcher: 'alice' });
      assert.equal(holder.instance.variables['checkoutError'], null);
      assert.equal(await w.repository.runtime.subjectHolder('asmith'), holder.instance.id);
      // A launch naming the checked-out user, however spelled, is refused before it runs (one update workflow per
      // identity, docs/decisions/one-workflow-per-subject.md); so is a service call launched on the user.
      await assert.rejects(
        w.engine.launch({ definition: 'WS Hold User', variables: { accountId: 'ASmith' }, launcher: 'bob' }),
        (e: Error & { code?: string; details?: { instanceId?: string } }) => e.code === 'SUBJECT_BUSY' && e.details?.instanceId === holder.instance.id,
      );
      await assert.rejects(w.call('disableUser', { accountId: 'asmith' }), (e: Error & { code?: string }) => e.code === 'SUBJECT_BUSY');
      // An operation that changes the user from an instance that does not name it (a user view built in the process)
      // is refused by the checkout itself.
      const disable = await w.call('disableUser', { name: 'asmith' });
      assert.match(disable.error!, /^WAVESET_OBJECT_LOCKED: user asmith is checked out by task instance/, 'a checked-out user is changed by its holder only');
      assert.deepEqual(await w.orders(disable.instanceId), []);
      assert.equal((await w.call('getView', { name: 'asmith' })).error, null, 'reading it is fine');
      await assert.rejects(
        w.engine.launch({ definition: 'WS Call', variables: { op: 'getView', accountId: 'asmith' }, subject: 'asmith', launcher: 'bob' }),
        (e: Error & { code?: string }) => e.code === 'SUBJECT_BUSY',
      );
      // The holder checks the user in: free again, while the holder goes on waiting.
      await w.engine.decide({ workItemId: holder.workItems[0]!.id, decision: 'approve', actor: 'Configurator' });
      const after = await w.engine.getTask(holder.instance.id);
      assert.equal(after.variables['error'], null);
      assert.deepEqual(after.position, ['Wait Again']);
      assert.equal(await w.repository.runtime.subjectHolder('asmith'), undefined);
      const third = await w.engine.launch({ definition: 'WS Hold User', variables: { accountId: 'asmith' }, launcher: 'carol' });
      assert.equal(third.instance.variables['checkoutError'], null);
      // unlockObject releases without changing anything.
      await w.engine.decide({ workItemId: third.workItems[0]!.id, decision: 'reject', actor: 'Configurator' });
      assert.equal((await w.engine.getTask(third.instance.id)).variables['error'], null);
      assert.equal(await w.repository.runtime.subjectHolder('asmith'), undefined);
      for (const task of [holder.instance.id, third.instance.id]) {
        const item = (await w.engine.listWorkItems({ instanceId: task, state: 'open' }))[0]!;
        await w.engine.decide({ workItemId: item.id, decision: 'approve', actor: 'Configurator' });
      }
    });

    it('a check-in that renames the user releases the lock on the login it was checked out under', async () => {
      await w.seedUser('grename', { records: [{ kind: 'personal', data: { firstName: 'Gil' } }] });
      const holder = await w.engine.launch({ definition: 'WS Hold User', variables: { accountId: 'grename', changes: { 'waveset.accountId': 'gnew' } }, launcher: 'alice' });
      assert.equal(await w.repository.runtime.subjectHolder('grename'), holder.instance.id);
      await w.engine.decide({ workItemId: holder.workItems[0]!.id, decision: 'approve', actor: 'Configurator' });
      const after = await w.engine.getTask(holder.instance.id);
      assert.equal(after.variables['error'], null);
      assert.deepEqual(after.position, ['Wait Again']);
      assert.equal(await w.repository.runtime.subjectHolder('grename'), undefined, 'the old login is free');
      // The instance changed gnew without being launched on anybody: it is gnew's update workflow until it ends.
      assert.equal(after.subject, 'gnew');
      assert.equal(await w.repository.runtime.subjectHolder('gnew'), holder.instance.id);
      const item = (await w.engine.listWorkItems({ instanceId: holder.instance.id, state: 'open' }))[0]!;
      await w.engine.decide({ workItemId: item.id, decision: 'approve', actor: 'Configurator' });
      assert.equal(await w.repository.runtime.subjectHolder('gnew'), undefined);
    });

    it('an instance working on a user may check that same user out and in, and keeps its own hold on it', async () => {
      const { instance } = await w.engine.launch({ definition: 'WS Update Title', variables: { accountId: 'asmith', title: 'Engineer' }, subject: 'asmith', launcher: 'alice' });
      assert.equal(instance.variables['error'], null);
      assert.equal(instance.state, 'finished');
      assert.equal(await w.repository.runtime.subjectHolder('asmith'), undefined, 'released with the end of the instance');
    });

    it('provision gives a user resources and orders the accounts they imply', async () => {
      await w.seedUser('cprov', { records: [{ kind: 'personal', data: { firstName: 'Cy', lastName: 'Prov' } }] });
      const { result, error, instanceId } = await w.call('provision', { accountId: 'cprov', resources: ['Wiki', 'Directory'] });
      assert.equal(error, null);
      assert.equal(result!['orders'], 2);
      const orders = await w.orders(instanceId);
      assert.deepEqual(orders.map((o) => `${o.operation} ${o.connector}`), ['create ldap-main', 'create scim-wiki']);
      assert.deepEqual((await w.user('cprov')).accounts.map((a) => `${a.connector}:${a.state}`).sort(), ['ldap-main:pending', 'scim-wiki:pending']);
      const none = await w.call('provision', { accountId: 'cprov' });
      assert.match(none.error!, /^WAVESET_ARGUMENT_MISSING: provision needs a view/);
      const unknown = await w.call('provision', { accountId: 'cprov', resources: ['Nothing'] });
      assert.match(unknown.error!, /^CHANGESET_RESOURCE_UNKNOWN: /);
    });

    it('reProvision sends every account the user holds its current attributes', async () => {
      const { error, instanceId } = await w.call('reProvision', { accountId: 'jdoe' });
      assert.equal(error, null);
      const orders = await w.orders(instanceId);
      assert.deepEqual(orders.map((o) => `${o.operation} ${o.connector}`), ['update ldap-main']);
      const attributes = orders[0]!.payload['attributes'] as Record<string, unknown>;
      assert.equal(attributes['firstName'], 'Jane');
      assert.equal(attributes['employeeId'], 'E-1');
      assert.equal(attributes['login'], undefined, 'the login changes by rename only');
    });

    it('disableUser, enableUser and deprovision order what each says on every account, and the identity stays', async () => {
      await w.seedUser('dmove', { records: [{ kind: 'personal', data: { firstName: 'Dee' } }], resources: { add: [{ resource: 'Directory' }, { resource: 'Staff' }, { resource: 'Wiki' }] } });
      const disabled = await w.call('disableUser', { accountId: 'dmove' });
      assert.equal(disabled.error, null);
      assert.deepEqual((await w.orders(disabled.instanceId)).map((o) => `${o.operation} ${o.connector}`), ['disable ldap-main', 'disable scim-wiki']);
      const enabled = await w.call('enableUser', { accountId: 'dmove' });
      assert.equal(enabled.result!['orders'], 0, 'nothing is disabled yet on the targets (the orders have not run)');
      const removed = await w.call('deprovision', { accountId: 'dmove', resources: 'Staff' });
      assert.equal(removed.error, null);
      assert.deepEqual((await w.orders(removed.instanceId)).map((o) => [o.operation, o.payload]), [['removeMember', { group: STAFF_GROUP }]]);
      assert.deepEqual(obj(obj((await w.call('getView', { accountId: 'dmove' })).result!['view'])['waveset'])['resources'], ['Directory', 'Wiki']);
      const wiki = await w.call('deprovision', { accountId: 'dmove', resources: ['Wiki'] });
      assert.deepEqual(
        (await w.orders(wiki.instanceId)).map((o) => `${o.operation} ${o.connector}`),
        ['disable scim-wiki', 'delete scim-wiki'],
        'the account no resource needs any more is deleted',
      );
      const all = await w.call('deprovision', { accountId: 'dmove' });
      assert.deepEqual((await w.orders(all.instanceId)).map((o) => `${o.operation} ${o.connector}`), ['delete ldap-main', 'delete scim-wiki']);
      const dmove = await w.user('dmove');
      assert.equal(dmove.identity.state, 'active');
      assert.deepEqual(dmove.assignments, []);
    });

    it('a user whose accounts are disabled stays disabled when its view is committed; enableUser enables it', async () => {
      const seeded = await w.seedUser('hdis', { records: [{ kind: 'personal', data: { firstName: 'Hal' } }], resources: { add: [{ resource: 'Directory' }] } });
      // The provisioning worker carried out a disableUser: the account is disabled on its target.
      const disabled = { ...seeded.accounts[0]!, targetKey: 'uid=hdis,ou=people,dc=example,dc=org', state: 'disabled' as const, updatedAt: w.now() };
      const write = { identity: { ...seeded.identity, revision: seeded.identity.revision + 1, updatedAt: w.now() }, expectedRevision: seeded.identity.revision, accounts: [disabled], at: w.now() };
      assert.deepEqual(await w.repository.identities.apply([write]), ['committed']);
      const view = obj((await w.call('getView', { accountId: 'hdis' })).result!['view']);
      assert.equal(obj(view['waveset'])['disabled'], true);
      obj(view['global'])['title'] = 'Clerk';
      const committed = await w.call('commitView', { view });
      assert.equal(committed.error, null);
      assert.deepEqual((await w.orders(committed.instanceId)).map((o) => o.operation), ['update'], 'no enable: the user stays disabled');
      const enabled = await w.call('enableUser', { accountId: 'hdis' });
      assert.deepEqual((await w.orders(enabled.instanceId)).map((o) => `${o.operation} ${o.connector}`), ['enable ldap-main']);
    });

    it('deleteUser deletes every account, takes every resource away and ends the identity, keeping its history', async () => {
      await w.seedUser('egone', { records: [{ kind: 'personal', data: { firstName: 'Ed' } }], resources: { add: [{ resource: 'Directory' }, { resource: 'Wiki' }] } });
      const { error, instanceId } = await w.call('deleteUser', { accountId: 'egone' });
      assert.equal(error, null);
      assert.deepEqual((await w.orders(instanceId)).map((o) => `${o.operation} ${o.connector}`), ['delete ldap-main', 'delete scim-wiki']);
      const egone = await w.user('egone');
      assert.equal(egone.identity.state, 'ended');
      assert.deepEqual(egone.assignments, []);
      assert.equal(egone.records.length > 0, true);
    });

    it('birthright lists what the rules on the resources grant: to the attributes given, to a view, to a stored user', async () => {
      const share = await w.repository.identities.getResource('Badge');
      await w.repository.identities.putResource({ ...share!, birthright: parseBirthrightRule('[{"department":"Finance"},{"title":"Controller"}]') });
      const byArgs = await w.call('birthright', { options: { department: 'finance' } });
      assert.deepEqual(byArgs.result, { resources: ['Badge'], count: 1 });
      const none = await w.call('birthright', { options: { department: 'Sales', organization: 'Finance' } });
      assert.deepEqual(none.result, { resources: [], count: 0 }, 'an organization named Finance is not the Finance department');
      await w.seedUser('bview', { records: [{ kind: 'personal', data: { firstName: 'Bea' } }] });
      const view = obj((await w.call('getView', { accountId: 'bview' })).result!['view']);
      obj(view['global'])['title'] = 'Controller';
      assert.deepEqual((await w.call('birthright', { view })).result!['resources'], ['Badge']);
      assert.deepEqual((await w.call('birthright', { accountId: 'jdoe' })).result!['resources'], ['Badge'], 'jdoe works in Finance');
      assert.deepEqual((await w.call('birthright', { accountId: 'jdoe', options: { department: 'Sales', title: 'Clerk' } })).result!['resources'], [], 'arguments win over the stored user');
      const missing = await w.call('birthright', { accountId: 'nobody' });
      assert.match(missing.error!, /^WAVESET_OBJECT_NOT_FOUND: no user nobody/);
      await w.repository.identities.putResource({ ...share!, birthright: null });
    });

    it('renaming through waveset.accountId renames the identity and orders a rename of its account', async () => {
      await w.seedUser('fold', { records: [{ kind: 'personal', data: { firstName: 'Flo' } }], resources: { add: [{ resource: 'Directory' }] } });
      const view = obj((await w.call('getView', { accountId: 'fold' })).result!['view']);
      obj(view['waveset'])['accountId'] = 'fnew';
      const { error, instanceId } = await w.call('commitView', { view });
      assert.equal(error, null);
      assert.equal((await w.user('fnew')).identity.login, 'fnew');
      assert.deepEqual((await w.orders(instanceId)).map((o) => [o.operation, o.payload['newLogin']]), [['rename', 'fnew']]);
    });

    it('queryObjects lists users by state and organization, and resources by kind', async () => {
      const finance = await w.call('queryObjects', { type: 'User', conditions: { organization: 'Finance' } });
      assert.deepEqual(finance.result!['objects'], ['jdoe']);
      const groups = await w.call('queryObjects', { type: 'Resource', conditions: { kind: 'group' }, details: true });
      assert.deepEqual((groups.result!['objects'] as Obj[]).map((o) => [o['name'], o['targetKey']]), [['Staff', STAFF_GROUP]]);
      const bad = await w.call('queryObjects', { conditions: { state: 'sleeping' } });
      assert.match(bad.error!, /^WAVESET_ARGUMENT_INVALID: queryObjects: state must be draft, active or ended/);
    });
  });
}
