/**
 * The out-of-office store (migration 0012) on both databases: absences declared, replaced, listed, in force at a
 * time, cleared; and the hand-over of open work items with its audit rows, all or nothing per item.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AbsenceRecord } from '../../src/repository/absence-store.js';
import type { Repository } from '../../src/repository/repository.js';
import { DATABASES } from './repository-factory.js';

const T = 1_900_000_000_000;

function absence(person: string, delegate: string, from: number, until: number | null): AbsenceRecord {
  return { person, delegate, from, until, note: null, setBy: person, setAt: T };
}

for (const database of DATABASES) {
  describe(`${database.name}: out-of-office store`, () => {
    let repo: Repository;
    before(async () => {
      repo = await database.open();
    });
    after(() => repo.close());

    it('keeps one absence per person, the last declared, and answers who is away at a given time', async () => {
      await repo.absences.put(absence('ann', 'dave', T, T + 1000));
      await repo.absences.put({ ...absence('ann', 'erin', T, T + 2000), note: 'moved' });
      await repo.absences.put(absence('bob', 'erin', T + 500, null));
      assert.deepEqual(await repo.absences.get('ann'), { ...absence('ann', 'erin', T, T + 2000), note: 'moved' });
      assert.deepEqual((await repo.absences.list()).map((a) => a.person), ['ann', 'bob']);
      assert.deepEqual((await repo.absences.list({ delegate: 'erin' })).map((a) => a.person), ['ann', 'bob']);
      assert.deepEqual((await repo.absences.inForce(['ann', 'bob', 'carl'], T)).map((a) => a.person), ['ann'], 'bob not yet');
      assert.deepEqual((await repo.absences.inForce(['ann', 'bob'], T + 1999)).map((a) => a.person), ['ann', 'bob']);
      assert.deepEqual((await repo.absences.inForce(['ann', 'bob'], T + 2000)).map((a) => a.person), ['bob'], 'until is exclusive');
      assert.equal(await repo.absences.clear('ann'), true);
      assert.equal(await repo.absences.clear('ann'), false);
      assert.equal(await repo.absences.get('ann'), undefined);
    });

    it('refuses a delegate who is the person and a period that ends before it starts', async () => {
      await assert.rejects(repo.absences.put(absence('carl', 'carl', T, null)));
      await assert.rejects(repo.absences.put(absence('carl', 'dave', T, T)));
      assert.equal(await repo.absences.get('carl'), undefined);
    });

    it('hands over only the open items still owned by the person, each with its audit row', async () => {
      const instance = 'i-ooo-1';
      await database.query(
        repo,
        `INSERT INTO task_instances (id, name, definition_id, definition_type, definition_name, definition_version, state, waiting, launcher, position, variables, steps, created_at, updated_at, revision, runnable, attempts)
         VALUES (?, ?, 'd1', 'TaskDefinition', 'Def', 1, 'executing', ${database.name === 'postgres' ? 'true' : '1'}, 'bob', '[]', '{}', 0, ?, ?, 1, ${database.name === 'postgres' ? 'false' : '0'}, 0) RETURNING id`,
        [instance, 'ooo', T, T],
      );
      const item = (n: number, owner: string, state: string) =>
        database.query(
          repo,
          `INSERT INTO work_items (id, instance_id, definition_name, activity, action, owner, request, decisions, variables, editable, state, created_at)
           VALUES (?, ?, 'Def', 'Approve', '0', ?, 'r', '[]', '{}', '[]', ?, ?) RETURNING id`,
          [`${instance}.${n}`, instance, owner, state, T + n],
        );
      await item(1, 'gina', 'open');
      await item(2, 'gina', 'decided');
      await item(3, 'other', 'open');
      const audit = (n: number) => ({ at: T, instanceId: instance, event: 'workitem-handed-over', actor: 'gina', workItemId: `${instance}.${n}`, data: { delegatedFrom: 'gina' } });
      const moved = await repo.absences.handOver([1, 2, 3].map((n) => ({ id: `${instance}.${n}`, from: 'gina', to: 'hal', audit: audit(n) })));
      assert.deepEqual(moved, [`${instance}.1`]);
      const one = await repo.runtime.getWorkItem(`${instance}.1`);
      assert.deepEqual([one?.owner, one?.delegatedFrom], ['hal', 'gina']);
      assert.equal((await repo.runtime.getWorkItem(`${instance}.3`))?.owner, 'other');
      assert.deepEqual((await repo.runtime.listAudit({ instanceId: instance })).map((a) => a.workItemId), [`${instance}.1`]);
    });
  });
}
