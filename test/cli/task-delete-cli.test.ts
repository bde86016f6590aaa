import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runIdflow } from './cli-harness.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/engine/task-delete.xml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'idflow-task-delete-'));
const db = join(dir, 'idflow.db');

describe('idflow task delete', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('deletes one kept result by id, then every one that ended before a date', async () => {
    assert.equal((await runIdflow(['--db', db, 'import', FIXTURE])).status, 0);
    const launch = async (): Promise<string> => (JSON.parse((await runIdflow(['--db', db, 'run', 'Kept Result', '--json'])).stdout) as { instance: { id: string } }).instance.id;
    const first = await launch();
    await launch();
    await launch();
    const one = await runIdflow(['--db', db, 'task', 'delete', first, '--as', 'carol']);
    assert.equal(one.status, 0, one.stderr);
    assert.match(one.stdout, new RegExp(`task instance ${first} \\(.*\\) is deleted; its audit events stay`));
    const many = await runIdflow(['--db', db, 'task', 'delete', '--finished-before', '2999-01-01', '--json']);
    assert.equal(many.status, 0, many.stderr);
    assert.equal((JSON.parse(many.stdout) as { deleted: number }).deleted, 2);
  });

  it('deletes by a unique short id, as task show takes it', async () => {
    const r = JSON.parse((await runIdflow(['--db', db, 'run', 'Kept Result', '--json'])).stdout) as { instance: { id: string } };
    const id = r.instance.id;
    const one = await runIdflow(['--db', db, 'task', 'delete', id.slice(24), '--as', 'carol']);
    assert.equal(one.status, 0, one.stderr);
    assert.match(one.stdout, new RegExp(`task instance ${id} \\(.*\\) is deleted`));
  });

  it('refuses a date it cannot read and a call with neither an id nor a date', async () => {
    const bad = await runIdflow(['--db', db, 'task', 'delete', '--finished-before', 'last week']);
    assert.match(bad.stderr, /CLI_BAD_DATE: --finished-before takes a date such as 2025-02-01/);
    const neither = await runIdflow(['--db', db, 'task', 'delete']);
    assert.match(neither.stderr, /CLI_USAGE: task delete takes either an instance id or --finished-before DATE/);
  });
});
