/**
 * Out of office over HTTP: a person declares their absence, the delegate finds the absent approver's new item in
 * their inbox and decides it, and the record keeps both names.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openHttpWorld, type HttpWorld } from './http-harness.js';

describe('out of office over HTTP', () => {
  let w: HttpWorld;
  before(async () => (w = await openHttpWorld()));
  after(() => w.close());

  it("routes an absent approver's new item to the delegate, who decides it with the original owner on record", async () => {
    const mona = await w.signIn('mona');
    const ada = await w.signIn('ada');
    const declared = await w.call(mona, 'PUT', '/api/v1/out-of-office/mona', { delegate: 'ada', note: 'conference' });
    assert.equal(declared.statusCode, 200, declared.body);
    const mine = (await w.call(mona, 'GET', '/api/v1/out-of-office')).json() as { items: { person: string; delegate: string; until: string | null }[] };
    assert.deepEqual(mine.items.map((a) => [a.person, a.delegate, a.until]), [['mona', 'ada', null]]);
    const asDelegate = (await w.call(ada, 'GET', '/api/v1/out-of-office')).json() as { items: { person: string }[] };
    assert.deepEqual(asDelegate.items.map((a) => a.person), ['mona'], 'the delegate sees whose work they hold');

    const launched = await w.engine.launch({ definition: 'Update User With Approval', launcher: 'hana', mode: 'sync', variables: { accountId: 'kim', changes: {}, approver: 'mona' } });
    const inbox = (await w.call(ada, 'GET', '/api/v1/workitems')).json() as { items: { id: string; owner: string; delegatedFrom?: string }[] };
    assert.deepEqual(inbox.items.map((i) => [i.id, i.owner, i.delegatedFrom]), [[launched.workItems[0]!.id, 'ada', 'mona']]);
    const decided = await w.call(ada, 'POST', `/api/v1/workitems/${launched.workItems[0]!.id}/decide`, { decision: 'approve' });
    assert.equal(decided.statusCode, 200, decided.body);
    const audit = (await w.call(ada, 'GET', `/api/v1/tasks/${launched.instance.id}/audit`)).json() as { items: { event: string; actor?: string; data?: Record<string, unknown> }[] };
    const decision = audit.items.find((e) => e.event === 'decision')!;
    assert.deepEqual([decision.actor, decision.data?.['delegatedFrom']], ['ada', 'mona']);

    assert.equal((await w.call(mona, 'DELETE', '/api/v1/out-of-office/mona')).statusCode, 200);
    const after = (await w.call(mona, 'GET', '/api/v1/out-of-office')).json() as { items: unknown[] };
    assert.deepEqual(after.items, []);
  });

  it('refuses a delegate who is the absent person and a period that ends before it starts', async () => {
    const hana = await w.signIn('hana');
    const self = await w.call(hana, 'PUT', '/api/v1/out-of-office/hana', { delegate: 'hana' });
    assert.equal(self.statusCode, 400, self.body);
    assert.equal((self.json() as { error: { code: string } }).error.code, 'OOO_DELEGATE_SELF');
    const reversed = await w.call(hana, 'PUT', '/api/v1/out-of-office/hana', { delegate: 'mona', from: '2031-01-02T00:00:00Z', until: '2031-01-01T00:00:00Z' });
    assert.equal((reversed.json() as { error: { code: string } }).error.code, 'OOO_PERIOD_INVALID');
  });
});
