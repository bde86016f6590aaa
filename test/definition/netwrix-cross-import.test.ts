import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadDefinitionFiles, type LoadedObject } from '../../src/definition/load.js';
import type { WorkflowObject } from '../../src/definition/model/objects.js';
import { openRepository } from '../../src/repository/open-repository.js';
import type { Repository } from '../../src/repository/repository.js';

const NS = 'urn:schemas-usercube-com:configuration';
const WORKFLOW = `<ConfigurationFile xmlns="${NS}">
  <Workflow Identifier="User_ChangeName" DisplayName_L1="Change name" VariablesType="Workflow_User">
    <Activity Identifier="Request" DisplayName_L1="Request" Template="ActionWithRefine" />
    <Activity Identifier="Persist" DisplayName_L1="Commit" Template="Persist" />
  </Workflow>
</ConfigurationFile>`;
const ASPECT = (state: string): string => `<ConfigurationFile xmlns="${NS}">
  <AssertValueAspect Identifier="LastName_Required" Message_L1="A last name is required">
    <Expression><notnull><ref>changes.LastName</ref></notnull></Expression>
    <PointCut Activity="User_ChangeName:Request" ActivityState="${state}" Mode="Before" />
  </AssertValueAspect>
</ConfigurationFile>`;

async function stored(repo: Repository): Promise<LoadedObject[]> {
  const out: LoadedObject[] = [];
  for (const type of ['Workflow', 'Aspect'] as const) {
    for (const o of await repo.objects.listLatest(type)) out.push({ object: o.model, xml: o.xml, file: o.sourceFile });
  }
  return out;
}

function aspectsOf(w: WorkflowObject, activity: string): string[] {
  return w.process.activities.find((a) => a.name === activity)?.aspects?.before.map((a) => a.identifier) ?? [];
}

describe('linking Netwrix aspects with workflows imported apart', () => {
  let dir: string;
  let repo: Repository;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idflow-link-'));
    writeFileSync(join(dir, 'workflow.xml'), WORKFLOW);
    writeFileSync(join(dir, 'aspect.xml'), ASPECT('ActionWithRefine-Executed'));
    writeFileSync(join(dir, 'bad-aspect.xml'), ASPECT('Review-Approved'));
    repo = await openRepository({ db: join(dir, 'r.db') });
    const first = await loadDefinitionFiles([join(dir, 'workflow.xml')]);
    assert.ok(first.ok);
    await repo.objects.putMany(first.objects);
  });
  after(async () => {
    await repo.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a new version of a stored workflow when an aspect cutting it is imported on its own', async () => {
    const load = await loadDefinitionFiles([join(dir, 'aspect.xml')], { stored: await stored(repo) });
    assert.ok(load.ok, JSON.stringify(load.diagnostics));
    assert.deepEqual(load.diagnostics.filter((d) => d.code === 'NETWRIX_POINTCUT_UNRESOLVED'), []);
    const results = await repo.objects.putMany(load.objects);
    assert.deepEqual(results.map((r) => `${r.status} ${r.stored.type} ${r.stored.name}`).sort(), [
      'created Aspect LastName_Required',
      'new-version Workflow User_ChangeName',
    ]);
    const latest = await repo.objects.getLatest('Workflow', 'User_ChangeName');
    assert.equal(latest?.version, 2);
    assert.deepEqual(aspectsOf(latest!.model as WorkflowObject, 'Request/ActionWithRefine-Executed'), ['LastName_Required']);
  });

  it('keeps stored aspects when the workflow itself is imported again', async () => {
    const load = await loadDefinitionFiles([join(dir, 'workflow.xml')], { stored: await stored(repo) });
    assert.ok(load.ok);
    const results = await repo.objects.putMany(load.objects);
    assert.deepEqual(results.map((r) => r.status), ['unchanged']);
    const w = load.objects[0]!.object as WorkflowObject;
    assert.deepEqual(aspectsOf(w, 'Request/ActionWithRefine-Executed'), ['LastName_Required']);
  });

  it('refuses an aspect whose PointCut names a state the stored workflow does not have', async () => {
    const load = await loadDefinitionFiles([join(dir, 'bad-aspect.xml')], { stored: await stored(repo) });
    assert.equal(load.ok, false);
    assert.ok(load.diagnostics.some((d) => d.code === 'NETWRIX_UNKNOWN_STATE' && d.location.file.endsWith('bad-aspect.xml')));
  });
});
