/**
 * `idflow run --version N` launches an older version; `--vars-file` reads inputs from JSON or YAML.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { runIdflow, type Run } from './cli-harness.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/waveset/grant-role.xml', import.meta.url));

describe('idflow run options', () => {
  let dir: string;
  const idflow = (...args: string[]): Promise<Run> => runIdflow(['--db', join(dir, 'idflow.db'), ...args]);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cli-run-options-'));
    const v1 = readFileSync(EXAMPLE, 'utf8');
    writeFileSync(join(dir, 'v1.xml'), v1);
    writeFileSync(join(dir, 'v2.xml'), v1.replace('<s>Grant </s>', '<s>Please grant </s>'));
    assert.equal((await idflow('import', join(dir, 'v1.xml'))).status, 0);
    assert.equal((await idflow('import', join(dir, 'v2.xml'))).status, 0);
    writeFileSync(join(dir, 'inputs.yaml'), 'user: jdoe\nrole: admin\nroleOwner: carol\n');
    writeFileSync(join(dir, 'inputs.json'), '{"user": "ann", "role": "vpn", "roleOwner": "carol"}\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('launches the version asked for with inputs from a YAML file', async () => {
    const r = await idflow('run', 'Grant Role', '--version', '1', '--vars-file', join(dir, 'inputs.yaml'), '--json');
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { instance: { definition: { version: number } }; workItems: { request: string; owner: string }[] };
    assert.equal(result.instance.definition.version, 1);
    assert.equal(result.workItems[0]?.request, 'Grant admin to jdoe');
    assert.equal(result.workItems[0]?.owner, 'carol');
  });

  it('launches the latest version by default, with inputs from a JSON file that --var overrides', async () => {
    const r = await idflow('run', 'Grant Role', '--vars-file', join(dir, 'inputs.json'), '--var', 'role=mail', '--json');
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { instance: { definition: { version: number } }; workItems: { request: string }[] };
    assert.equal(result.instance.definition.version, 2);
    assert.equal(result.workItems[0]?.request, 'Please grant mail to ann');
  });

  it('refuses a version that does not exist, naming the latest', async () => {
    const r = await idflow('run', 'Grant Role', '--version', '9');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /DEFINITION_NOT_FOUND: "Grant Role" has no version 9; its latest is v2/);
  });

  it('refuses a vars file that is not one mapping, and launches nothing', async () => {
    writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n');
    const r = await idflow('run', 'Grant Role', '--vars-file', join(dir, 'list.yaml'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /CLI_BAD_VARS_FILE: .*one mapping/);
    const tasks = await idflow('tasks', '--output', 'jsonl', '--fields', 'id');
    assert.equal(tasks.stdout.trim().split('\n').length, 2, 'only the two launches above');
  });
});
