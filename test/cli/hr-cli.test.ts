/**
 * `idflow hr …` and `idflow audit` as a user runs them: a source set from YAML, a dry run, an import that starts the
 * onboarding past its Request, a refused file reported line by line, and the trail found by subject and type.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openRepository } from '../../src/repository/open-repository.js';
import { tempRepository } from './cli-harness.js';

const MAPPING = `name: workday
key: EmployeeID
columns: { EmployeeID: EmployeeId, Login: Login, LastName: LastName, Department: Department }
subject: Login
added: { workflow: User_Onboarding, firstTransition: ActionWithRefine-ActionPending-Execute }
threshold: { count: 5 }
`;

describe('hr and audit commands', () => {
  const repo = tempRepository({ prefix: 'idflow-hr-cli-', seed: ['init'] });

  it('plans, imports and refuses HR files, and lists the audit trail of a person', async () => {
    writeFileSync(join(repo.dir, 'workday.yaml'), MAPPING);
    writeFileSync(join(repo.dir, 'people.csv'), 'EmployeeID,Login,LastName,Department\nE1,jdoe,Doe,Finance\n');
    writeFileSync(join(repo.dir, 'bad.csv'), 'EmployeeID,Login,LastName,Department,Shoe\nE1,jdoe,Doe,Finance,42\n,x,X,IT,1\n');
    assert.equal((await repo.idflow('hr', 'source', 'set', join(repo.dir, 'workday.yaml'))).status, 0);

    const dry = await repo.idflow('hr', 'import', join(repo.dir, 'people.csv'), '--source', 'workday', '--dry-run');
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /1 joiners/);
    assert.match(dry.stdout, /added +E1 \(jdoe\) → User_Onboarding/);
    assert.deepEqual(await repo.json('tasks'), [], 'a dry run starts nothing');

    const applied = await repo.json<{ outcome: string; launches: { launched: number } }>('hr', 'import', join(repo.dir, 'people.csv'), '--source', 'workday');
    assert.deepEqual([applied.outcome, applied.launches.launched], ['applied', 1]);
    const tasks = await repo.json<{ position: string[] }[]>('tasks');
    assert.deepEqual(tasks.map((t) => t.position), [['Review/ReviewWithFeedback-ReviewPending']]);

    const bad = await repo.idflow('hr', 'import', join(repo.dir, 'bad.csv'), '--source', 'workday');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /line 1: unknown-column: unknown column "Shoe"/);
    assert.match(bad.stderr, /line 3: missing-key/);
    assert.match(bad.stderr, /HR_FILE_REFUSED/);

    const trail = await repo.json<{ event: string }[]>('audit', '--subject', 'jdoe', '--sort', 'oldest');
    // The feed's row is marked in the commit that inserts the instance, so its event comes with the launch's.
    assert.deepEqual(trail.filter((e) => ['launched', 'decision', 'hr.launched'].includes(e.event)).map((e) => e.event), ['launched', 'hr.launched', 'decision']);
    const runs = await repo.json<{ data: { outcome: string } }[]>('audit', '--type', 'hr.run', '--sort', 'oldest');
    assert.deepEqual(runs.map((r) => r.data.outcome), ['dry-run', 'applied', 'refused']);

    const page1 = await repo.idflow('audit', '--limit', '2', '--output', 'jsonl');
    const cursor = /--after (\S+)/.exec(page1.stderr)?.[1];
    assert.ok(cursor, page1.stderr);
    const page2 = await repo.idflow('audit', '--limit', '2', '--output', 'jsonl', '--after', cursor);
    const ids = (r: { stdout: string }) => r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { id: number }).id);
    assert.ok(Math.min(...ids(page1)) > Math.max(...ids(page2)), 'newest first, the next page older');
  });

  it('has idflow worker start an HR launch that came due, as the source\'s launcher', async () => {
    const repository = await openRepository({ db: repo.db, env: {} });
    try {
      const at = Date.now() - 1000;
      await repository.hr.apply({
        run: { id: 'run-later', source: 'workday', at, file: 'later.csv', outcome: 'applied', plan: {} },
        upserts: [{ key: 'E7', attributes: { EmployeeId: 'E7', Login: 'later', LastName: 'Later' } }],
        deletes: [],
        launches: [{
          id: 'launch-later', source: 'workday', runId: 'run-later', rowKey: 'E7', change: 'added', definition: 'User_Onboarding', subject: 'later',
          variables: { changes: { Login: 'later', LastName: 'Later' } }, firstTransition: 'ActionWithRefine-ActionPending-Execute', dueAt: at,
          state: 'pending', instanceId: null, error: null,
        }],
        audit: [],
      });
    } finally {
      await repository.close();
    }
    const worker = await repo.idflow('worker', '--once');
    assert.equal(worker.status, 0, worker.stderr);
    const launched = await repo.json<{ data: { subject: string }; actor: string }[]>('audit', '--type', 'hr.launched', '--subject', 'later');
    assert.deepEqual(launched.map((e) => [e.actor, e.data.subject]), [['hr:workday', 'later']]);
  });
});
