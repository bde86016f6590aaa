import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedObject } from '../../src/definition/load.js';
import type { ConfigurationObject, TaskDefinitionObject, WorkflowObject } from '../../src/definition/model/objects.js';
import { DEFAULT_TASK_PARAMETERS } from '../../src/definition/model/task-parameters.js';
import type { ProcessModel } from '../../src/definition/model/process.js';
import { hasErrorCode } from '../../src/errors.js';
import { migrations } from '../../src/repository/migrations/index.js';
import { runMigrations } from '../../src/repository/migrator.js';
import { objectDigest } from '../../src/repository/object-digest.js';
import { openRepository } from '../../src/repository/open-repository.js';
import { openSqliteDatabase } from '../../src/repository/sqlite/sqlite-database.js';
import { SqliteMigrationDriver } from '../../src/repository/sqlite/sqlite-migration-driver.js';
import { SqliteRepository } from '../../src/repository/sqlite/sqlite-repository.js';
import { DATABASES } from './repository-factory.js';

const at = (line: number, column = 1, file = 'defs.xml') => ({ file, line, column });

function processModel(name: string, line: number, activityNames: string[] = ['start', 'end']): ProcessModel {
  return {
    name,
    maxSteps: 0,
    variables: [{ name: 'user', input: true, output: false, external: false, scope: 'local', location: at(line + 1, 3) }],
    activities: activityNames.map((a, i) => ({
      id: String(i),
      name: a,
      variables: [],
      actions: [
        {
          kind: 'expression' as const,
          id: '0',
          arguments: [],
          returns: [],
          variables: [],
          expression: { op: 'set', attrs: { name: 'x' }, args: [{ op: 's', text: a, line: line + 3 + i, column: 9 }], line: line + 3 + i, column: 7 },
          location: at(line + 3 + i, 5),
        },
      ],
      transitions: i + 1 < activityNames.length ? [{ to: activityNames[i + 1]!, location: at(line + 4 + i, 5) }] : [],
      split: 'xor' as const,
      join: 'xor' as const,
      location: at(line + 2 + i, 3),
    })),
    start: activityNames[0]!,
    location: at(line, 1),
  };
}

function taskDefinition(name: string, { line = 1, activities = ['start', 'end'], file = 'defs.xml' } = {}): LoadedObject {
  const object: TaskDefinitionObject = {
    type: 'TaskDefinition',
    dialect: 'waveset',
    name,
    parameters: DEFAULT_TASK_PARAMETERS,
    process: processModel(name, line + 1, activities),
    attributes: {},
    location: at(line, 1, file),
  };
  return { object, xml: `<TaskDefinition name='${name}'/>`, file };
}


for (const database of DATABASES) {
  describe(database.name, () => {
    describe('object store versions', () => {
      it('stores a new object as version 1 and reports it created', async () => {
        const repo = await database.open();
        const [result] = await repo.objects.putMany([taskDefinition('Approve')]);
        assert.equal(result?.status, 'created');
        assert.equal(result?.stored.version, 1);
        assert.equal((await repo.objects.getLatest('TaskDefinition', 'Approve'))?.id, result?.stored.id);
        await repo.close();
      });

      it('reports an identical re-import as unchanged and keeps the same id', async () => {
        const repo = await database.open();
        const [first] = await repo.objects.putMany([taskDefinition('Approve')]);
        const [again] = await repo.objects.putMany([taskDefinition('Approve')]);
        assert.equal(again?.status, 'unchanged');
        assert.equal(again?.stored.id, first?.stored.id);
        assert.equal((await repo.objects.versions('TaskDefinition', 'Approve')).length, 1);
        await repo.close();
      });

      it('treats an object moved within its file, or to another file, as unchanged', async () => {
        const repo = await database.open();
        await repo.objects.putMany([taskDefinition('Approve', { line: 1 })]);
        const [moved] = await repo.objects.putMany([taskDefinition('Approve', { line: 40 })]);
        assert.equal(moved?.status, 'unchanged');
        const [otherFile] = await repo.objects.putMany([taskDefinition('Approve', { line: 7, file: 'elsewhere.xml' })]);
        assert.equal(otherFile?.status, 'unchanged');
        await repo.close();
      });

      it('stores a changed object as the next version with a new id', async () => {
        const repo = await database.open();
        const [v1] = await repo.objects.putMany([taskDefinition('Approve')]);
        const [v2] = await repo.objects.putMany([taskDefinition('Approve', { activities: ['start', 'approve', 'end'] })]);
        assert.equal(v2?.status, 'new-version');
        assert.equal(v2?.stored.version, 2);
        assert.notEqual(v2?.stored.id, v1?.stored.id);
        assert.equal((await repo.objects.getLatest('TaskDefinition', 'Approve'))?.version, 2);
        // The old version stays readable: running instances stay pinned to it.
        const old = await repo.objects.getVersion('TaskDefinition', 'Approve', 1);
        assert.equal(old?.id, v1?.stored.id);
        assert.equal((old?.model as TaskDefinitionObject).process.activities.length, 2);
        assert.equal((await repo.objects.getById(v2!.stored.id))?.version, 2);
        assert.deepEqual((await repo.objects.versions('TaskDefinition', 'Approve')).map((v) => v.version), [1, 2]);
        await repo.close();
      });

      it('returns the model exactly as it was stored', async () => {
        const repo = await database.open();
        const loaded = taskDefinition('Approve');
        await repo.objects.putMany([loaded]);
        const stored = await repo.objects.getLatest('TaskDefinition', 'Approve');
        assert.deepEqual(stored?.model, loaded.object);
        assert.equal(stored?.xml, loaded.xml);
        assert.equal(stored?.sourceFile, 'defs.xml');
        assert.equal(stored?.digest, objectDigest(loaded.object));
        await repo.close();
      });

      it('stores nothing when one object of an import is stored twice', async () => {
        const repo = await database.open();
        await assert.rejects(
          repo.objects.putMany([taskDefinition('A'), taskDefinition('B'), taskDefinition('A', { activities: ['x'] })]),
          (e) => hasErrorCode(e, 'REPO_DUPLICATE_OBJECT'),
        );
        assert.deepEqual(await repo.objects.list('TaskDefinition'), []);
        await repo.close();
      });

      it('keeps an XML attribute called location or line in the digest', () => {
        const a = taskDefinition('A').object as TaskDefinitionObject;
        const b: TaskDefinitionObject = { ...a, attributes: { location: 'Paris' } };
        const c: TaskDefinitionObject = { ...a, attributes: { location: 'Rome' } };
        assert.notEqual(objectDigest(b), objectDigest(c));
      });
    });

    describe('object store queries', () => {
      it('lists the latest version of every object of a type, by name', async () => {
        const repo = await database.open();
        await repo.objects.putMany([taskDefinition('Zeta'), taskDefinition('Alpha')]);
        await repo.objects.putMany([taskDefinition('Zeta', { activities: ['a', 'b', 'c'] })]);
        const list = await repo.objects.list('TaskDefinition');
        assert.deepEqual(list.map((o) => [o.name, o.version]), [['Alpha', 1], ['Zeta', 2]]);
        assert.equal('model' in list[0]!, false);
        assert.deepEqual(await repo.objects.list('Rule'), []);
        assert.deepEqual(await repo.objects.counts(), { TaskDefinition: 2 });
        await repo.close();
      });

      it('finds a process by name: TaskDefinition first, then Workflow, then a Configuration with a process', async () => {
        const repo = await database.open();
        const workflow: WorkflowObject = {
          type: 'Workflow',
          dialect: 'netwrix',
          name: 'Shared',
          displayNames: {},
          variablesType: 'Workflow_User',
          entityType: 'User',
          activities: [],
          parameters: DEFAULT_TASK_PARAMETERS,
          process: processModel('Shared', 2),
          location: at(1),
        };
        const withProcess: ConfigurationObject = { type: 'Configuration', dialect: 'waveset', name: 'Sub', process: processModel('Sub', 2), attributes: {}, location: at(1) };
        const without: ConfigurationObject = { type: 'Configuration', dialect: 'waveset', name: 'Settings', attributes: {}, location: at(1) };
        await repo.objects.putMany([
          { object: workflow, xml: '', file: 'w.xml' },
          { object: withProcess, xml: '', file: 'c.xml' },
          { object: without, xml: '', file: 'c.xml' },
        ]);
        assert.equal((await repo.objects.findProcess('Shared'))?.type, 'Workflow');
        await repo.objects.putMany([taskDefinition('Shared')]);
        assert.equal((await repo.objects.findProcess('Shared'))?.type, 'TaskDefinition');
        assert.equal((await repo.objects.findProcess('Sub'))?.type, 'Configuration');
        assert.equal(await repo.objects.findProcess('Settings'), undefined);
        assert.equal(await repo.objects.findProcess('Missing'), undefined);
        await repo.close();
      });
    });
  });
}

describe('migrations', () => {
  it('applies every migration once and skips them when the database is opened again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idflow-repo-'));
    try {
      const file = join(dir, 'repo.db');
      let first: readonly { status: string }[] = [];
      let second: readonly { status: string }[] = [];
      const a = await openRepository({ db: file, env: {}, onMigrated: (r) => (first = r) });
      await a.objects.putMany([taskDefinition('Kept')]);
      await a.close();
      const b = await openRepository({ db: file, env: {}, onMigrated: (r) => (second = r) });
      assert.deepEqual(first.map((r) => r.status), migrations.map(() => 'applied'));
      assert.deepEqual(second.map((r) => r.status), migrations.map(() => 'skipped'));
      assert.equal((await b.objects.getLatest('TaskDefinition', 'Kept'))?.version, 1);
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a database whose schema is newer than this idflow knows', async () => {
    const db = openSqliteDatabase(':memory:');
    await runMigrations(new SqliteMigrationDriver(db), migrations);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migrations.length + 1, 'from-the-future', new Date().toISOString());
    const report = await runMigrations(new SqliteMigrationDriver(db), migrations);
    assert.equal(report.error?.code, 'REPO_SCHEMA_TOO_NEW');
    assert.deepEqual(report.results, []);
    db.close();
  });

  it('refuses a database that recorded a migration under another name, and applies nothing', async () => {
    const db = openSqliteDatabase(':memory:');
    await runMigrations(new SqliteMigrationDriver(db), migrations);
    db.prepare('UPDATE schema_migrations SET name = ? WHERE version = 1').run('someone-elses-schema');
    const next = [...migrations, { version: migrations.length + 1, name: 'later', sqlite: 'CREATE TABLE later (x);', postgres: '' }];
    const report = await runMigrations(new SqliteMigrationDriver(db), next);
    assert.equal(report.error?.code, 'REPO_MIGRATION_MISMATCH');
    assert.match(report.error?.message ?? '', /someone-elses-schema/);
    assert.equal(db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'later'`).get(), undefined);
    db.close();
  });

  it('refuses a migration list with a gap or a repeat before touching the database', async () => {
    const db = openSqliteDatabase(':memory:');
    const gap = [...migrations, { version: migrations.length + 2, name: 'gap', sqlite: 'CREATE TABLE gap (x);', postgres: '' }];
    const repeat = [...migrations, { version: migrations.length, name: 'repeat', sqlite: 'CREATE TABLE repeat (x);', postgres: '' }];
    for (const list of [gap, repeat]) {
      await assert.rejects(runMigrations(new SqliteMigrationDriver(db), list), (e: unknown) => hasErrorCode(e, 'REPO_MIGRATION_ORDER'));
    }
    assert.equal(db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'`).get(), undefined);
    db.close();
  });

  it('rolls back a failing migration and reports which one failed', async () => {
    const db = openSqliteDatabase(':memory:');
    const broken = [...migrations, { version: migrations.length + 1, name: 'broken', sqlite: 'CREATE TABLE half (x); SELECT * FROM nowhere;', postgres: '' }];
    const report = await runMigrations(new SqliteMigrationDriver(db), broken);
    assert.equal(report.error?.code, 'REPO_MIGRATION_FAILED');
    assert.equal(report.results.length, migrations.length);
    assert.equal(db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'half'`).get(), undefined);
    assert.equal((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v, migrations.length);
    db.close();
  });

  it('opens the database in WAL mode with foreign keys on and statement journals in memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idflow-repo-'));
    try {
      const repo = (await openRepository({ db: join(dir, 'w.db'), env: {} })) as SqliteRepository;
      assert.equal(repo.db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(repo.db.pragma('foreign_keys', { simple: true }), 1);
      // 2 = MEMORY: a batch commit's savepoints write no temporary file (docs/benchmarks.md, provisioning row).
      assert.equal(repo.db.pragma('temp_store', { simple: true }), 2);
      await repo.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('opening a repository', () => {
  it('reports a PostgreSQL server it cannot reach with REPO_CONNECTION_FAILED, without the password', async () => {
    await assert.rejects(openRepository({ env: { DATABASE_URL: 'postgres://u:secret@127.0.0.1:1/idflow' } }), (e) => {
      assert.ok(hasErrorCode(e, 'REPO_CONNECTION_FAILED'), String(e));
      assert.match((e as Error).message, /postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/idflow/);
      assert.doesNotMatch((e as Error).message + JSON.stringify((e as { details: unknown }).details), /secret/);
      return true;
    });
  });

  it('refuses a database URL it cannot read, or that names no database, with REPO_URL_INVALID', async () => {
    for (const url of ['postgres://u:secret@[::1', 'postgres://u:secret@localhost:5432']) {
      await assert.rejects(openRepository({ url }), (e) => {
        assert.ok(hasErrorCode(e, 'REPO_URL_INVALID'), String(e));
        assert.doesNotMatch((e as Error).message, /secret/);
        return true;
      });
    }
  });

  it('takes a postgres:// URL given as --db for a server, not for a file name', async () => {
    await assert.rejects(openRepository({ db: 'postgres://u:secret@127.0.0.1:1/idflow', env: {} }), (e) => hasErrorCode(e, 'REPO_CONNECTION_FAILED'));
    await assert.rejects(openRepository({ db: 'mysql://u@h/x', env: {} }), (e) => hasErrorCode(e, 'REPO_URL_UNSUPPORTED'));
  });

  it('takes the file from IDFLOW_DB and refuses a missing one when it must exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idflow-repo-'));
    try {
      const file = join(dir, 'env.db');
      await assert.rejects(openRepository({ env: { IDFLOW_DB: file }, mustExist: true }), (e) => hasErrorCode(e, 'REPO_NOT_FOUND'));
      const repo = await openRepository({ env: { IDFLOW_DB: file } });
      assert.equal(repo.location, file);
      await repo.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a file that is not a database with REPO_OPEN_FAILED', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idflow-repo-'));
    try {
      const file = join(dir, 'not.db');
      writeFileSync(file, 'this is not sqlite, just text that is long enough to have a header '.repeat(10));
      await assert.rejects(openRepository({ db: file, env: {} }), (e) => hasErrorCode(e, 'REPO_OPEN_FAILED'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
