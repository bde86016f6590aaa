/**
 * The form of the default Waveset `Create User` (config/default/waveset-create-user.xml) through the engine, without
 * targets: what goes back to the requester, and the paths that end before anything is written (the end-to-end test
 * against slapd and SCIM is test/services/waveset-lifecycle-e2e.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import { DATABASES } from '../repository/repository-factory.js';
import { openWavesetWorld, type WavesetWorld } from './waveset-harness.js';

const DEFAULTS = ['waveset-create-user.xml', 'waveset-approval.xml'].map((f) => fileURLToPath(new URL(`../../config/default/${f}`, import.meta.url)));

describe('the form of the Waveset Create User', () => {
  let w: WavesetWorld;
  before(async () => {
    w = await openWavesetWorld(DATABASES[0]!);
    const loaded = await loadDefinitionFiles(DEFAULTS);
    assert.deepEqual(loaded.diagnostics.map((d) => d.message), []);
    await w.repository.objects.putMany(loaded.objects);
    await w.seedUser('mgr', { records: [{ kind: 'personal', data: { firstName: 'Mary' } }] });
  });
  after(async () => w.close());

  it('sends the form back to the requester while the manager it names does not exist, and goes on once it does', async () => {
    const launched = await w.engine.launch({
      definition: 'Create User',
      variables: { accountId: 'nnew', firstname: 'Nina', lastname: 'New', idmManager: 'nobody' },
      launcher: 'alice',
      mode: 'sync',
    });
    const [form] = launched.workItems;
    assert.equal(form?.owner, 'alice');
    assert.match(String(form.request), /idmManager \(no user nobody\)/);
    const fixed = await w.engine.decide({ workItemId: form.id, decision: 'submit', actor: 'alice', variables: { idmManager: 'mgr' } });
    assert.deepEqual(fixed.workItems.map((i) => i.owner), ['mgr'], 'the form is complete: the manager is asked');
  });

  it('ends cancelled, writing nothing, when the requester gives the form up', async () => {
    const launched = await w.engine.launch({ definition: 'Create User', variables: { accountId: 'ggone' }, launcher: 'alice', mode: 'sync' });
    const [form] = launched.workItems;
    assert.match(String(form?.request), /firstname, lastname/);
    await w.engine.decide({ workItemId: form!.id, decision: 'submit', actor: 'alice', variables: { cancel: true } });
    const done = await w.engine.getTask(launched.instance.id);
    assert.equal(done.state, 'finished');
    assert.equal(done.result?.outputs['status'], 'cancelled');
    assert.equal(await w.repository.identities.findIdentity('ggone'), undefined);
  });

  it('fails with the reason when the form names no manager and nobody holds the Administrator profile', async () => {
    const launched = await w.engine.launch({ definition: 'Create User', variables: { accountId: 'cto', firstname: 'Cleo', lastname: 'Tech' }, launcher: 'alice', mode: 'sync' });
    const done = await w.engine.getTask(launched.instance.id);
    assert.equal(done.result?.outputs['status'], 'failed');
    assert.match(String(done.result?.outputs['error']), /^APPROVAL_NO_APPROVER/);
    assert.equal(await w.repository.identities.findIdentity('cto'), undefined);
  });

  it('asks the holders of the Administrator profile when the form names no manager', async () => {
    await w.repository.profiles.assign('root', ['Administrator'], 'test', w.now());
    const launched = await w.engine.launch({ definition: 'Create User', variables: { accountId: 'ceo', firstname: 'Carl', lastname: 'Chief' }, launcher: 'alice', mode: 'sync' });
    const [approval] = launched.workItems;
    assert.equal(approval?.owner, 'root');
  });
});
