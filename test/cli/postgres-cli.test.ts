/**
 * `idflow` on PostgreSQL as a user runs it: DATABASE_URL (or --db URL) for every command, the schema created once,
 * no password in any output.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DATABASES } from '../repository/repository-factory.js';
import { runIdflow } from './cli-harness.js';

const postgres = DATABASES.find((d) => d.name === 'postgres')!;

describe('idflow on a PostgreSQL DATABASE_URL', () => {
  let dir: string;
  let target: { readonly db: string; dispose(): Promise<void> };
  let url: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idflow-pg-cli-'));
    target = await postgres.location(dir);
    // A password in the URL (the test server trusts every login) to check that no output shows it.
    const u = new URL(target.db);
    u.password = 'hunter2-secret';
    url = u.toString();
  });
  after(async () => {
    await target.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the repository on the first init and opens it on the second, showing the URL without its password', async () => {
    const first = await runIdflow(['init'], { cwd: dir, env: { DATABASE_URL: url } });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^created repository postgres:\/\/postgres:\*\*\*@.* \(postgres\)$/m);
    assert.match(first.stdout, /schema: applied migration 0001 object-store/);
    const again = await runIdflow(['init'], { cwd: dir, env: { DATABASE_URL: url } });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /^opened existing repository .* \(postgres\)$/m);
    assert.match(again.stdout, /schema: up to date/);
    for (const r of [first, again]) assert.doesNotMatch(r.stdout + r.stderr, /hunter2/);
  });

  it('runs a workflow, lists the work item and decides it with --db URL as with a file', async () => {
    const run = await runIdflow(['--db', url, 'run', 'User_Onboarding', '--json'], { cwd: dir, env: { IDFLOW_USER: 'alice' } });
    assert.equal(run.status, 0, run.stderr);
    const launched = JSON.parse(run.stdout) as { instance: { id: string; state: string } };
    assert.equal(launched.instance.state, 'executing');
    const items = await runIdflow(['workitems', '--owner', 'alice', '--json'], { cwd: dir, env: { DATABASE_URL: url } });
    assert.equal(items.status, 0, items.stderr);
    assert.deepEqual((JSON.parse(items.stdout) as { instanceId: string }[]).map((w) => w.instanceId), [launched.instance.id]);
    const tasks = await runIdflow(['tasks', '--json'], { cwd: dir, env: { DATABASE_URL: url } });
    assert.equal(tasks.status, 0, tasks.stderr);
    assert.ok((JSON.parse(tasks.stdout) as { id: string }[]).some((t) => t.id === launched.instance.id));
  });

  it('refuses init --force on a database instead of dropping anything', async () => {
    const r = await runIdflow(['init', '--force'], { cwd: dir, env: { DATABASE_URL: url } });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /error CLI_NOT_A_REPOSITORY: .*PostgreSQL database; nothing was deleted/);
    const list = await runIdflow(['list', 'Workflow'], { cwd: dir, env: { DATABASE_URL: url } });
    assert.match(list.stdout, /User_Onboarding/);
  });

  it('reports a database without an idflow repository to a command that only reads', async () => {
    const empty = await postgres.location(dir);
    try {
      const r = await runIdflow(['tasks'], { cwd: dir, env: { DATABASE_URL: empty.db } });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^idflow: error REPO_NOT_FOUND: no idflow repository in the PostgreSQL database/);
    } finally {
      await empty.dispose();
    }
  });
});
