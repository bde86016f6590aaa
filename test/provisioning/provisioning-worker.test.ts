/**
 * The provisioning worker against a real HTTP target on loopback (http-target.ts), on SQLite and PostgreSQL:
 * orders executed once and in order per account; transient failures retried after backoff or the target's
 * Retry-After; permanent ones in error until an administrator retries; a call cut short by a stop handed back; a
 * worker that died replaced after its lease without a second account. Time is the test's own clock (leases,
 * not_before); the only real waits are HTTP round trips and one short call timeout.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fixedConnectors } from '../../src/provisioning/connector-source.js';
import type { NewProvisioningOrder } from '../../src/provisioning/provisioning-order.js';
import { ProvisioningWorker, type ProvisioningWorkerOptions } from '../../src/provisioning/provisioning-worker.js';
import type { Repository } from '../../src/repository/repository.js';
import { DATABASES } from '../repository/repository-factory.js';
import { HttpTarget, httpTargetConnector } from './http-target.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

let serial = 0;
function order(identityId: string, over: Partial<NewProvisioningOrder> = {}): NewProvisioningOrder {
  const n = ++serial;
  return {
    id: `w${String(n).padStart(5, '0')}`,
    identityId,
    connector: 'hr-app',
    operation: 'create',
    payload: { attributes: { login: identityId, firstName: 'Jane', lastName: 'Doe' } },
    idempotencyKey: `wkey-${n}`,
    createdAt: T0,
    ...over,
  };
}

for (const database of DATABASES) {
  describe(`${database.name}: provisioning worker`, () => {
    let repo: Repository;
    let target: HttpTarget;
    let clock = T0;
    const sql = <R = Record<string, unknown>>(text: string, params: readonly unknown[] = []): Promise<R[]> =>
      database.query<R>(repo, /^\s*(INSERT|DELETE|UPDATE)/i.test(text) ? `${text} RETURNING 1` : text, params);
    const worker = (over: Partial<ProvisioningWorkerOptions> = {}): ProvisioningWorker =>
      new ProvisioningWorker({
        repository: repo,
        connectors: fixedConnectors([httpTargetConnector('hr-app', target)]),
        workerId: 'w1',
        clock: () => clock,
        backoff: { random: () => 0.5 },
        ...over,
      });

    before(async () => {
      repo = await database.open({ databaseClock: () => clock });
      target = await new HttpTarget().start();
    });
    after(async () => {
      await target.stop();
      await repo.close();
    });
    beforeEach(async () => {
      clock = T0;
      target.accounts.clear();
      target.creations.clear();
      target.requests.length = 0;
      target.fault = undefined;
      for (const table of ['provisioning_orders', 'accounts', 'assignments', 'resources', 'identities', 'audit_events']) await sql(`DELETE FROM ${table}`);
    });

    async function identity(id: string): Promise<void> {
      await sql('INSERT INTO identities (id, login, login_key, state, revision, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)', [id, id, id, 'active', T0, T0]);
    }

    it('creates each account once on the target, then applies its later orders in order with the stored key', async () => {
      await identity('jdoe');
      await identity('ann');
      await repo.provisioning.enqueue([
        order('jdoe'),
        order('jdoe', { operation: 'addMember', payload: { group: 'staff' } }),
        order('jdoe', { operation: 'rename', payload: { newLogin: 'jsmith' } }),
        order('jdoe', { operation: 'disable', payload: {} }),
        order('ann'),
      ]);
      const w = worker();
      const rounds = [];
      for (let i = 0; i < 6; i++) rounds.push(await w.runOnce());
      assert.deepEqual(rounds.map((r) => r.executed), [2, 1, 1, 1, 0, 0], 'one order per account per round, the others wait their turn');
      assert.deepEqual([...target.creations], [['jdoe', 1], ['ann', 1]]);
      const jsmith = target.accounts.get('jsmith');
      assert.equal(jsmith?.active, false);
      assert.deepEqual([...jsmith!.groups], ['staff']);
      const accounts = await sql<{ identity_id: string; target_key: string; login: string; state: string }>(
        'SELECT identity_id, target_key, login, state FROM accounts ORDER BY identity_id',
      );
      assert.deepEqual(accounts.map((a) => ({ ...a })), [
        { identity_id: 'ann', target_key: 'ann', login: 'ann', state: 'active' },
        { identity_id: 'jdoe', target_key: 'jsmith', login: 'jsmith', state: 'disabled' },
      ]);
      assert.ok(target.requests.every((r) => r.idempotencyKey?.startsWith('wkey-')), 'every call carries its order’s idempotency key');
      assert.equal((await repo.runtime.listAudit()).filter((a) => a.event === 'provisioning-executed').length, 5);
    });

    it('waits as long as the target’s Retry-After asks after a 429, then executes the order', async () => {
      const o = order('jdoe');
      await repo.provisioning.enqueue([o]);
      target.fault = { status: 429, retryAfter: 30, times: 1 };
      assert.deepEqual(await worker().runOnce(), { claimed: 1, executed: 0, retried: 1, failed: 0, released: 0 });
      const waiting = await repo.provisioning.get(o.id);
      assert.equal(waiting?.state, 'pending');
      assert.equal(waiting?.notBefore, T0 + 30_000);
      assert.equal(waiting?.errorCode, 'CONNECTOR_UNAVAILABLE');
      clock = T0 + 29_999;
      assert.equal((await worker().runOnce()).claimed, 0);
      clock = T0 + 30_000;
      assert.equal((await worker().runOnce()).executed, 1);
      assert.equal(target.creations.get('jdoe'), 1);
    });

    it('backs off after 5xx answers, doubling, and gives up after the attempt limit with the last error', async () => {
      const o = order('jdoe');
      await repo.provisioning.enqueue([o]);
      target.fault = { status: 503, times: 100 };
      const w = worker({ backoff: { random: () => 0.5, baseDelayMs: 1000, maxAttempts: 3 } });
      const delays: number[] = [];
      for (let i = 0; i < 2; i++) {
        await w.runOnce();
        const stored = await repo.provisioning.get(o.id);
        delays.push(stored!.notBefore - clock);
        clock = stored!.notBefore;
      }
      assert.deepEqual(delays, [750, 1500], 'doubling, with the jitter over the upper half');
      assert.equal((await w.runOnce()).failed, 1);
      const failed = await repo.provisioning.get(o.id);
      assert.equal(failed?.state, 'error');
      assert.equal(failed?.errorCode, 'PROVISIONING_ATTEMPTS_EXHAUSTED');
      assert.match(failed!.lastError!, /after 3 attempts.*CONNECTOR_UNAVAILABLE/);
    });

    it('keeps a refused order in error, visible on its assignment, until an administrator retries it', async () => {
      await identity('jdoe');
      await sql("INSERT INTO resources (id, kind, name, name_key, connector, owners, created_at, updated_at) VALUES ('r1', 'application', 'HR', 'hr', 'hr-app', '[]', ?, ?)", [T0, T0]);
      await sql(
        "INSERT INTO assignments (id, identity_id, resource_id, workflow_state, provisioning_state, source, created_at, updated_at) VALUES ('a1', 'jdoe', 'r1', 'approved', 'pending', 'test', ?, ?)",
        [T0, T0],
      );
      const o = order('jdoe', { assignmentId: 'a1', resourceId: 'r1' });
      await repo.provisioning.enqueue([o]);
      target.fault = { status: 400, times: 1 };
      assert.equal((await worker().runOnce()).failed, 1);
      const [assignment] = await sql<{ provisioning_state: string; last_error: string }>("SELECT provisioning_state, last_error FROM assignments WHERE id = 'a1'");
      assert.equal(assignment!.provisioning_state, 'error');
      assert.match(assignment!.last_error, /^CONNECTOR_REJECTED: the target answered 400/);
      clock = T0 + 3_600_000;
      assert.equal((await worker().runOnce()).claimed, 0, 'a permanent failure is not retried on its own');
      await repo.provisioning.retry(o.id, 'admin', clock);
      assert.equal((await worker().runOnce()).executed, 1);
      const [done] = await sql<{ provisioning_state: string; last_error: string | null }>("SELECT provisioning_state, last_error FROM assignments WHERE id = 'a1'");
      assert.deepEqual({ ...done }, { provisioning_state: 'executed', last_error: null });
    });

    it('aborts a call that outlives its timeout and tries the order again later', async () => {
      const o = order('jdoe');
      await repo.provisioning.enqueue([o]);
      target.fault = { hang: true, times: 1 };
      const round = await worker({ timeoutMs: 50 }).runOnce();
      assert.equal(round.retried, 1);
      const stored = await repo.provisioning.get(o.id);
      assert.equal(stored?.errorCode, 'CONNECTOR_TIMEOUT');
      clock = stored!.notBefore;
      assert.equal((await worker().runOnce()).executed, 1);
    });

    it('hands back an order whose call a stop cut short: pending again, its attempt taken back', async () => {
      const o = order('jdoe');
      await repo.provisioning.enqueue([o]);
      target.fault = { hang: true, times: 1 };
      const stop = new AbortController();
      const running = worker().runOnce(stop.signal);
      while (target.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
      stop.abort();
      assert.deepEqual(await running, { claimed: 1, executed: 0, retried: 0, failed: 0, released: 1 });
      const stored = await repo.provisioning.get(o.id);
      assert.equal(stored?.state, 'pending');
      assert.equal(stored?.attempts, 0);
      assert.equal(stored?.leaseOwner, null);
    });

    it('replays the order of a worker that died mid-call once its lease expired, without a second account', async () => {
      const o = order('jdoe');
      await repo.provisioning.enqueue([o]);
      // The dead worker claimed the order and its create reached the target; then it died before settling.
      const [claimed] = await repo.provisioning.claim('dead', clock, 60_000, 10);
      await httpTargetConnector('hr-app', target).apply({ idempotencyKey: claimed!.idempotencyKey, operation: { kind: 'create', attributes: { login: 'jdoe' } }, signal: new AbortController().signal });
      assert.equal((await worker().runOnce()).claimed, 0, 'nobody takes it while the lease runs');
      clock = T0 + 60_000;
      assert.equal((await worker().runOnce()).executed, 1);
      const stored = await repo.provisioning.get(o.id);
      assert.deepEqual(stored?.result, { key: 'jdoe', outcome: 'adopted' });
      assert.equal(stored?.attempts, 2);
      assert.equal(target.creations.get('jdoe'), 1);
    });

    it('fails an order whose connector nobody defined, and one that changes an account never created', async () => {
      const orphan = order('jdoe', { connector: 'nowhere' });
      const keyless = order('ann', { operation: 'disable', payload: {} });
      await repo.provisioning.enqueue([orphan, keyless]);
      assert.equal((await worker().runOnce()).failed, 2);
      assert.equal((await repo.provisioning.get(orphan.id))?.errorCode, 'PROVISIONING_CONNECTOR_UNKNOWN');
      assert.equal((await repo.provisioning.get(keyless.id))?.errorCode, 'PROVISIONING_ACCOUNT_KEY_MISSING');
      assert.equal(target.requests.length, 0);
    });

    it('keeps its calls in flight across batches: a slow call does not hold back the next batch', async () => {
      await repo.provisioning.enqueue([order('slow'), order('quick'), order('next1'), order('next2')]);
      // The slow account's call returns only once the next batch's first call has been made (or after 5 s, so
      // that a worker that waits for a whole batch before claiming the next fails this test instead of hanging).
      let nextCalled: () => void = () => undefined;
      const next = new Promise<void>((resolve) => (nextCalled = resolve));
      const calls: string[] = [];
      let slowEnded: 'after the next batch started' | 'by its 5 s timeout' | undefined;
      const slowTarget = {
        kind: 'test',
        name: 'hr-app',
        async apply(request: Parameters<ReturnType<typeof httpTargetConnector>['apply']>[0]) {
          const login = String(request.operation.kind === 'create' ? request.operation.attributes['login'] : '');
          calls.push(login);
          if (login.startsWith('next')) nextCalled();
          if (login === 'slow') {
            let timer: NodeJS.Timeout | undefined;
            slowEnded = await Promise.race([
              next.then(() => 'after the next batch started' as const),
              new Promise<'by its 5 s timeout'>((r) => (timer = setTimeout(() => r('by its 5 s timeout'), 5000))),
            ]);
            clearTimeout(timer);
          }
          return { key: login, outcome: 'created' as const };
        },
        async check() {
          return { ok: true, detail: '' };
        },
        async close() {},
      };
      const stop = new AbortController();
      const w = worker({ connectors: fixedConnectors([slowTarget]), batchSize: 2, parallel: 2, idleMs: 1 });
      let executed = 0;
      await w.run(stop.signal, (round) => {
        executed += round.executed;
        if (executed >= 4) stop.abort();
      });
      assert.equal(executed, 4);
      assert.equal(slowEnded, 'after the next batch started');
      assert.deepEqual(await repo.provisioning.countByState(), { executed: 4 });
    });

    it('runs rounds until stopped, then hands back whatever it holds', async () => {
      await repo.provisioning.enqueue(Array.from({ length: 30 }, (_, k) => order(`user${k}`)));
      const stop = new AbortController();
      const w = worker({ batchSize: 7, parallel: 3, idleMs: 1 });
      let executed = 0;
      const run = w.run(stop.signal, (round) => {
        executed += round.executed;
        if (executed >= 30) stop.abort();
      });
      await run;
      assert.equal(executed, 30);
      assert.equal(target.creations.size, 30);
      assert.deepEqual(await repo.provisioning.countByState(), { executed: 30 });
    });
  });
}
