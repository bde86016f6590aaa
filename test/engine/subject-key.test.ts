/**
 * Subjects are one identity however they are typed: the subject guard, listings by subject and the migration of
 * rows written before subject keys existed all compare `subjectKey`s (issue 6, item 6).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sameSubject, subjectKey } from '../../src/index.js';
import { m0007SubjectKeys } from '../../src/repository/migrations/0007-subject-keys.js';
import { migrations } from '../../src/repository/migrations/index.js';
import { runMigrations } from '../../src/repository/migrator.js';
import { openRepository } from '../../src/repository/open-repository.js';
import { openSqliteDatabase } from '../../src/repository/sqlite/sqlite-database.js';
import { SqliteMigrationDriver } from '../../src/repository/sqlite/sqlite-migration-driver.js';
import { openEngine } from '../../src/engine/engine.js';
import { engineFixture, errorCode, openRuntimeWorld, type RuntimeWorld } from './runtime-harness.js';
import { DATABASES } from '../repository/repository-factory.js';
import { loadDefinitionFiles } from '../../src/definition/load.js';

const SPELLINGS = ['jdoe', 'JDOE', ' jdoe', 'jdoe ', 'ｊｄｏｅ'];

describe('subject keys', () => {
  it('gives every spelling of one user name the same key', () => {
    assert.deepEqual(new Set(SPELLINGS.map(subjectKey)), new Set(['jdoe']));
    assert.equal(subjectKey('\u3000Jdoe\u00a0'), 'jdoe', 'an ideographic space and a no-break space are trimmed too');
    assert.equal(subjectKey('STRASSE'), subjectKey('straße'));
    assert.equal(sameSubject('J.Doe', 'j.doe'), true);
  });

  it('keeps names that differ inside apart', () => {
    assert.notEqual(subjectKey('j doe'), subjectKey('jdoe'));
    assert.notEqual(subjectKey('jdoe1'), subjectKey('jdoe'));
    assert.equal(sameSubject('jdoe', ''), false);
  });

  it('refuses a subject that names nobody', () => {
    for (const empty of ['', '   ', '\u3000']) assert.throws(() => subjectKey(empty), { code: 'SUBJECT_EMPTY' }, JSON.stringify(empty));
  });

  it('refuses control characters and terminal escapes without echoing them', () => {
    for (const bad of ['\u001b[2Jjdoe', 'jd\u0000oe', 'jdoe\u202e', 'jdoe\n', '\tjdoe']) {
      assert.throws(
        () => subjectKey(bad),
        (e: Error & { code?: string }) => e.code === 'SUBJECT_INVALID' && !/[\u0000-\u001f\u202e]/.test(e.message),
        JSON.stringify(bad),
      );
    }
  });
});

for (const database of DATABASES) {
describe(`the subject guard (${database.name})`, () => {
  let w: RuntimeWorld;
  before(async () => {
    w = await openRuntimeWorld(undefined, {}, database);
  });
  after(() => w.close());

  it('lets one of five concurrent launches on differently typed spellings of one user through', async () => {
    const results = await Promise.allSettled(SPELLINGS.map((subject) => w.engine.launch({ definition: 'Auto Default', subject, launcher: 'bob' })));
    const launched = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code] : []));
    assert.equal(launched.length, 1);
    assert.deepEqual(refused, ['SUBJECT_BUSY', 'SUBJECT_BUSY', 'SUBJECT_BUSY', 'SUBJECT_BUSY']);
  });

  it('refuses a second launch on another spelling while the first runs, and frees the user when it ends', async () => {
    await w.engine.launch({ definition: 'Auto Default', subject: 'Kroe', launcher: 'bob' });
    assert.equal((await errorCode(() => w.engine.launch({ definition: 'Auto Sync', subject: ' KROE', launcher: 'bob' }))).code, 'SUBJECT_BUSY');
    await w.engine.runWorkerOnce();
    assert.equal((await w.engine.launch({ definition: 'Auto Sync', subject: 'kroe', launcher: 'bob' })).instance.state, 'finished');
  });

  it('lists the tasks of a user by any spelling and shows the subject as it was given', async () => {
    await w.engine.launch({ definition: 'Auto Sync', subject: ' MMax', launcher: 'bob' });
    const listed = await w.engine.listTasks({ subject: 'ｍｍａｘ' });
    assert.deepEqual(listed.map((t) => t.subject), [' MMax']);
  });

  it('refuses an empty subject and launches nothing', async () => {
    const before = (await w.engine.listTasks()).length;
    for (const subject of ['', '  ']) {
      assert.equal((await errorCode(() => w.engine.launch({ definition: 'Auto Default', subject, launcher: 'bob' }))).code, 'SUBJECT_EMPTY');
    }
    assert.equal((await w.engine.listTasks()).length, before);
  });
});
}

describe('repositories written before subject keys', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'idflow-subject-keys-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keep a running update workflow holding its user under every spelling after the upgrade', async () => {
    const path = join(dir, 'old.db');
    const db = openSqliteDatabase(path);
    const report = await runMigrations(new SqliteMigrationDriver(db), migrations.filter((m) => m.version < m0007SubjectKeys.version));
    assert.equal(report.error, undefined);
    db.prepare(
      `INSERT INTO task_instances (id, definition_id, definition_type, definition_name, definition_version, state, launcher, subject, position,
         created_at, updated_at, revision) VALUES ('old-1', 'd', 'TaskDefinition', 'Auto Default', 1, 'executing', 'bob', 'JDoe ', '[]', 1, 1, 1)`,
    ).run();
    db.prepare(`INSERT INTO subject_locks (subject, instance_id, acquired_at) VALUES ('JDoe ', 'old-1', 1)`).run();
    db.close();

    const repository = await openRepository({ db: path });
    const loaded = await loadDefinitionFiles([engineFixture('task-parameters.xml')]);
    await repository.objects.putMany(loaded.objects);
    const engine = await openEngine({ repository, workerId: 'upgrade-test' });
    try {
      assert.equal((await errorCode(() => engine.launch({ definition: 'Auto Default', subject: 'jdoe', launcher: 'carol' }))).code, 'SUBJECT_BUSY');
      assert.deepEqual((await engine.listTasks({ subject: 'JDOE' })).map((t) => t.id), ['old-1']);
    } finally {
      await engine.close();
      await repository.close();
    }
  });
});
