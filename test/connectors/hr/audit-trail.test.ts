/**
 * The audit trail as `idflow audit` reads it, on both databases: a delegated decision keeps the original owner
 * beside the acting person, and the events outlive their TaskInstance.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadDefinitionFiles } from '../../../src/definition/load.js';
import { openEngine, type RuntimeEngine } from '../../../src/engine/engine.js';
import type { Repository } from '../../../src/repository/repository.js';
import { DATABASES } from '../../repository/repository-factory.js';

const DEFAULTS = fileURLToPath(new URL('../../../config/default/', import.meta.url));
const T0 = Date.parse('2026-05-04T08:00:00Z');

for (const database of DATABASES) {
  describe(`${database.name}: the audit trail`, () => {
    let repo: Repository;
    let engine: RuntimeEngine;
    let now = T0;

    before(async () => {
      repo = await database.open();
      const loaded = await loadDefinitionFiles(readdirSync(DEFAULTS).filter((f) => f.endsWith('.xml')).map((f) => join(DEFAULTS, f)));
      await repo.objects.putMany(loaded.objects);
      engine = await openEngine({ repository: repo, clock: () => now, workerId: 'audit-test' });
    });
    after(async () => {
      await engine.close();
      await repo.close();
    });

    it('records who decided a delegated item and whose it was, and keeps the events after the instance is deleted', async () => {
      const launched = await engine.launch({ definition: 'User_ChangeName', launcher: 'alice', subject: 'kim', mode: 'sync', variables: { changes: { Login: 'kim', LastName: 'Lee' } } });
      const id = launched.instance.id;
      now += 1000;
      const delegated = await engine.decide({ workItemId: launched.workItems[0]!.id, decision: 'Delegate', actor: 'alice', assignee: 'dave' });
      const item = delegated.workItems[0]!;
      now += 1000;
      await engine.decide({ workItemId: item.id, decision: item.decisions.includes('Execute') ? 'Execute' : item.decisions[0]!, actor: 'dave' });
      const decisions = await repo.audit.query({ instanceId: id, event: 'decision' });
      assert.deepEqual(decisions.map((d) => [d.actor, d.data?.['delegatedFrom'] ?? null]), [['alice', null], ['dave', 'alice']]);

      const task = await engine.getTask(id);
      if (task.state === 'finished' || task.state === 'terminated') await engine.deleteTask(id, 'admin').catch(() => undefined);
      else await engine.terminate(id, 'admin').then(() => engine.deleteTask(id, 'admin'));
      await assert.rejects(engine.getTask(id));
      const kept = await repo.audit.query({ instanceId: id });
      assert.ok(kept.some((e) => e.event === 'launched') && kept.some((e) => e.event === 'deleted'), kept.map((e) => e.event).join(','));
      assert.deepEqual((await repo.audit.query({ subject: 'kim', event: 'decision' })).length, 2, 'found by subject after the instance is gone');
      const newestFirst = await repo.audit.query({ instanceId: id, order: 'desc', limit: 2 });
      const page2 = await repo.audit.query({ instanceId: id, order: 'desc', limit: 2, afterId: newestFirst[1]!.id });
      assert.ok(page2.every((e) => e.id < newestFirst[1]!.id));
      assert.deepEqual((await repo.audit.query({ instanceId: id, until: T0 + 1000 })).every((e) => e.at < T0 + 1000), true);
    });

    it('lists the provisioning orders each change set wrote, a delete after the retention period with its date', async () => {
      await repo.identities.putResource({
        id: 'res-directory', kind: 'application', name: 'directory', nameKey: 'directory', displayName: null, description: null,
        connector: 'ldap', targetKey: null, owners: [], createdAt: now, updatedAt: now,
      });
      const persisted = async (definition: string, changes: Record<string, unknown>, subject?: string) => {
        const launched = await engine.launch({ definition, launcher: 'alice', mode: 'sync', ...(subject !== undefined && { subject }), variables: { changes: changes as never } });
        now += 1000;
        await engine.decide({ workItemId: launched.workItems[0]!.id, decision: 'Execute', actor: 'alice' });
        const [event] = await repo.audit.query({ instanceId: launched.instance.id, event: 'changeset:persisted' });
        return event!.data as { subject: string; identity: string; orders: { connector: string; operation: string; notBefore?: string }[] };
      };
      const hired = await persisted('User_ChangeName', { Login: 'lou', LastName: 'Lou', Resources: { Add: ['directory'] } });
      assert.equal(hired.subject, 'lou');
      assert.deepEqual(hired.orders.map((o) => [o.connector, o.operation, o.notBefore]), [['ldap', 'create', undefined]]);
      const today = new Date(now).toISOString().slice(0, 10);
      const left = await persisted('User_Offboarding', { EndDate: today }, 'lou');
      assert.equal(left.identity, hired.identity);
      const del = left.orders.find((o) => o.operation === 'delete');
      assert.ok(left.orders.some((o) => o.operation === 'disable'), JSON.stringify(left.orders));
      assert.ok(del?.notBefore !== undefined && Date.parse(del.notBefore) > now + 29 * 86_400_000, `the delete waits for the retention period: ${JSON.stringify(left.orders)}`);
    });
  });
}
