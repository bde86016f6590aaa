import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runIdflow } from './cli-harness.js';

const EXPORT = fileURLToPath(new URL('../fixtures/waveset/export/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'idflow-export-'));
const db = join(dir, 'idflow.db');

after(() => rmSync(dir, { recursive: true, force: true }));

describe('idflow import of a whole Waveset export directory', () => {
  it('stores the workflows and lists each object type with its stored, skipped and refused counts', async () => {
    const r = await runIdflow(['--db', db, 'import', EXPORT]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^OBJECT TYPE\s+STORED\s+SKIPPED\s+REFUSED$/m);
    assert.match(r.stdout, /^ProvisioningTask\s+1\s+0\s+0$/m);
    assert.match(r.stdout, /^TaskDefinition\s+2\s+0\s+0$/m);
    assert.match(r.stdout, /^Resource\s+0\s+1\s+0$/m);
    assert.match(r.stdout, /^5 objects from 6 files: 5 created/m);
    const json = JSON.parse((await runIdflow(['--db', db, 'import', EXPORT, '--json'])).stdout) as { objectTypes: unknown[] };
    assert.deepEqual(json.objectTypes.find((t) => (t as { type: string }).type === 'EncryptionKey'), { type: 'EncryptionKey', stored: 0, skipped: 1, refused: 0 });
  });

  it('runs the ProvisioningTask and refuses the Java task with a code naming its executor', async () => {
    const created = await runIdflow(['--db', db, 'run', 'Create User', '--var', 'accountId=ann', '--json']);
    assert.equal(created.status, 0, created.stderr);
    assert.equal((JSON.parse(created.stdout) as { instance: { state: string } }).instance.state, 'finished');
    const spml = await runIdflow(['--db', db, 'run', 'SPML Bulk Request']);
    assert.notEqual(spml.status, 0);
    assert.match(spml.stderr, /TASK_EXECUTOR_UNSUPPORTED: "SPML Bulk Request" is a Java task run by com\.waveset\.rpc\.SpmlExecutor/);
  });
});

describe('a real Waveset export imported over the default workflows', () => {
  const defaults = join(dir, 'defaults.db');

  it("replaces the default Create User with the vendor's as a new version, and runs the vendor's", async () => {
    assert.equal((await runIdflow(['--db', defaults, 'init'])).status, 0);
    const imported = await runIdflow(['--db', defaults, 'import', EXPORT]);
    assert.equal(imported.status, 0, imported.stdout + imported.stderr);
    assert.match(imported.stdout, /Create User.*v2/);
    const created = await runIdflow(['--db', defaults, 'run', 'Create User', '--var', 'accountId=ann', '--json']);
    assert.equal(created.status, 0, created.stderr);
    const { instance } = JSON.parse(created.stdout) as { instance: { state: string; definition: { version: number }; variables: Record<string, unknown> } };
    assert.equal(instance.state, 'finished');
    assert.equal(instance.definition.version, 2);
    assert.equal(instance.variables['created'], 'created ann', "the vendor's workflow ran, not the default");
  });
});

describe('idflow run of a name that a TaskDefinition and a Workflow share', () => {
  const shared = join(dir, 'shared.db');
  const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/engine/${name}`, import.meta.url));

  it('refuses without --type and launches the type --type names', async () => {
    const imported = await runIdflow(['--db', shared, 'import', fixture('shared-name-task.xml'), fixture('shared-name-workflow.xml')]);
    assert.equal(imported.status, 0, imported.stdout + imported.stderr);
    const ambiguous = await runIdflow(['--db', shared, 'run', 'User_Offboarding']);
    assert.notEqual(ambiguous.status, 0);
    assert.match(ambiguous.stderr, /DEFINITION_AMBIGUOUS/);
    const chosen = await runIdflow(['--db', shared, 'run', 'User_Offboarding', '--type', 'taskdefinition', '--json']);
    assert.equal(chosen.status, 0, chosen.stderr);
    assert.equal((JSON.parse(chosen.stdout) as { instance: { definition: { type: string } } }).instance.definition.type, 'TaskDefinition');
  });
});
