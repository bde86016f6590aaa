/**
 * Errors that say what to do (issue 11, "Errors that say what to do"): the nearest existing names, files that are not
 * XML, no empty repository left behind, short ids, and pointers to the command people meant.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { openRepository } from '../../src/repository/open-repository.js';
import { engineFixture } from '../engine/runtime-harness.js';
import { runIdflow, tempRepository } from './cli-harness.js';

/**
 * The start two ids share, at least 4 characters. Ids are time-ordered: two made moments apart share their first
 * 8 characters unless a 65-second window of the clock turned over between them, and then share fewer.
 */
function sharedStart(a: string, b: string): string {
  let n = 0;
  while (n < a.length && a[n] === b[n]) n++;
  assert.ok(n >= 4, `${a} and ${b} share no start of 4 characters`);
  return a.slice(0, n);
}

const repo = tempRepository({ prefix: 'idflow-errors-', user: 'bob', seed: ['import', engineFixture('task-parameters.xml')] });
const { idflow, json } = repo;

describe('names that do not exist', () => {
  it('suggests the definition whatever the case of the name typed', async () => {
    const r = await idflow('run', 'approval');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /error DEFINITION_NOT_FOUND: no TaskDefinition or Workflow named "approval"; did you mean 'Approval'/);
    const typo = await idflow('run', 'Aprovall Async');
    assert.match(typo.stderr, /did you mean 'Approval Async'/);
  });

  it('tells `run` of an unquoted name with spaces to quote it, and runs nothing', async () => {
    const r = await idflow('run', 'Auto', 'Sync');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /error CLI_UNQUOTED_NAME: .*quote it: idflow run "Auto Sync"/);
    assert.deepEqual(await json('tasks', '--definition', 'Auto Sync'), []);
  });

  it('points `run` on a repository without definitions to `idflow init`', async () => {
    const empty = join(repo.dir, 'empty.db');
    await (await openRepository({ db: empty })).close();
    const r = await runIdflow(['--db', empty, 'run', 'User_Onboarding', '--as', 'bob']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /DEFINITION_NOT_FOUND: .*holds none yet; `idflow init` loads the default workflows/);
  });

  it('suggests the nearest object of the type, or the type that has the name', async () => {
    const typo = await idflow('show', 'TaskDefinition', 'approvl');
    assert.equal(typo.status, 1);
    assert.match(typo.stderr, /OBJECT_NOT_FOUND: no TaskDefinition called "approvl" .*did you mean 'Approval'/);
    const otherType = await idflow('show', 'Workflow', 'Approval');
    assert.match(otherType.stderr, /there is a TaskDefinition of that name: idflow show TaskDefinition "Approval"/);
  });

  it('notes the nearest definition when `tasks --definition` names none', async () => {
    const r = await idflow('tasks', '--definition', 'auto sync');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /no task instances/);
    assert.match(r.stderr, /note: no TaskDefinition or Workflow is named "auto sync"; did you mean 'Auto Sync'\?/);
  });

  it('suggests the nearest object type', async () => {
    const r = await idflow('list', 'taskdefinitons');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /CLI_UNKNOWN_TYPE: unknown object type "taskdefinitons"; did you mean TaskDefinition\?/);
  });

  it('suggests the profile a person holds when another is named, and the person when they hold none', async () => {
    assert.equal((await idflow('profile', 'assign', 'carol', 'Manager')).status, 0);
    const wrong = await idflow('profile', 'unassign', 'carol', 'manger');
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /PROFILE_NOT_ASSIGNED: carol does not hold the profile manger; did you mean 'Manager'\?/);
    const nobody = await idflow('profile', 'unassign', 'caroll', 'Manager');
    assert.match(nobody.stderr, /caroll holds no profile \(did you mean carol\?\)/);
  });

  it('points `workitem list` and `task list` to the commands that list', async () => {
    const items = await idflow('workitem', 'list', '--owner', 'alice');
    assert.equal(items.status, 2);
    assert.match(items.stderr, /CLI_USAGE: there is no `idflow workitem list`: the list of work items is `idflow workitems --owner alice`/);
    const tasks = await idflow('task', 'list');
    assert.match(tasks.stderr, /the list of TaskInstances is `idflow tasks`/);
  });
});

describe('files that cannot be definitions', () => {
  it('says a file is not XML and what it starts with', async () => {
    const wf = join(repo.dir, 'wf.json');
    writeFileSync(wf, '{"name": "Onboarding"}\n');
    const r = await idflow('check', wf);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /wf\.json:1:1: error FILE_NOT_XML: wf\.json is not XML: it starts with `\{`/);
  });

  it('says in words why a file cannot be read', async () => {
    const r = await idflow('check', join(repo.dir, 'missing.xml'));
    assert.match(r.stdout, /error FILE_UNREADABLE: cannot read missing\.xml: there is no such file/);
    assert.doesNotMatch(r.stdout, /ENOENT/);
  });

  it('leaves no repository behind when an import or init fails', async () => {
    const fresh = join(repo.dir, 'never.db');
    const imported = await runIdflow(['--db', fresh, 'import', join(repo.dir, 'missing.xml')]);
    assert.equal(imported.status, 1);
    const bad = join(repo.dir, 'bad-defaults');
    mkdirSync(bad);
    writeFileSync(join(bad, 'broken.xml'), '<Waveset><TaskDefinition name="x">');
    const init = await runIdflow(['--db', fresh, 'init', '--defaults', bad]);
    assert.equal(init.status, 1);
    assert.match(init.stdout, /no repository created at/);
    for (const suffix of ['', '-wal', '-shm']) assert.equal(existsSync(`${fresh}${suffix}`), false, `${fresh}${suffix}`);
  });
});

describe('short ids', () => {
  interface Launched {
    instance: { id: string };
    workItems: { id: string }[];
  }
  let first: Launched;
  let second: Launched;
  before(async () => {
    first = await json<Launched>('run', 'Approval', '--var', 'approver=alice');
    second = await json<Launched>('run', 'Approval', '--var', 'approver=alice');
  });
  const tail = (id: string): string => id.slice(24, 32);

  it("takes a unique start of a task id's last group, and of the id itself", async () => {
    const shown = await json<{ instance: { id: string } }>('task', 'show', tail(first.instance.id));
    assert.equal(shown.instance.id, first.instance.id);
    const upper = await json<{ instance: { id: string } }>('task', 'show', tail(second.instance.id).toUpperCase());
    assert.equal(upper.instance.id, second.instance.id);
    const whole = await json<{ instance: { id: string } }>('task', 'show', first.instance.id.slice(0, 34));
    assert.equal(whole.instance.id, first.instance.id);
  });

  it('takes TASK.N and a unique start of a work item id', async () => {
    const decided = await json<{ instance: { state: string } }>('workitem', 'decide', `${tail(first.instance.id)}.1`, '--decision', 'approve', '--as', 'alice');
    assert.equal(decided.instance.state, 'finished');
    const r = await idflow('workitem', 'decide', tail(second.instance.id), '--decision', 'approve', '--as', 'alice');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`decided ${second.workItems[0]!.id.replace('.', '\\.')}: approve`));
  });

  it('lists the candidates of an ambiguous short id', async () => {
    const common = sharedStart(first.instance.id, second.instance.id);
    const r = await idflow('task', 'show', common, '--json');
    assert.equal(r.status, 1);
    const error = JSON.parse(r.stderr).error as { code: string; details: { candidates: string[] } };
    assert.equal(error.code, 'TASK_ID_AMBIGUOUS');
    assert.ok(error.details.candidates.includes(first.instance.id) && error.details.candidates.includes(second.instance.id));
  });

  it('shows an ambiguous short id typed with a tab escaped, not as a raw tab', async () => {
    const typed = `\t${sharedStart(first.instance.id, second.instance.id)}`;
    const r = await idflow('task', 'show', typed);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /TASK_ID_AMBIGUOUS: \\u\{9\}[0-9a-f-]{4,} is the start of /);
    assert.ok(!r.stderr.includes('\t'), r.stderr);
  });

  it('says which work items a task has when TASK.N names none', async () => {
    const r = await idflow('workitem', 'decide', `${tail(first.instance.id)}.7`, '--decision', 'approve', '--as', 'alice');
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`WORKITEM_NOT_FOUND: no work item ${tail(first.instance.id)}\\.7; task instance ${first.instance.id} has ${first.instance.id}\\.1 \\(decided\\)`));
  });

  it('suggests the task or work item meant by a short id with two characters swapped', async () => {
    const third = await json<Launched>('run', 'Approval', '--var', 'approver=alice');
    const short = tail(third.instance.id);
    const at = [...short].findIndex((c, i) => i > 0 && c !== short[i - 1]);
    const swapped = short.slice(0, at - 1) + short[at] + short[at - 1] + short.slice(at + 1);
    const task = await idflow('task', 'show', swapped);
    assert.equal(task.status, 1);
    assert.match(task.stderr, new RegExp(`TASK_NOT_FOUND: no task instance ${swapped}; did you mean ${third.instance.id}\\?`));
    const item = await idflow('workitem', 'decide', `${swapped}.1`, '--decision', 'approve', '--as', 'alice');
    assert.match(item.stderr, new RegExp(`WORKITEM_NOT_FOUND: no work item ${swapped}\\.1; did you mean ${third.instance.id}\\.1\\?`));
  });
});
