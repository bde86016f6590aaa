/**
 * config/default's HR source (hr-source.yaml) with the default workflows, on both databases: a person renamed in the
 * HR file (login and last name, nothing else) is renamed in the identity store through User_Move, so that when the
 * row later disappears the leaver workflow ends that identity, and does not make a second, ended one under the new
 * login while the first keeps its access.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importHrFile, type HrImportResult } from '../../../src/connectors/hr/index.js';
import { storeDefaultHrSources } from '../../../src/connectors/hr/default-hr-sources.js';
import { loadDefinitionFiles } from '../../../src/definition/load.js';
import { openEngine, type RuntimeEngine } from '../../../src/engine/engine.js';
import type { Repository } from '../../../src/repository/repository.js';
import { DATABASES } from '../../repository/repository-factory.js';

const DEFAULTS = fileURLToPath(new URL('../../../config/default/', import.meta.url));
const T0 = Date.parse('2026-06-01T08:00:00Z');
const HEADER = 'EmployeeID,Login,FirstName,LastName,Email,Manager,Department,Title,Location,HireDate';
const BOB = 'E0,bob,Bob,Boss,bob@example.org,,Finance,Head of Finance,Paris,2020-01-01';

for (const database of DATABASES) {
  describe(`${database.name}: config/default's HR source`, () => {
    let repo: Repository;
    let engine: RuntimeEngine;
    let now = T0;
    let file = 0;
    const run = (...rows: string[]): Promise<HrImportResult> =>
      importHrFile({ repository: repo, engine, clock: () => now }, { source: 'hr', file: `day${++file}.csv`, bytes: Buffer.from(`${[HEADER, ...rows].join('\n')}\n`), force: true });
    /**
     * Approves the reviews the launches of `result` wait in, in the order of the file, as whom each asks: the
     * person's manager, or mia (of Manager) for someone without one; each then finishes.
     */
    const approve = async (result: HrImportResult): Promise<void> => {
      for (const launch of result.launches!.results) {
        const id = launch.instanceId!;
        const items = (await engine.getTask(id)).state === 'executing' ? await engine.listWorkItems({ instanceId: id }) : [];
        for (const item of items) await engine.decide({ workItemId: item.id, decision: 'Approve', actor: item.owner ?? 'mia' });
        const task = await engine.getTask(id);
        assert.equal(task.state, 'finished');
        assert.equal(task.variables['WF_ACTION_ERROR'] ?? null, null, `${launch.definition} for ${launch.key} persisted`);
      }
    };

    before(async () => {
      repo = await database.open();
      const loaded = await loadDefinitionFiles(readdirSync(DEFAULTS).filter((f) => f.endsWith('.xml')).map((f) => join(DEFAULTS, f)));
      await repo.objects.putMany(loaded.objects);
      await storeDefaultHrSources(repo, DEFAULTS, T0);
      await repo.profiles.assign('mia', ['Manager'], 'admin', T0);
      engine = await openEngine({ repository: repo, clock: () => now, workerId: 'default-hr-source-test' });
    });
    after(async () => {
      await engine.close();
      await repo.close();
    });

    it('renames a person whose login and last name change in the HR file, and offboards her under the new login', async () => {
      await approve(await run(BOB, 'E1,jdoe,Jane,Doe,jane@example.org,bob,Finance,Accountant,Paris,2026-01-05'));
      now += 60_000;
      assert.equal((await repo.identities.findIdentity('jdoe'))?.identity.state, 'active');

      const renamed = await run(BOB, 'E1,jsmith,Jane,Smith,jane@example.org,bob,Finance,Accountant,Paris,2026-01-05');
      assert.deepEqual([renamed.plan.movers, renamed.plan.updated], [['E1'], []], 'a rename starts the mover workflow, not a quiet update');
      await approve(renamed);
      now += 60_000;
      assert.equal(await repo.identities.findIdentity('jdoe'), undefined, 'no identity is left under the old login');
      const jsmith = await repo.identities.findIdentity('jsmith');
      assert.equal(jsmith?.identity.state, 'active');

      await approve(await run(BOB));
      const left = await repo.identities.findIdentity('jsmith');
      assert.equal(left?.identity.id, jsmith!.identity.id, 'the leaver ends the same identity');
      assert.equal(left?.identity.state, 'ended');
    });
  });
}
