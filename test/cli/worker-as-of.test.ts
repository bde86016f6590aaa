/**
 * `idflow worker --once --as-of TIME`: one round as though it were another time, so what is dated later comes due
 * (here a future hire's onboarding); refused without `--once`.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempRepository } from './cli-harness.js';

const MAPPING = `name: workday
key: EmployeeID
columns: { EmployeeID: EmployeeId, Login: Login, LastName: LastName, HireDate: ContractStartDate }
dates: { HireDate: yyyy-MM-dd }
subject: Login
added: { workflow: User_Onboarding, firstTransition: ActionWithRefine-ActionPending-Execute, startDate: ContractStartDate }
`;

describe('idflow worker --as-of', () => {
  const repo = tempRepository({ prefix: 'idflow-worker-as-of-', seed: ['init'] });

  it('starts a hire dated next year only in a round run as of that date', async () => {
    const next = new Date().getUTCFullYear() + 1;
    writeFileSync(join(repo.dir, 'workday.yaml'), MAPPING);
    writeFileSync(join(repo.dir, 'people.csv'), `EmployeeID,Login,LastName,HireDate\nE1,later,Later,${next}-02-01\n`);
    const set = await repo.idflow('hr', 'source', 'set', join(repo.dir, 'workday.yaml'));
    assert.equal(set.status, 0, set.stderr);
    const imported = await repo.json<{ launches: { launched: number } }>('hr', 'import', join(repo.dir, 'people.csv'), '--source', 'workday');
    assert.equal(imported.launches.launched, 0, 'the hire is not due yet');

    assert.equal((await repo.idflow('worker', '--once')).status, 0);
    assert.deepEqual(await repo.json('tasks'), [], 'a round run now starts nothing');

    const early = await repo.idflow('worker', '--once', '--as-of', `${next}-01-31`);
    assert.equal(early.status, 0, early.stderr);
    assert.deepEqual(await repo.json('tasks'), [], 'nor one run the day before the start date');

    const onTheDay = await repo.idflow('worker', '--once', '--as-of', `${next}-02-01T08:00Z`);
    assert.equal(onTheDay.status, 0, onTheDay.stderr);
    const tasks = await repo.json<{ definition: { name: string }; position: string[] }[]>('tasks');
    assert.deepEqual(tasks.map((t) => [t.definition.name, t.position]), [['User_Onboarding', ['Review/ReviewWithFeedback-ReviewPending']]]);
    const launched = await repo.json<{ at: string; data: { subject: string } }[]>('audit', '--type', 'hr.launched');
    assert.deepEqual(launched.map((e) => [e.data.subject, e.at.slice(0, 10)]), [['later', `${next}-02-01`]], 'recorded at the time the round ran as');
  });

  it('refuses --as-of without --once, and a time that does not exist', async () => {
    const running = await repo.idflow('worker', '--as-of', '2030-01-01');
    assert.equal(running.status, 2);
    assert.match(running.stderr, /CLI_AS_OF_NEEDS_ONCE/);
    const bad = await repo.idflow('worker', '--once', '--as-of', '2030-02-30');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /CLI_BAD_DATE/);
  });
});
