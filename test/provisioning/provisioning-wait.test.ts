/**
 * Waiting on provisioning results (docs/decisions/provisioning-waits.md), on SQLite and PostgreSQL: an action whose
 * operation names orders to wait on parks the instance; the provisioning worker's settlement wakes it; the engine's
 * worker resumes it with the settled orders; a permanent failure is the action's WF_ACTION_ERROR. The orders go to
 * a real HTTP target (http-target.ts).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ServiceCall, ServiceResult } from '../../src/engine/interpreter/interpreter-types.js';
import { fixedConnectors } from '../../src/provisioning/connector-source.js';
import type { NewProvisioningOrder } from '../../src/provisioning/provisioning-order.js';
import { ProvisioningWorker } from '../../src/provisioning/provisioning-worker.js';
import { openRuntimeWorld, type RuntimeWorld } from '../engine/runtime-harness.js';
import { DATABASES } from '../repository/repository-factory.js';
import { HttpTarget, httpTargetConnector } from './http-target.js';

/** The test's service operation: waits on the orders it is given (a list of ids), or on none. */
function provisionOrders(call: ServiceCall): ServiceResult {
  const orders = call.args['orders'];
  return Array.isArray(orders) && orders.length > 0 ? { values: { orders }, waitFor: orders.map(String) } : {};
}

let serial = 0;
for (const database of DATABASES) {
  describe(`${database.name}: waiting on provisioning orders`, () => {
    let w: RuntimeWorld;
    let target: HttpTarget;
    let provisioning: ProvisioningWorker;

    before(async () => {
      w = await openRuntimeWorld(['provisioning-wait.xml'], { operations: { provisionOrders } }, database);
      target = await new HttpTarget().start();
      provisioning = new ProvisioningWorker({
        repository: w.repository,
        connectors: fixedConnectors([httpTargetConnector('hr-app', target)]),
        workerId: 'p1',
        clock: w.now,
      });
    });
    after(async () => {
      await target.stop();
      await w.close();
    });
    beforeEach(() => {
      target.fault = undefined;
    });

    const order = (login: string, instanceId: string | null, wait: boolean): NewProvisioningOrder => {
      const n = ++serial;
      return {
        id: `${database.name}-order-${n}`,
        identityId: login,
        connector: 'hr-app',
        operation: 'create',
        payload: { attributes: { login } },
        idempotencyKey: `${database.name}-wait-${n}`,
        createdAt: w.now(),
        instanceId,
        wait,
      };
    };

    /** Launches the process (async) on orders it will wait on, writes them, and runs it to its wait. */
    async function launchWaitingOn(logins: readonly string[], wait = true): Promise<{ id: string; orders: string[] }> {
      const orders = logins.map((l) => order(l, null, wait));
      const ids = orders.map((o) => o.id);
      const { instance } = await w.engine.launch({ definition: 'Provision And Wait', launcher: 'hr', variables: { orders: wait ? ids : [] } });
      // Written as the step that decides them would: naming the instance that waits on them.
      await w.repository.provisioning.enqueue(orders.map((o) => ({ ...o, instanceId: instance.id })));
      await w.engine.runWorkerOnce();
      return { id: instance.id, orders: ids };
    }

    it('waits on its orders, then goes on once the provisioning worker executed them all', async () => {
      const { id, orders } = await launchWaitingOn(['wait-a', 'wait-b']);
      const waiting = await w.engine.getTask(id);
      assert.equal(waiting.state, 'executing');
      assert.equal(waiting.waiting, true);
      assert.deepEqual(waiting.position, ['Provision']);
      assert.equal((await w.engine.runWorkerOnce()).advanced, 0, 'nothing to do while the orders are pending');
      assert.equal((await provisioning.runOnce()).executed, 2);
      assert.equal((await w.engine.runWorkerOnce()).advanced, 1, 'the settlement woke it');
      const done = await w.engine.getTask(id);
      assert.equal(done.state, 'finished');
      assert.deepEqual(done.result?.outputs, { error: null, after: 'went on' });
      for (const o of await w.repository.provisioning.getMany(orders)) assert.equal(o.state, 'executed');
    });

    it('gives the waiting action WF_ACTION_ERROR when an order fails for good, and the workflow goes on to decide', async () => {
      const { id } = await launchWaitingOn(['wait-refused']);
      target.fault = { status: 400, times: 1 };
      assert.equal((await provisioning.runOnce()).failed, 1);
      await w.engine.runWorkerOnce();
      const done = await w.engine.getTask(id);
      assert.equal(done.state, 'finished');
      assert.match(String(done.result?.outputs['error']), /^PROVISIONING_ORDER_FAILED: order \S+ failed: CONNECTOR_REJECTED: the target answered 400/);
      assert.equal(done.result?.outputs['after'], 'went on');
    });

    it('is due at once when the orders it waits on were settled before it came to wait', async () => {
      const early = order('wait-early', null, false);
      await w.repository.provisioning.enqueue([early]);
      await provisioning.runOnce();
      const { instance } = await w.engine.launch({ definition: 'Provision And Wait', launcher: 'hr', variables: { orders: [early.id] } });
      await w.engine.runWorkerOnce();
      await w.engine.runWorkerOnce();
      const done = await w.engine.getTask(instance.id);
      assert.equal(done.state, 'finished');
      assert.equal(done.result?.outputs['after'], 'went on');
    });

    it('goes on once resumed when its orders were settled while it was suspended', async () => {
      const { id } = await launchWaitingOn(['wait-suspended']);
      await w.engine.suspend(id, 'admin');
      assert.equal((await provisioning.runOnce()).executed, 1);
      assert.equal((await w.engine.runWorkerOnce()).advanced, 0, 'a suspended instance is left alone');
      await w.engine.resume(id, 'admin');
      await w.engine.runWorkerOnce();
      const done = await w.engine.getTask(id);
      assert.equal(done.state, 'finished');
      assert.equal(done.result?.outputs['after'], 'went on');
    });

    it('goes on at once when the step does not wait, its orders still pending', async () => {
      const { id, orders } = await launchWaitingOn(['no-wait'], false);
      assert.equal((await w.engine.getTask(id)).state, 'finished');
      assert.equal((await w.repository.provisioning.get(orders[0]!))?.state, 'pending');
      await provisioning.runOnce();
    });
  });
}
