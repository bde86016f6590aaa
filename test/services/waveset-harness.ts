/**
 * A repository with a few resources and people, the engine on a fake clock, and the Waveset processes of
 * test/fixtures/engine/waveset-services.xml (plus the stock ones of config/default/) imported: the world the Waveset
 * user services are tested in, from Waveset processes.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import type { XValue } from '../../src/expression/env.js';
import type { ChangeSet } from '../../src/identity/change-set.js';
import type { ResourceKind, ResourceRow } from '../../src/identity/identity-rows.js';
import type { IdentitySnapshot } from '../../src/identity/identity-store.js';
import { planChangeSet } from '../../src/identity/plan-change-set.js';
import { subjectKey } from '../../src/identity/subject-key.js';
import { openRuntimeWorld, type RuntimeWorld } from '../engine/runtime-harness.js';
import type { RepositoryFactory } from '../repository/repository-factory.js';

export const STAFF_GROUP = 'cn=staff,ou=groups,dc=example,dc=org';

export interface OrderRow {
  readonly connector: string;
  readonly operation: string;
  readonly payload: Record<string, unknown>;
  readonly instance_id: string | null;
  readonly idempotency_key: string;
  readonly not_before: number;
}

export interface WavesetWorld extends RuntimeWorld {
  /** Runs 'WS Call' with these inputs; its `result` and `error` outputs. */
  call(op: string, inputs?: Record<string, XValue>): Promise<{ result: Record<string, XValue> | null; error: string | null; instanceId: string }>;
  /** The identity as stored now. */
  user(login: string): Promise<IdentitySnapshot>;
  /** Provisioning orders, in the order they were written (of one instance when given). */
  orders(instanceId?: string): Promise<OrderRow[]>;
  /** Creates a person directly in the store (not through a workflow), with these resources. */
  seedUser(login: string, changeSet?: ChangeSet): Promise<IdentitySnapshot>;
}

const STOCK = ['waveset-provision.xml', 'waveset-update-user-approval.xml'].map((f) => fileURLToPath(new URL(`../../config/default/${f}`, import.meta.url)));

export async function openWavesetWorld(database: RepositoryFactory): Promise<WavesetWorld> {
  const w = await openRuntimeWorld(['waveset-services.xml'], {}, database);
  const stock = await loadDefinitionFiles(STOCK);
  assert.deepEqual(stock.diagnostics.map((d) => d.message), [], 'the stock Waveset objects load cleanly');
  await w.repository.objects.putMany(stock.objects);
  const resource = (name: string, kind: ResourceKind, connector: string | null, targetKey: string | null = null): ResourceRow => ({
    id: `res-${name.toLowerCase()}`,
    kind,
    name,
    nameKey: subjectKey(name),
    displayName: null,
    description: null,
    connector,
    targetKey,
    owners: [],
    createdAt: w.now(),
    updatedAt: w.now(),
  });
  await w.repository.identities.putResource(resource('Directory', 'application', 'ldap-main'));
  await w.repository.identities.putResource(resource('Staff', 'group', 'ldap-main', STAFF_GROUP));
  await w.repository.identities.putResource(resource('Wiki', 'application', 'scim-wiki'));
  await w.repository.identities.putResource(resource('Badge', 'device', null));
  let seeds = 0;
  const user = async (login: string): Promise<IdentitySnapshot> => {
    const found = await w.repository.identities.findIdentity(login);
    assert.ok(found, `${login} is in the identity store`);
    return found;
  };
  return {
    ...w,
    async call(op, inputs = {}) {
      const { instance } = await w.engine.launch({ definition: 'WS Call', variables: { op, ...inputs }, launcher: 'alice' });
      const v = instance.variables;
      return { result: (v['result'] ?? null) as Record<string, XValue> | null, error: (v['error'] ?? null) as string | null, instanceId: instance.id };
    },
    user,
    async orders(instanceId) {
      const rows = await database.query<OrderRow & { payload: unknown }>(
        w.repository,
        instanceId === undefined
          ? 'SELECT connector, operation, payload, instance_id, idempotency_key, not_before FROM provisioning_orders ORDER BY created_at, account_seq, connector'
          : 'SELECT connector, operation, payload, instance_id, idempotency_key, not_before FROM provisioning_orders WHERE instance_id = ? ORDER BY connector, account_seq',
        instanceId === undefined ? [] : [instanceId],
      );
      return rows.map((r) => ({ ...r, payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>, not_before: Number(r.not_before) }));
    },
    async seedUser(login, changeSet = {}) {
      const write = await planChangeSet(w.repository.identities, { login, ...changeSet }, {
        now: w.now(),
        idempotencyKey: `seed-${login}-${++seeds}`,
        instanceId: null,
        mode: 'persist',
        provisioning: true,
      });
      assert.deepEqual(await w.repository.identities.apply([write]), ['committed']);
      return user(login);
    },
  };
}

/** Jane Doe, accountant, with the Directory and the Staff group. */
export const JDOE: ChangeSet = {
  employeeId: 'E-1',
  organization: 'Finance',
  records: [
    { kind: 'personal', data: { firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@example.org' } },
    { kind: 'position', data: { title: 'Accountant', department: 'Finance' } },
  ],
  resources: { add: [{ resource: 'Directory' }, { resource: 'Staff' }] },
};
