/**
 * The lifecycle defaults from the command line (docs/lifecycle.md): `idflow init` stores the default HR source and
 * leaves a changed one alone; `idflow resource add --birthright` keeps a rule, shows it, and refuses a bad one
 * without writing anything.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempRepository } from './cli-harness.js';

describe('the lifecycle defaults on the command line', () => {
  const repo = tempRepository({ prefix: 'idflow-lifecycle-cli-', seed: ['init'] });

  it('stores the default HR source at init, and keeps one an administrator changed at the next init', async () => {
    assert.deepEqual(await repo.json<string[]>('hr', 'source', 'list'), ['hr']);
    const shown = JSON.parse((await repo.idflow('hr', 'source', 'show', 'hr')).stdout) as { modified: { workflow: string }; deleted: { workflow: string } };
    assert.deepEqual([shown.modified.workflow, shown.deleted.workflow], ['User_Move', 'User_Offboarding']);
    const changed = join(repo.dir, 'hr.json');
    writeFileSync(changed, JSON.stringify({ ...shown, threshold: { count: 5 } }));
    assert.equal((await repo.idflow('hr', 'source', 'set', changed)).status, 0);
    const again = await repo.json<{ hrSources: { name: string; file: string; status: string }[] }>('init');
    assert.deepEqual(again.hrSources, [{ name: 'hr', file: again.hrSources[0]!.file, status: 'kept' }]);
    const kept = JSON.parse((await repo.idflow('hr', 'source', 'show', 'hr')).stdout) as { threshold: { count: number } };
    assert.equal(kept.threshold.count, 5, 'the administrator\'s change is kept');
  });

  it('keeps a birthright rule on a resource, and refuses a bad one without writing anything', async () => {
    const added = await repo.json<{ birthright: unknown }>('resource', 'add', 'finance', '--kind', 'group', '--birthright', '[{"Department":["Finance","Accounting"]}]');
    assert.deepEqual(added.birthright, [{ department: ['finance', 'accounting'] }]);
    const bad = await repo.idflow('resource', 'add', 'finance', '--kind', 'group', '--birthright', '[{"FristName":"x"}]');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /BIRTHRIGHT_RULE_INVALID/);
    assert.match(bad.stderr, /FristName/);
    const shown = await repo.json<{ birthright: unknown }>('resource', 'show', 'finance');
    assert.deepEqual(shown.birthright, [{ department: ['finance', 'accounting'] }], 'the refused rule changed nothing');
    const updated = await repo.json<{ birthright: unknown }>('resource', 'add', 'finance', '--kind', 'group', '--description', 'the finance share');
    assert.deepEqual(updated.birthright, [{ department: ['finance', 'accounting'] }], 'an update without --birthright keeps the rule');
    assert.equal((await repo.json<{ birthright: unknown }>('resource', 'add', 'finance', '--kind', 'group', '--birthright', 'none')).birthright, null);
  });
});
