import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DiagnosticBag } from '../../src/definition/diagnostic.js';
import { loadDefinitionFiles, loadDocument } from '../../src/definition/load.js';
import type { ConfigurationObject, TaskDefinitionObject } from '../../src/definition/model/index.js';

const EXPORT = fileURLToPath(new URL('../fixtures/waveset/export/', import.meta.url));
const files = readdirSync(EXPORT).filter((f) => f.endsWith('.xml')).sort().map((f) => EXPORT + f);

function load(text: string): { codes: string[]; objects: ReturnType<typeof loadDocument> } {
  const diags = new DiagnosticBag();
  const objects = loadDocument(text, 'inline.xml', diags);
  return { codes: diags.sorted().map((d) => `${d.location.line}:${d.location.column} ${d.severity} ${d.code}`), objects };
}

describe('a whole Waveset export', () => {
  it('loads without an error: workflows read, every other object type skipped with a warning and accounted for', async () => {
    const r = await loadDefinitionFiles(files);
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.ok(r.ok);
    assert.deepEqual(r.objects.map((o) => `${o.object.type}:${o.object.name}`).sort(), [
      'Configuration:AccountAttributeTypes',
      'Configuration:Reconcile Configuration',
      'TaskDefinition:Create User',
      'TaskDefinition:Disable User',
      'TaskDefinition:SPML Bulk Request',
    ]);
    const skipped = r.accounts.filter((a) => a.outcome === 'skipped').map((a) => a.type).sort();
    assert.deepEqual(skipped, ['AdminRole', 'EmailTemplate', 'EncryptionKey', 'Form', 'ObjectGroup', 'Policy', 'Resource', 'Role', 'User', 'UserForm']);
    assert.ok(r.diagnostics.some((d) => d.code === 'DEF_IGNORED_ELEMENT' && /this Resource was skipped and is not stored/.test(d.message)));
  });

  it('accepts every skipped object type as the root of a file, as it is inside <Waveset>', () => {
    for (const type of ['Resource', 'Policy', 'Role', 'ObjectGroup', 'User', 'EncryptionKey', 'Form', 'EmailTemplate']) {
      const bare = load(`<${type} name='x'/>`);
      const wrapped = load(`<Waveset>\n<${type} name='x'/>\n</Waveset>`);
      assert.deepEqual(bare.codes, ['1:1 warning DEF_IGNORED_ELEMENT'], type);
      assert.deepEqual(wrapped.codes, ['2:1 warning DEF_IGNORED_ELEMENT'], type);
    }
  });

  it('reads a ProvisioningTask as a TaskDefinition with its process', async () => {
    const r = await loadDefinitionFiles([EXPORT + 'workflows.xml']);
    const create = r.objects.find((o) => o.object.name === 'Create User')?.object as TaskDefinitionObject;
    assert.equal(create.type, 'TaskDefinition');
    assert.deepEqual(create.process.activities.map((a) => a.name), ['start', 'Create', 'end']);
    assert.equal(r.accounts.find((a) => a.name === 'Create User')?.type, 'ProvisioningTask');
  });

  it('stores a TaskDefinition with a Java executor and no WFProcess, naming its executor in a warning', () => {
    const r = load(`<TaskDefinition name='Report' executor='com.waveset.task.ReportTask'/>`);
    assert.deepEqual(r.codes, ['1:1 warning DEF_NOT_A_WORKFLOW']);
    assert.equal((r.objects[0]?.object as TaskDefinitionObject).javaExecutor, 'com.waveset.task.ReportTask');
  });

  it('stores a Configuration whose body is a typed element, directly or inside <Extension>', () => {
    const direct = load(`<Configuration name='R' wstype='ReconcileConfig'>\n  <ReconcileConfig workerThreads='4'/>\n</Configuration>`);
    assert.deepEqual(direct.codes, ['2:3 warning DEF_IGNORED_ELEMENT']);
    assert.equal((direct.objects[0]?.object as ConfigurationObject).name, 'R');
    const extension = load(`<Configuration name='A'><Extension><AccountAttributeTypes/></Extension></Configuration>`);
    assert.deepEqual(extension.codes, ['1:36 warning DEF_IGNORED_ELEMENT']);
    assert.equal(extension.objects.length, 1);
  });

  it('counts an object holding an error as refused, and the others of the file as read', async () => {
    const r = await loadDefinitionFiles([EXPORT + 'workflows.xml', fileURLToPath(new URL('../fixtures/waveset/export-broken/broken.xml', import.meta.url))]);
    assert.equal(r.ok, false);
    const outcomes = r.accounts.filter((a) => a.file.endsWith('broken.xml')).map((a) => `${a.type}:${a.name}:${a.outcome}`);
    assert.deepEqual(outcomes, ['Resource:AD:skipped', 'TaskDefinition:Good:read', 'TaskDefinition:Bad:refused']);
  });
});
