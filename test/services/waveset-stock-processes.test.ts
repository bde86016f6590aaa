import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DATABASES } from '../repository/repository-factory.js';
import { JDOE, openWavesetWorld, type WavesetWorld } from './waveset-harness.js';

describe('the stock Waveset processes on the identity store', () => {
  let w: WavesetWorld;
  before(async () => {
    w = await openWavesetWorld(DATABASES[0]!);
    await w.seedUser('jdoe', JDOE);
  });
  after(async () => w.close());

  it('"Update User With Approval" applies its changes when approved: the record changes and the account gets an update', async () => {
    const launched = await w.engine.launch({
      definition: 'Update User With Approval',
      variables: { accountId: 'jdoe', changes: { department: 'Sales', 'global.title': 'Lead' }, approver: 'carol' },
      subject: 'jdoe',
      launcher: 'alice',
      mode: 'sync',
    });
    const item = launched.workItems[0]!;
    await w.engine.decide({ workItemId: item.id, decision: 'approve', actor: 'carol', variables: { comment: 'fine' } });
    const done = await w.engine.getTask(launched.instance.id);
    assert.equal(done.state, 'finished');
    assert.deepEqual(done.result?.outputs, { approvalComment: 'fine', status: 'approved', error: null });
    const view = (await w.call('getView', { accountId: 'jdoe' })).result!['view'] as { global: Record<string, unknown> };
    assert.equal(view.global['department'], 'Sales');
    assert.equal(view.global['title'], 'Lead');
    const orders = await w.orders(launched.instance.id);
    assert.deepEqual(orders.map((o) => [o.operation, o.connector, o.payload]), [['update', 'ldap-main', { attributes: { department: 'Sales', title: 'Lead' } }]]);
  });

  it('"Update User With Approval" changes nothing when rejected', async () => {
    const before = await w.user('jdoe');
    const launched = await w.engine.launch({
      definition: 'Update User With Approval',
      variables: { accountId: 'jdoe', changes: { department: 'Legal' }, approver: 'carol' },
      launcher: 'alice',
      mode: 'sync',
    });
    await w.engine.decide({ workItemId: launched.workItems[0]!.id, decision: 'reject', actor: 'carol' });
    const done = await w.engine.getTask(launched.instance.id);
    assert.equal(done.result?.outputs['status'], 'rejected');
    assert.equal((await w.user('jdoe')).identity.revision, before.identity.revision);
    assert.deepEqual(await w.orders(launched.instance.id), []);
  });

  it('"Update User With Approval" fails with the error when the changes name an attribute a user does not have, and applies none of them', async () => {
    const before = await w.user('jdoe');
    const launched = await w.engine.launch({
      definition: 'Update User With Approval',
      variables: { accountId: 'jdoe', changes: { department: 'Legal', shoeSize: 44 }, approver: 'carol' },
      launcher: 'alice',
      mode: 'sync',
    });
    await w.engine.decide({ workItemId: launched.workItems[0]!.id, decision: 'approve', actor: 'carol' });
    const done = await w.engine.getTask(launched.instance.id);
    assert.equal(done.result?.outputs['status'], 'failed');
    assert.match(String(done.result?.outputs['error']), /^WAVESET_VIEW_ATTRIBUTE_UNKNOWN: changes\.shoeSize names no attribute of a user view/);
    assert.equal((await w.user('jdoe')).identity.revision, before.identity.revision);
    assert.equal(await w.repository.runtime.subjectHolder('jdoe'), undefined, 'the checkout ends with the instance');
  });

  it('the stock Provision subprocess runs the op it is given on the user and returns its result', async () => {
    const { instance } = await w.engine.launch({ definition: 'WS Call', variables: { op: 'provision', accountId: 'jdoe', resources: ['Wiki'] }, launcher: 'alice' });
    assert.equal(instance.variables['error'], null);
    // Now through the stock subprocess, as real workflows call it.
    const caller = await w.engine.launch({ definition: 'WS Reprovision', variables: { accountId: 'jdoe' }, launcher: 'alice' });
    assert.equal(caller.instance.variables['provisionError'], null);
    const result = caller.instance.variables['provisionResult'] as Record<string, unknown>;
    assert.deepEqual(result['operations'], ['update ldap-main', 'update scim-wiki']);
    const failing = await w.engine.launch({ definition: 'WS Reprovision', variables: { accountId: 'nobody' }, launcher: 'alice' });
    assert.match(String(failing.instance.variables['provisionError']), /^WAVESET_OBJECT_NOT_FOUND: no user nobody/);
  });
});
