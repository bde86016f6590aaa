/**
 * `idflow worker` executes provisioning orders, and `idflow provisioning list|show|retry|cancel` shows and acts on
 * them, through the real command against a real CSV connector (a `<Connector kind="csv">` object writing into the
 * test's directory).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import { openEngine } from '../../src/engine/engine.js';
import { openRepository } from '../../src/repository/open-repository.js';
import type { ProvisioningOrderView } from '../../src/provisioning/order-view.js';
import type { NewProvisioningOrder } from '../../src/provisioning/provisioning-order.js';
import { tempRepository } from '../cli/cli-harness.js';

const order = (n: number, login: string, connector = 'badges'): NewProvisioningOrder => ({
  id: `order-${n}`,
  identityId: login,
  connector,
  operation: 'create',
  payload: { attributes: { login, firstName: login.toUpperCase(), lastName: 'Doe' } },
  idempotencyKey: `cli-${n}`,
  createdAt: Date.now() - 10_000 + n,
});

describe('idflow provisioning', () => {
  const repo = tempRepository({ prefix: 'idflow-provisioning-cli-', seed: ['init'], user: 'admin' });

  it('executes due orders in `idflow worker --once` and writes them to the CSV target', async () => {
    const r = await openRepository({ db: repo.db, env: {} });
    try {
      await r.objects.putMany([
        {
          object: { type: 'Connector', dialect: 'idflow', name: 'badges', kind: 'csv', settings: { directory: repo.dir, fileName: 'badges' }, location: { file: 'badges.xml', line: 1, column: 1 } },
          xml: '<Connector name="badges" kind="csv"/>',
          file: 'badges.xml',
        },
      ]);
      await r.provisioning.enqueue([order(1, 'jdoe'), order(2, 'ann'), order(3, 'bob', 'nowhere')]);
    } finally {
      await r.close();
    }
    const run = await repo.idflow('worker', '--once', '--json');
    assert.equal(run.status, 0, run.stderr);
    const round = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { provisioning: { executed: number; failed: number } };
    assert.deepEqual({ executed: round.provisioning.executed, failed: round.provisioning.failed }, { executed: 2, failed: 1 });
    const csv = readFileSync(join(repo.dir, 'badges.csv'), 'utf8');
    assert.match(csv, /jdoe/);
    assert.match(csv, /ann/);
  });

  it('lists orders with --state and --json, newest first', async () => {
    const all = await repo.json<ProvisioningOrderView[]>('provisioning', 'list');
    assert.deepEqual(all.map((o) => [o.id, o.state]), [
      ['order-3', 'error'],
      ['order-2', 'executed'],
      ['order-1', 'executed'],
    ]);
    const failed = await repo.json<ProvisioningOrderView[]>('provisioning', 'list', '--state', 'error');
    assert.deepEqual(failed.map((o) => o.id), ['order-3']);
    assert.equal(failed[0]!.error?.code, 'CONNECTOR_UNKNOWN');
    const table = await repo.idflow('provisioning', 'list', '--state', 'executed', '--fields', 'id,key');
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /^ID\s+KEY\norder-2\s+ann\norder-1\s+jdoe\n$/);
  });

  it('shows one order, with its error', async () => {
    const shown = await repo.idflow('provisioning', 'show', 'order-3');
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /^state +error$/m);
    assert.match(shown.stdout, /^error +CONNECTOR_UNKNOWN: /m);
    const missing = await repo.idflow('provisioning', 'show', 'order-99');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /PROVISIONING_ORDER_NOT_FOUND/);
  });

  it('retries an order in error and cancels it, refusing what does not apply', async () => {
    const retried = await repo.json<ProvisioningOrderView>('provisioning', 'retry', 'order-3');
    assert.equal(retried.state, 'pending');
    assert.equal(retried.attempts, 0);
    const again = await repo.idflow('provisioning', 'retry', 'order-3');
    assert.equal(again.status, 1);
    assert.match(again.stderr, /PROVISIONING_ORDER_NOT_RETRYABLE/);
    const cancelled = await repo.idflow('provisioning', 'cancel', 'order-3');
    assert.equal(cancelled.status, 0, cancelled.stderr);
    assert.equal(cancelled.stdout, 'order order-3 is cancelled\n');
    const done = await repo.idflow('provisioning', 'cancel', 'order-1');
    assert.match(done.stderr, /PROVISIONING_ORDER_NOT_CANCELLABLE/);
    const bad = await repo.idflow('provisioning', 'list', '--state', 'stuck');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /PROVISIONING_BAD_STATE/);
  });
});

describe('idflow worker --no-instances: a provisioning-only worker', () => {
  const repo = tempRepository({ prefix: 'idflow-provisioning-only-', seed: ['init'], user: 'admin' });

  it('executes due orders and leaves due instances to the other workers', async () => {
    const r = await openRepository({ db: repo.db, env: {} });
    let instanceId: string;
    try {
      const loaded = await loadDefinitionFiles([fileURLToPath(new URL('../../bench/fixtures/persist-and-provision.xml', import.meta.url))]);
      assert.ok(loaded.ok);
      await r.objects.putMany([
        ...loaded.objects,
        {
          object: { type: 'Connector', dialect: 'idflow', name: 'badges', kind: 'csv', settings: { directory: repo.dir, fileName: 'badges' }, location: { file: 'badges.xml', line: 1, column: 1 } },
          xml: '<Connector name="badges" kind="csv"/>',
          file: 'badges.xml',
        },
      ]);
      await r.provisioning.enqueue([order(1, 'kim')]);
      const engine = await openEngine({ repository: r, workerId: 'test' });
      // An async launch: due for a worker's instance rounds, which this worker does not run.
      instanceId = (await engine.launch({ definition: 'Bench Persist', launcher: 'hr-feed', variables: { changes: { Login: 'lee', FirstName: 'Lee', LastName: 'Doe' } } })).instance.id;
      await engine.close();
    } finally {
      await r.close();
    }
    const run = await repo.idflow('worker', '--once', '--no-instances', '--json');
    assert.equal(run.status, 0, run.stderr);
    const round = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { advanced: number; provisioning: { executed: number } };
    assert.equal(round.advanced, 0);
    assert.equal(round.provisioning.executed, 1);
    assert.match(readFileSync(join(repo.dir, 'badges.csv'), 'utf8'), /kim/);
    const after = await openRepository({ db: repo.db, env: {} });
    try {
      const instance = await after.runtime.getInstance(instanceId!);
      assert.equal(instance?.state, 'ready', 'not advanced by a provisioning-only worker');
      assert.equal(instance?.steps, 0);
    } finally {
      await after.close();
    }
  });

  it('refuses to start with nothing to run', async () => {
    const run = await repo.idflow('worker', '--no-instances', '--no-provisioning');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /CLI_WORKER_NOTHING_TO_RUN/);
  });
});
