/**
 * What the command line refuses before it touches anything (issue 6, item 7): read commands never turn a file into
 * a repository, an empty `--db` or `--as` is not a default, and names with terminal escapes are never stored.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { engineFixture } from '../engine/runtime-harness.js';
import { runIdflow, tempRepository } from './cli-harness.js';

describe('read commands on a file that is not a repository', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'idflow-input-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const args of [['list'], ['list', 'TaskDefinition'], ['tasks'], ['workitems'], ['profile', 'list']]) {
    it(`refuses \`${args.join(' ')}\` on an existing empty file and leaves it empty`, async () => {
      const empty = join(dir, `empty-${args.join('-')}.db`);
      writeFileSync(empty, '');
      const r = await runIdflow(['--db', empty, ...args]);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /error REPO_NOT_A_REPOSITORY: .*is an empty file, not an idflow repository/);
      assert.equal(statSync(empty).size, 0);
      assert.equal(existsSync(`${empty}-wal`), false);
    });
  }

  it('refuses a text file and another program\'s SQLite database, changing neither', async () => {
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'remember the milk\n');
    const r = await runIdflow(['--db', notes, 'list']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /REPO_NOT_A_REPOSITORY: .*is not an SQLite database/);
    assert.equal(statSync(notes).size, 18);
    const other = join(dir, 'other.sqlite');
    const db = new Database(other);
    db.exec('CREATE TABLE t (x)');
    db.close();
    const before = statSync(other).size;
    const o = await runIdflow(['--db', other, 'tasks']);
    assert.equal(o.status, 1);
    assert.match(o.stderr, /REPO_NOT_A_REPOSITORY: .*is an SQLite database without idflow tables/);
    assert.equal(statSync(other).size, before);
  });
});

describe('empty option values', () => {
  const repo = tempRepository({ prefix: 'idflow-input-', seed: ['import', engineFixture('task-parameters.xml')] });

  it('refuses `--db ""` instead of using ./idflow.db, before or after the command name', async () => {
    for (const args of [['--db', '', 'list'], ['list', '--db', ''], ['init', '--db', '']]) {
      const r = await runIdflow(args, { cwd: repo.dir });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /error CLI_EMPTY_DB: --db needs a file name/);
    }
    assert.equal(existsSync(join(repo.dir, 'idflow.db')), false);
  });

  it('refuses `--as ""` instead of acting as the login name, and launches nothing', async () => {
    const r = await runIdflow(['--db', repo.db, 'run', 'Auto Sync', '--as', '', '--json']);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(JSON.parse(r.stderr).error.code, 'CLI_EMPTY_NAME');
    const tasks = await runIdflow(['--db', repo.db, 'tasks', '--json']);
    assert.deepEqual(JSON.parse(tasks.stdout), []);
  });

  it('refuses `--subject ""`', async () => {
    const r = await runIdflow(['--db', repo.db, 'run', 'Auto Sync', '--subject', '', '--as', 'bob']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /error SUBJECT_EMPTY/);
  });
});

describe('control characters in names', () => {
  const repo = tempRepository({ prefix: 'idflow-input-', seed: ['import', engineFixture('task-parameters.xml')] });

  it('refuses a terminal escape in --as, stores nothing and prints it escaped', async () => {
    const r = await runIdflow(['--db', repo.db, 'run', 'Auto Sync', '--as', '\u001b[2J\u001b[Hroot']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /error CLI_BAD_NAME: --as may not hold control characters/);
    assert.doesNotMatch(r.stderr, /\u001b/);
    const tasks = await runIdflow(['--db', repo.db, 'tasks', '--json']);
    assert.deepEqual(JSON.parse(tasks.stdout), []);
  });

  it('refuses a control character in $IDFLOW_USER, --owner and a profile holder', async () => {
    const env = await runIdflow(['--db', repo.db, 'run', 'Auto Sync'], { env: { IDFLOW_USER: 'bob\r' } });
    assert.match(env.stderr, /CLI_BAD_NAME: \$IDFLOW_USER/);
    const owner = await runIdflow(['--db', repo.db, 'workitems', '--owner', 'a\u0007lice']);
    assert.match(owner.stderr, /CLI_BAD_NAME: --owner/);
    const person = await runIdflow(['--db', repo.db, 'profile', 'assign', '\u001b]0;x\u0007bob', 'Manager']);
    assert.match(person.stderr, /CLI_BAD_NAME: PERSON/);
    const list = await runIdflow(['--db', repo.db, 'profile', 'list', '--json']);
    assert.deepEqual(JSON.parse(list.stdout), []);
  });

  it('echoes names and ids that do not exist with their control characters escaped', async () => {
    for (const args of [['run', 'x\u001b[2J', '--as', 'bob'], ['show', 'TaskDefinition', 'x\u001b[2J'], ['list', 'x\u001b[2J'], ['task', 'show', 'x\u001b[2J']]) {
      const r = await runIdflow(['--db', repo.db, ...args]);
      assert.notEqual(r.status, 0, args.join(' '));
      assert.match(r.stderr, /x\\u\{1b\}\[2J/, args.join(' '));
      assert.doesNotMatch(r.stderr, /\u001b/, args.join(' '));
    }
  });
});
