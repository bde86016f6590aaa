/**
 * My Tasks and approvals (docs/approvals.md, docs/console.md): an approval item shows how far its approval is
 * ("1 of 3 approved"), in the list and on the item, read from the instance's audit record; an "any" approval says
 * that one answer decides; the due date of an item with a timeout is shown.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import type { XValue } from '../../src/expression/env.js';
import { openHttpWorld, type HttpWorld, type Signed } from '../http/http-harness.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/engine/approvals.xml', import.meta.url));
const STOCK_APPROVAL = fileURLToPath(new URL('../../config/default/waveset-approval.xml', import.meta.url));

describe('approval progress in My Tasks', () => {
  let w: HttpWorld;
  let mona: Signed;
  let hana: Signed;

  before(async () => {
    w = await openHttpWorld();
    const loaded = await loadDefinitionFiles([FIXTURE, STOCK_APPROVAL]);
    assert.deepEqual(loaded.diagnostics.filter((d) => d.severity === 'error'), []);
    await w.repository.objects.putMany(loaded.objects);
    mona = await w.signIn('mona');
    hana = await w.signIn('hana');
  });
  after(() => w.close());

  const get = (as: Signed, url: string) => w.app.inject({ method: 'GET', url, headers: { cookie: as.cookie } });
  async function request(variables: Record<string, XValue>): Promise<string> {
    const { instance } = await w.engine.launch({ definition: 'Access Request', launcher: 'carol', variables: { accountId: 'sam', ...variables } });
    await w.engine.runWorkerOnce();
    return instance.id;
  }
  async function itemOf(instanceId: string, owner: string): Promise<string> {
    const item = (await w.engine.listWorkItems({ instanceId, state: 'open' })).find((i) => i.owner === owner);
    assert.ok(item, `${owner} holds an open item of ${instanceId}`);
    return item.id;
  }

  it('counts the approvals of a parallel approval in My Tasks and on the item', async () => {
    const id = await request({ scheme: 'person:mona,person:hana,person:ada', mode: 'parallel' });
    const monaItem = await itemOf(id, 'mona');
    assert.match((await get(mona, '/inbox')).body, /0 of 3 approved \(parallel\)/);
    await w.engine.decide({ workItemId: await itemOf(id, 'hana'), decision: 'approve', actor: 'hana' });
    await w.engine.runWorkerOnce();
    assert.match((await get(mona, '/inbox')).body, /1 of 3 approved \(parallel\)/);
    const page = await get(mona, `/inbox/${monaItem}`);
    assert.match(page.body, /<dd id="approval-progress">1 of 3 approved \(parallel\)<\/dd>/);
    await w.engine.decide({ workItemId: await itemOf(id, 'ada'), decision: 'approve', actor: 'ada' });
    await w.engine.decide({ workItemId: monaItem, decision: 'approve', actor: 'mona' });
    await w.engine.runWorkerOnce();
    const done = await get(mona, `/inbox/${monaItem}`);
    assert.match(done.body, /<dd id="approval-progress">3 of 3 approved \(parallel\), complete<\/dd>/);
  });

  it('says that one answer decides an "any" approval, and shows no count on items that are no approval', async () => {
    const id = await request({ scheme: 'person:mona,person:hana' });
    assert.match((await get(mona, `/inbox/${await itemOf(id, 'mona')}`)).body, /any one of 2 approvers decides/);
    const onboarding = await w.engine.launch({ definition: 'User_Onboarding', launcher: 'hana', mode: 'sync' });
    const own = await get(hana, `/inbox/${onboarding.workItems[0]!.id}`);
    assert.equal(own.statusCode, 200);
    assert.doesNotMatch(own.body, /approval-progress/);
  });

  it('shows the due date of an approval with a timeout', async () => {
    const id = await request({ scheme: 'person:mona', timeout: 3600 });
    const item = (await w.engine.listWorkItems({ instanceId: id, state: 'open' }))[0]!;
    assert.ok(item.dueAt, `the item has a due date: ${JSON.stringify(item)}`);
    const shown = item.dueAt.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
    assert.ok((await get(mona, '/inbox')).body.includes(shown), `My Tasks shows ${shown}`);
    assert.ok((await get(mona, `/inbox/${item.id}`)).body.includes(shown));
  });
});
