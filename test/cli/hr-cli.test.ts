/**
 * `idflow hr …` and `idflow audit` as a user runs them: a source set from YAML, a dry run, an import that starts the
 * onboarding past its Request, a refused file reported line by line, and the trail found by subject and type.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
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
    assert.deepEqual(trail.filter((e) => ['launched', 'decision', 'hr.launched'].includes(e.event)).map((e) => e.event), ['launched', 'decision', 'hr.launched']);
    const runs = await repo.json<{ data: { outcome: string } }[]>('audit', '--type', 'hr.run', '--sort', 'oldest');
    assert.deepEqual(runs.map((r) => r.data.outcome), ['dry-run', 'applied', 'refused']);
  });
});
