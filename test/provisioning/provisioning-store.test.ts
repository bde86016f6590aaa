/**
 * The provisioning store contract (src/repository/provisioning-store.ts), on SQLite and PostgreSQL: orders
 * enqueued once, claimed under leases in database time (a fake clock the test moves), one account's orders in
 * their order, settled with their account, assignment and audit.
 *
 * Identities and assignments are written with plain SQL until the identity store lands: these tests are about
 * what the provisioning store does to them.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { NewProvisioningOrder } from '../../src/provisioning/provisioning-order.js';
import type { Repository } from '../../src/repository/repository.js';
import { DATABASES } from '../repository/repository-factory.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

let serial = 0;
function order(identityId: string, connector: string, over: Partial<NewProvisioningOrder> = {}): NewProvisioningOrder {
  const n = ++serial;
  return {
    id: `o${String(n).padStart(4, '0')}`,
    identityId,
    connector,
    operation: 'create',
    payload: { attributes: { login: identityId, firstName: 'Jane', lastName: 'Doe' } },
    idempotencyKey: `key-${n}`,
    createdAt: T0 + n,
    notBefore: T0,
    ...over,
  };
}

for (const database of DATABASES) {
  describe(`${database.name}: provisioning store`, () => {
    let repo: Repository;
    let clock = T0;
    // Writes say RETURNING so that the factory's raw query (which reads rows) takes them on both databases.
    const sql = <R = Record<string, unknown>>(text: string, params: readonly unknown[] = []): Promise<R[]> =>
      database.query<R>(repo, /^\s*(INSERT|DELETE|UPDATE)/i.test(text) ? `${text} RETURNING 1` : text, params);

    before(async () => {
      repo = await database.open({ databaseClock: () => clock });
    });
    after(async () => {
      await repo.close();
    });
    beforeEach(async () => {
      clock = T0;
      await sql('DELETE FROM provisioning_orders');
      await sql('DELETE FROM accounts');
      await sql('DELETE FROM assignments');
      await sql('DELETE FROM resources');
      await sql('DELETE FROM identities');
      await sql('DELETE FROM audit_events');
    });

    async function identity(id: string): Promise<void> {
      await sql('INSERT INTO identities (id, login, login_key, state, revision, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)', [id, id, id, 'active', T0, T0]);
    }

    it('writes an order once: a replayed step with the same idempotency key writes nothing more', async () => {
      const first = order('jdoe', 'ldap');
      assert.deepEqual(await repo.provisioning.enqueue([first]), [first.id]);
      assert.deepEqual(await repo.provisioning.enqueue([{ ...first, id: 'other-id' }]), []);
      const stored = await repo.provisioning.get(first.id);
      assert.equal(stored?.state, 'pending');
      assert.equal(stored?.accountSeq, 1);
      assert.deepEqual(stored?.payload, first.payload);
      assert.equal(await repo.provisioning.get('other-id'), undefined);
    });

    it('numbers the orders of one account in the order they were written, apart per connector', async () => {
      const ids = await repo.provisioning.enqueue([order('jdoe', 'ldap'), order('jdoe', 'ldap', { operation: 'disable', payload: {} }), order('jdoe', 'scim')]);
      await repo.provisioning.enqueue([order('jdoe', 'ldap', { operation: 'delete', payload: {} })]);
      const seqs = (await repo.provisioning.list()).map((o) => `${o.connector}:${o.operation}:${o.accountSeq}`);
      assert.equal(ids.length, 3);
      assert.deepEqual(seqs, ['ldap:create:1', 'ldap:disable:2', 'scim:create:1', 'ldap:delete:3']);
    });

    it('claims due orders under a lease and marks them transmitted; orders due later wait', async () => {
      const due = order('jdoe', 'ldap');
      const later = order('ann', 'ldap', { notBefore: T0 + 60_000 });
      await repo.provisioning.enqueue([due, later]);
      const claimed = await repo.provisioning.claim('w1', T0, 30_000, 10);
      assert.deepEqual(claimed.map((o) => o.id), [due.id]);
      assert.equal(claimed[0]!.state, 'transmitted');
      assert.equal(claimed[0]!.attempts, 1);
      assert.equal(claimed[0]!.leaseOwner, 'w1');
      assert.equal(claimed[0]!.leaseUntil, T0 + 30_000);
      assert.deepEqual(await repo.provisioning.claim('w2', T0, 30_000, 10), [], 'a held order is nobody else’s');
      assert.deepEqual((await repo.provisioning.claim('w2', T0 + 60_000, 30_000, 10)).map((o) => o.id), [later.id]);
    });

    it('never claims an order while an earlier one of the same account is unfinished', async () => {
      const create = order('jdoe', 'ldap');
      const disable = order('jdoe', 'ldap', { operation: 'disable', payload: {} });
      const other = order('jdoe', 'scim');
      await repo.provisioning.enqueue([create, disable, other]);
      assert.deepEqual((await repo.provisioning.claim('w1', T0, 30_000, 10)).map((o) => o.id).sort(), [create.id, other.id].sort());
      assert.deepEqual(await repo.provisioning.claim('w1', T0, 30_000, 10), [], 'the disable waits while the create is transmitted');
      await repo.provisioning.fail('w1', create.id, { errorCode: 'CONNECTOR_REJECTED', message: 'no' }, T0);
      assert.deepEqual(await repo.provisioning.claim('w1', T0, 30_000, 10), [], 'and while it is in error');
      await repo.provisioning.cancel(create.id, 'admin', T0);
      assert.deepEqual((await repo.provisioning.claim('w1', T0, 30_000, 10)).map((o) => o.id), [disable.id], 'a cancelled order lets the next go');
    });

    it('gives a claimed order the account key its create stored', async () => {
      await identity('jdoe');
      const create = order('jdoe', 'ldap');
      const rename = order('jdoe', 'ldap', { operation: 'rename', payload: { newLogin: 'jsmith' } });
      await repo.provisioning.enqueue([create, rename]);
      const [c] = await repo.provisioning.claim('w1', T0, 30_000, 10);
      assert.equal(c!.accountKey, null);
      assert.equal(await repo.provisioning.complete('w1', create.id, { key: 'uid=jdoe,ou=people,dc=example,dc=org', outcome: 'created' }, T0 + 5), true);
      const [r] = await repo.provisioning.claim('w1', T0 + 10, 30_000, 10);
      assert.equal(r!.id, rename.id);
      assert.equal(r!.accountKey, 'uid=jdoe,ou=people,dc=example,dc=org');
      await repo.provisioning.complete('w1', rename.id, { key: 'uid=jsmith,ou=people,dc=example,dc=org', outcome: 'changed' }, T0 + 20);
      const [account] = await sql<{ target_key: string; login: string; state: string }>('SELECT target_key, login, state FROM accounts WHERE identity_id = ?', ['jdoe']);
      assert.deepEqual({ ...account }, { target_key: 'uid=jsmith,ou=people,dc=example,dc=org', login: 'jsmith', state: 'active' });
      const [person] = await sql<{ revision: number }>('SELECT revision FROM identities WHERE id = ?', ['jdoe']);
      assert.equal(Number(person!.revision), 3, 'each account change moves the identity’s revision, so a change set planned before it replays');
    });

    it('settles an executed order: its result, the assignment and an audit event, and the account state after a disable', async () => {
      await identity('jdoe');
      await sql("INSERT INTO resources (id, kind, name, name_key, connector, owners, created_at, updated_at) VALUES ('r1', 'group', 'Staff', 'staff', 'ldap', '[]', ?, ?)", [T0, T0]);
      await sql(
        "INSERT INTO assignments (id, identity_id, resource_id, workflow_state, provisioning_state, source, created_at, updated_at) VALUES ('a1', 'jdoe', 'r1', 'approved', 'pending', 'test', ?, ?)",
        [T0, T0],
      );
      const create = order('jdoe', 'ldap');
      const member = order('jdoe', 'ldap', { operation: 'addMember', payload: { group: 'cn=staff' }, assignmentId: 'a1', resourceId: 'r1', instanceId: 'i1' });
      const disable = order('jdoe', 'ldap', { operation: 'disable', payload: {} });
      await repo.provisioning.enqueue([create, member, disable]);
      await repo.provisioning.claim('w1', T0, 30_000, 10);
      await repo.provisioning.complete('w1', create.id, { key: 'uid=jdoe', outcome: 'created' }, T0 + 1);
      await repo.provisioning.claim('w1', T0 + 1, 30_000, 10);
      const [transmitted] = await sql<{ provisioning_state: string }>("SELECT provisioning_state FROM assignments WHERE id = 'a1'");
      assert.equal(transmitted!.provisioning_state, 'transmitted');
      await repo.provisioning.complete('w1', member.id, { key: 'uid=jdoe', outcome: 'changed' }, T0 + 2);
      const [executed] = await sql<{ provisioning_state: string; last_error: string | null }>("SELECT provisioning_state, last_error FROM assignments WHERE id = 'a1'");
      assert.deepEqual({ ...executed }, { provisioning_state: 'executed', last_error: null });
      const stored = await repo.provisioning.get(member.id);
      assert.equal(stored?.state, 'executed');
      assert.deepEqual(stored?.result, { key: 'uid=jdoe', outcome: 'changed' });
      assert.equal(stored?.finishedAt, T0 + 2);
      assert.equal(stored?.leaseOwner, null);
      await repo.provisioning.claim('w1', T0 + 2, 30_000, 10);
      await repo.provisioning.complete('w1', disable.id, { key: 'uid=jdoe', outcome: 'changed' }, T0 + 3);
      const [account] = await sql<{ state: string }>("SELECT state FROM accounts WHERE identity_id = 'jdoe'");
      assert.equal(account!.state, 'disabled');
      const audit = await repo.runtime.listAudit({ instanceId: 'i1' });
      assert.deepEqual(
        audit.map((a) => [a.event, a.data?.['operation'], a.data?.['outcome']]),
        [['provisioning-executed', 'addMember', 'changed']],
      );
      assert.equal(audit[0]!.data?.['attributes'], undefined, 'the audit names the account, not its data');
    });

    it('settles a batch of mixed outcomes in one call: each order, account, assignment and identity as if settled one by one', async () => {
      for (const id of ['ann', 'bob', 'cat', 'dan']) await identity(id);
      await sql("INSERT INTO resources (id, kind, name, name_key, connector, owners, created_at, updated_at) VALUES ('r1', 'group', 'Staff', 'staff', 'ldap', '[]', ?, ?)", [T0, T0]);
      for (const [a, who] of [['a-ann', 'ann'], ['a-bob', 'bob'], ['a-cat', 'cat']] as const) {
        await sql(
          "INSERT INTO assignments (id, identity_id, resource_id, workflow_state, provisioning_state, source, created_at, updated_at) VALUES (?, ?, 'r1', 'approved', 'pending', 'test', ?, ?)",
          [a, who, T0, T0],
        );
      }
      // dan's account exists with a login of its own: an executed disable keeps it, an executed create replaces it.
      await sql("INSERT INTO accounts (identity_id, connector, target_key, login, state, created_at, updated_at) VALUES ('dan', 'ldap', 'uid=dan', 'daniel', 'active', ?, ?)", [T0, T0]);
      const created = order('ann', 'ldap', { assignmentId: 'a-ann', instanceId: 'i-ann', wait: true });
      const retried = order('bob', 'ldap', { assignmentId: 'a-bob', instanceId: 'i-bob', wait: true });
      const failed = order('cat', 'ldap', { assignmentId: 'a-cat' });
      const disabled = order('dan', 'ldap', { operation: 'disable', payload: {} });
      const stranger = order('nobody', 'ldap');
      await repo.provisioning.enqueue([created, retried, failed, disabled, stranger]);
      assert.equal((await repo.provisioning.claim('w1', T0, 30_000, 10)).length, 5);
      const [before] = await sql<{ revision: number }>("SELECT revision FROM identities WHERE id = 'ann'");
      const done = await repo.provisioning.settle(
        'w1',
        [
          { id: created.id, kind: 'executed', result: { key: 'uid=ann,ou=people', outcome: 'created' } },
          { id: retried.id, kind: 'retry', errorCode: 'CONNECTOR_UNAVAILABLE', message: 'down', notBefore: T0 + 5_000 },
          { id: failed.id, kind: 'error', errorCode: 'CONNECTOR_REJECTED', message: 'no' },
          { id: disabled.id, kind: 'executed', result: { key: 'uid=dan', outcome: 'changed' } },
          { id: stranger.id, kind: 'executed', result: { key: 'uid=nobody', outcome: 'created' } },
          { id: 'not-claimed', kind: 'executed', result: { key: 'x', outcome: 'created' } },
        ],
        T0 + 10,
      );
      assert.deepEqual(done, [created.id, retried.id, failed.id, disabled.id, stranger.id], 'every held order, in the order given; an unknown id left out');
      const byId = new Map((await repo.provisioning.getMany(done)).map((o) => [o.id, o]));
      assert.deepEqual([byId.get(created.id)!.state, byId.get(created.id)!.result, byId.get(created.id)!.finishedAt], ['executed', { key: 'uid=ann,ou=people', outcome: 'created' }, T0 + 10]);
      assert.deepEqual([byId.get(retried.id)!.state, byId.get(retried.id)!.notBefore, byId.get(retried.id)!.errorCode, byId.get(retried.id)!.finishedAt], ['pending', T0 + 5_000, 'CONNECTOR_UNAVAILABLE', null]);
      assert.deepEqual([byId.get(failed.id)!.state, byId.get(failed.id)!.lastError, byId.get(failed.id)!.leaseOwner], ['error', 'no', null]);
      const accounts = await sql<{ identity_id: string; target_key: string; login: string; state: string }>('SELECT identity_id, target_key, login, state FROM accounts ORDER BY identity_id');
      assert.deepEqual(
        accounts.map((a) => ({ ...a })),
        [
          { identity_id: 'ann', target_key: 'uid=ann,ou=people', login: 'ann', state: 'active' },
          { identity_id: 'dan', target_key: 'uid=dan', login: 'daniel', state: 'disabled' },
        ],
        'an account per executed order of a known identity; a disable keeps the login',
      );
      const assignments = await sql<{ id: string; provisioning_state: string; last_error: string | null }>('SELECT id, provisioning_state, last_error FROM assignments ORDER BY id');
      assert.deepEqual(
        assignments.map((a) => ({ ...a })),
        [
          { id: 'a-ann', provisioning_state: 'executed', last_error: null },
          { id: 'a-bob', provisioning_state: 'transmitted', last_error: null },
          { id: 'a-cat', provisioning_state: 'error', last_error: 'CONNECTOR_REJECTED: no' },
        ],
      );
      const [afterAnn] = await sql<{ revision: number }>("SELECT revision FROM identities WHERE id = 'ann'");
      assert.equal(Number(afterAnn!.revision), Number(before!.revision) + 1, 'the identity whose account changed moves its revision');
      const audit = await repo.runtime.listAudit({});
      assert.deepEqual(
        audit.filter((a) => a.event.startsWith('provisioning-')).map((a) => [a.event, a.data?.['order']]).sort(),
        [
          ['provisioning-executed', created.id],
          ['provisioning-executed', disabled.id],
          ['provisioning-executed', stranger.id],
          ['provisioning-failed', failed.id],
        ].sort(),
        'an audit row per settled order, none for the transient failure',
      );
    });

    it('puts an order back to pending after a transient failure, due at the time it was given', async () => {
      const o = order('jdoe', 'ldap');
      await repo.provisioning.enqueue([o]);
      await repo.provisioning.claim('w1', T0, 30_000, 10);
      assert.equal(await repo.provisioning.fail('w1', o.id, { errorCode: 'CONNECTOR_UNAVAILABLE', message: 'connection refused', notBefore: T0 + 2_000 }, T0), true);
      const stored = await repo.provisioning.get(o.id);
      assert.equal(stored?.state, 'pending');
      assert.equal(stored?.errorCode, 'CONNECTOR_UNAVAILABLE');
      assert.equal(stored?.lastError, 'connection refused');
      assert.equal(stored?.finishedAt, null);
      assert.deepEqual(await repo.provisioning.claim('w1', T0 + 1_999, 30_000, 10), []);
      const [again] = await repo.provisioning.claim('w1', T0 + 2_000, 30_000, 10);
      assert.equal(again?.attempts, 2);
    });

    it('marks the assignment in error after a permanent failure, and an administrator’s retry makes the order due again', async () => {
      await identity('jdoe');
      await sql("INSERT INTO resources (id, kind, name, name_key, connector, owners, created_at, updated_at) VALUES ('r1', 'application', 'Mail', 'mail', 'ldap', '[]', ?, ?)", [T0, T0]);
      await sql(
        "INSERT INTO assignments (id, identity_id, resource_id, workflow_state, provisioning_state, source, created_at, updated_at) VALUES ('a1', 'jdoe', 'r1', 'approved', 'pending', 'test', ?, ?)",
        [T0, T0],
      );
      const o = order('jdoe', 'ldap', { assignmentId: 'a1' });
      await repo.provisioning.enqueue([o]);
      await repo.provisioning.claim('w1', T0, 30_000, 10);
      await repo.provisioning.fail('w1', o.id, { errorCode: 'CONNECTOR_REJECTED', message: 'objectClass violation' }, T0 + 1);
      const [assignment] = await sql<{ provisioning_state: string; last_error: string }>("SELECT provisioning_state, last_error FROM assignments WHERE id = 'a1'");
      assert.deepEqual({ ...assignment }, { provisioning_state: 'error', last_error: 'CONNECTOR_REJECTED: objectClass violation' });
      assert.equal((await repo.provisioning.get(o.id))?.state, 'error');
      assert.deepEqual(await repo.provisioning.claim('w1', T0 + 100_000, 30_000, 10), [], 'an order in error waits for a person');
      await assert.rejects(repo.provisioning.cancel('nope', 'admin', T0), { code: 'PROVISIONING_ORDER_NOT_FOUND' });
      const retried = await repo.provisioning.retry(o.id, 'admin', T0 + 200);
      assert.equal(retried.state, 'pending');
      assert.equal(retried.attempts, 0);
      assert.equal(retried.notBefore, T0 + 200);
      await assert.rejects(repo.provisioning.retry(o.id, 'admin', T0 + 200), { code: 'PROVISIONING_ORDER_NOT_RETRYABLE' });
      const [pending] = await sql<{ provisioning_state: string }>("SELECT provisioning_state FROM assignments WHERE id = 'a1'");
      assert.equal(pending!.provisioning_state, 'pending');
      assert.deepEqual((await repo.provisioning.claim('w1', T0 + 200, 30_000, 10)).map((c) => c.id), [o.id]);
      await assert.rejects(repo.provisioning.cancel(o.id, 'admin', T0 + 300), { code: 'PROVISIONING_ORDER_BUSY' });
      const events = (await repo.runtime.listAudit()).map((a) => [a.event, a.actor ?? null]);
      assert.deepEqual(events, [
        ['provisioning-failed', 'w1'],
        ['provisioning-retried', 'admin'],
      ]);
    });

    it('lets another worker take over an order whose worker died, once its lease expired in database time', async () => {
      const o = order('jdoe', 'ldap');
      await repo.provisioning.enqueue([o]);
      await repo.provisioning.claim('dead', T0, 30_000, 10);
      assert.deepEqual(await repo.provisioning.claim('w2', T0 + 1_000, 30_000, 10), []);
      clock = T0 + 30_000;
      const [taken] = await repo.provisioning.claim('w2', T0 + 30_000, 30_000, 10);
      assert.equal(taken?.id, o.id);
      assert.equal(taken?.attempts, 2);
      assert.equal(taken?.idempotencyKey, o.idempotencyKey, 'the replay carries the same idempotency key');
      assert.equal(await repo.provisioning.complete('dead', o.id, { key: 'x', outcome: 'created' }, T0 + 30_001), false, 'the dead worker’s late answer is ignored');
      assert.deepEqual(await repo.provisioning.renew('dead', [o.id], 30_000), []);
      assert.deepEqual(await repo.provisioning.renew('w2', [o.id], 30_000), [o.id]);
    });

    it('hands orders back at a clean stop, taking back the attempt', async () => {
      const a = order('jdoe', 'ldap');
      const b = order('ann', 'ldap');
      await repo.provisioning.enqueue([a, b]);
      await repo.provisioning.claim('w1', T0, 30_000, 10);
      assert.equal(await repo.provisioning.release('w1', [a.id]), 1);
      assert.equal(await repo.provisioning.release('w1'), 1);
      for (const id of [a.id, b.id]) {
        const stored = await repo.provisioning.get(id);
        assert.equal(stored?.state, 'pending');
        assert.equal(stored?.attempts, 0);
        assert.equal(stored?.leaseOwner, null);
      }
      assert.equal((await repo.provisioning.claim('w2', T0, 30_000, 10)).length, 2);
    });

    it('lists orders by state, identity and connector, oldest first, in pages', async () => {
      await repo.provisioning.enqueue([order('jdoe', 'ldap'), order('ann', 'ldap'), order('jdoe', 'scim'), order('bob', 'csv')]);
      await repo.provisioning.claim('w1', T0, 30_000, 1);
      assert.equal((await repo.provisioning.list({ state: 'pending' })).length, 3);
      assert.deepEqual((await repo.provisioning.list({ identityId: 'jdoe' })).map((o) => o.connector), ['ldap', 'scim']);
      assert.deepEqual((await repo.provisioning.list({ connector: 'ldap', order: 'desc' })).map((o) => o.identityId), ['ann', 'jdoe']);
      const first = await repo.provisioning.list({ limit: 2 });
      const rest = await repo.provisioning.list({ after: { createdAt: first[1]!.createdAt, id: first[1]!.id } });
      assert.deepEqual([...first, ...rest].map((o) => o.identityId), ['jdoe', 'ann', 'jdoe', 'bob']);
      assert.deepEqual(await repo.provisioning.countByState(), { pending: 3, transmitted: 1 });
      assert.deepEqual((await repo.provisioning.getMany(['nope', rest[1]!.id, first[0]!.id])).map((o) => o.identityId), ['bob', 'jdoe']);
    });
  });
}
