/**
 * The runtime commands as a user runs them: `idflow run`, `workitems`, `workitem decide`, `tasks`, `task show`,
 * `tasks terminate` and `worker`, each a child process against a temp database.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DATABASES } from '../repository/repository-factory.js';
import { engineFixture } from './runtime-harness.js';

const BIN = fileURLToPath(new URL('../../bin/idflow.js', import.meta.url));

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

for (const database of DATABASES) {
  describe(`${database.name}: runtime CLI`, () => {
    let dir: string;
    let db: string;
    let target: { readonly db: string; dispose(): Promise<void> };

    const env = (): NodeJS.ProcessEnv => {
      const e: NodeJS.ProcessEnv = { ...process.env, IDFLOW_USER: 'cli-user' };
      delete e['IDFLOW_DB'];
      delete e['DATABASE_URL'];
      return e;
    };
    const idflow = (...args: string[]): Promise<Run> =>
      new Promise((resolve) => {
        // The timeout turns a command that waits for input it will never get (a confirmation prompt) into a failure.
        execFile(process.execPath, [BIN, '--db', db, ...args], { env: env(), timeout: 60_000 }, (err, stdout, stderr) => {
          resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
        });
      });
    const json = async <T>(...args: string[]): Promise<T> => {
      const r = await idflow(...args, '--json');
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as T;
    };

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'idflow-runtime-cli-'));
      target = await database.location(dir);
      db = target.db;
      const r = await idflow('import', engineFixture('task-parameters.xml'));
      assert.equal(r.status, 0, r.stderr);
    });
    after(async () => {
      await target.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('runs a sync approval, lists it in the owner’s inbox, decides it and shows the finished task', async () => {
      const run = await idflow('run', 'Approval', '--var', 'approver=alice', '--subject', 'jdoe');
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /state\s+executing \(waiting\)/);
      assert.match(run.stdout, /Please approve, alice/);
      const taskId = /^id\s+(\S+)$/m.exec(run.stdout)?.[1];
      assert.ok(taskId);

      const inbox = await json<{ id: string; owner: string; instanceId: string }[]>('workitems', '--owner', 'alice');
      assert.deepEqual(
        inbox.map((w) => [w.owner, w.instanceId]),
        [['alice', taskId]],
      );
      assert.deepEqual(await json<unknown[]>('workitems', '--owner', 'bob'), []);

      const busy = await idflow('run', 'Auto Sync', '--subject', 'jdoe');
      assert.equal(busy.status, 1);
      assert.match(busy.stderr, /error SUBJECT_BUSY/);

      const refused = await idflow('workitem', 'decide', inbox[0]!.id, '--decision', 'approve', '--as', 'mallory');
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /WORKITEM_NOT_OWNER: .*belongs to alice/);

      const decided = await idflow('workitem', 'decide', inbox[0]!.id, '--decision', 'approve', '--comment', 'looks fine', '--as', 'alice');
      assert.equal(decided.status, 0, decided.stderr);
      assert.match(decided.stdout, /is finished/);

      const show = await idflow('task', 'show', taskId);
      assert.equal(show.status, 0, show.stderr);
      assert.match(show.stdout, /state\s+finished/);
      assert.match(show.stdout, /outputs\s+\{"outcome":"approved"\}/);
      assert.match(show.stdout, /progress\s+finished after 4 steps/);
      assert.match(show.stdout, /subject\s+jdoe/);
    });

    it('parses --var values as JSON when they are JSON and as text otherwise', async () => {
      const r = await json<{ instance: { variables: Record<string, unknown>; launcher: string } }>(
        'run', 'Approval', '--var', 'approver=alice', '--var', 'n=3', '--var', 'flags={"a":true}', '--var', 'word=hello world',
      );
      assert.equal(r.instance.variables['n'], 3);
      assert.deepEqual(r.instance.variables['flags'], { a: true });
      assert.equal(r.instance.variables['word'], 'hello world');
      assert.equal(r.instance.launcher, 'cli-user');
    });

    it('filters tasks by state and definition', async () => {
      const waiting = await json<{ definition: { name: string }; state: string }[]>('tasks', '--state', 'executing', '--definition', 'Approval');
      assert.ok(waiting.length >= 1);
      assert.ok(waiting.every((t) => t.state === 'executing' && t.definition.name === 'Approval'));
      const bad = await idflow('tasks', '--state', 'sleeping');
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /CLI_BAD_STATE/);
    });

    it('refuses a bulk terminate without a filter, or without --yes when it cannot ask, and terminates with --yes', async () => {
      const unfiltered = await idflow('tasks', 'terminate', '--yes');
      assert.equal(unfiltered.status, 2);
      assert.match(unfiltered.stderr, /CLI_FILTER_REQUIRED/);
      const refused = await idflow('tasks', 'terminate', '--definition', 'Approval');
      assert.equal(refused.status, 2);
      assert.match(refused.stderr, /CLI_CONFIRMATION_REQUIRED: 1 task instance\(s\) match/);
      const done = await json<{ terminated: number }>('tasks', 'terminate', '--definition', 'Approval', '--yes');
      assert.equal(done.terminated, 1);
    });

    it('lists only the tasks on one subject with `tasks --subject`', async () => {
      const mine = await json<{ instance: { id: string } }>('run', 'Approval', '--var', 'approver=alice', '--subject', 'sam');
      await json('run', 'Approval', '--var', 'approver=alice', '--subject', 'tom');
      const listed = await json<{ id: string; subject: string }[]>('tasks', '--subject', 'sam');
      assert.deepEqual(listed.map((t) => [t.id, t.subject]), [[mine.instance.id, 'sam']]);
      const table = await idflow('tasks', '--subject', 'sam');
      assert.equal(table.status, 0, table.stderr);
      assert.match(table.stdout, new RegExp(mine.instance.id));
      assert.doesNotMatch(table.stdout, /\btom\b/);
    });

    it('suspends, resumes and terminates one task with `task suspend|resume|terminate`, refusing what does not apply', async () => {
      const run = await json<{ instance: { id: string }; workItems: { id: string }[] }>('run', 'Approval', '--var', 'approver=alice');
      const id = run.instance.id;
      const suspended = await idflow('task', 'suspend', id, '--as', 'admin');
      assert.equal(suspended.status, 0, suspended.stderr);
      assert.match(suspended.stdout, new RegExp(`task instance ${id} is suspended`));
      const blocked = await idflow('workitem', 'decide', run.workItems[0]!.id, '--decision', 'approve', '--as', 'alice');
      assert.equal(blocked.status, 1);
      assert.match(blocked.stderr, /TASK_SUSPENDED/);
      const again = await idflow('task', 'suspend', id);
      assert.equal(again.status, 1);
      assert.match(again.stderr, /TASK_NOT_RUNNING/);

      const resumed = await json<{ state: string; waiting: boolean }>('task', 'resume', id, '--as', 'admin');
      assert.deepEqual([resumed.state, resumed.waiting], ['executing', true]);
      assert.match((await idflow('task', 'resume', id)).stderr, /TASK_NOT_SUSPENDED/);

      const terminated = await idflow('task', 'terminate', id, '--as', 'admin');
      assert.equal(terminated.status, 0, terminated.stderr);
      assert.match(terminated.stdout, /is terminated/);
      const shown = await json<{ instance: { state: string; result: { errors: string[] } }; workItems: unknown[] }>('task', 'show', id);
      assert.equal(shown.instance.state, 'terminated');
      assert.deepEqual(shown.instance.result.errors, ['terminated by admin']);
      assert.deepEqual(shown.workItems, [], 'its work item was cancelled');
      const twice = await idflow('task', 'terminate', id);
      assert.equal(twice.status, 1);
      assert.match(twice.stderr, /TASK_ALREADY_ENDED/);
      assert.match((await idflow('task', 'suspend', 'no-such-task')).stderr, /TASK_NOT_FOUND/);
    });

    it('purges an aborted Netwrix instance with `task purge` for a holder of the Aborted permission only', async () => {
      assert.equal((await idflow('import', engineFixture('purge.xml'))).status, 0);
      assert.equal((await idflow('profile', 'assign', 'pat', 'Purger')).status, 0);
      // Launched by the local administrator in its own name: pat's Aborted permission is no right to launch.
      assert.match((await idflow('run', 'Purge_Request', '--as', 'pat')).stderr, /LAUNCH_NOT_ALLOWED/);
      const run = await json<{ instance: { id: string }; workItems: { id: string }[] }>('run', 'Purge_Request');
      const id = run.instance.id;
      const notYet = await idflow('task', 'purge', id, '--as', 'pat');
      assert.equal(notYet.status, 1);
      assert.match(notYet.stderr, /TASK_NOT_PURGEABLE: .*only an instance that ended aborted can be purged/);
      assert.equal((await idflow('workitem', 'decide', run.workItems[0]!.id, '--decision', 'Abort', '--as', 'cli-user')).status, 0);

      const refused = await idflow('task', 'purge', id, '--as', 'alice');
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /TASK_PURGE_NOT_ALLOWED: .*\/Custom\/Workflows\/Purge_Request\/Request\/Aborted/);
      const purged = await idflow('task', 'purge', id, '--as', 'pat');
      assert.equal(purged.status, 0, purged.stderr);
      assert.match(purged.stdout, new RegExp(`task instance ${id} \\(.*\\) is purged`));
      assert.match((await idflow('task', 'show', id)).stderr, /TASK_NOT_FOUND/);
    });

    it('runs async launches in `idflow worker` and stops cleanly on SIGTERM', { timeout: 30_000 }, async () => {
      const launched = await json<{ instance: { id: string; state: string } }>('run', 'Auto Default', '--var', 'who=worker');
      assert.equal(launched.instance.state, 'ready');
      const worker = spawn(process.execPath, [BIN, '--db', db, 'worker'], { env: env(), stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      worker.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
      try {
        let state = 'ready';
        for (let i = 0; i < 100 && state !== 'finished'; i++) {
          await new Promise((r) => setTimeout(r, 100));
          state = (await json<{ instance: { state: string } }>('task', 'show', launched.instance.id)).instance.state;
        }
        assert.equal(state, 'finished');
      } finally {
        worker.kill('SIGTERM');
      }
      assert.equal(await exited, 0, stderr);
      assert.match(stderr, /idflow worker: stopped/);
    });

    it('emits one JSON object per line from `idflow worker --json --concurrency 2`: started, reports, stopped', { timeout: 120_000 }, async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await json<{ instance: { id: string } }>('run', 'Auto Default', '--var', `who=json${i}`)).instance.id);
      const worker = spawn(process.execPath, [BIN, '--db', db, 'worker', '--json', '--concurrency', '2', '--report-every', '1'], {
        env: env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      worker.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      worker.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
      try {
        for (let i = 0; i < 100; i++) {
          await new Promise((r) => setTimeout(r, 100));
          const states = await Promise.all(ids.map(async (id) => (await json<{ instance: { state: string } }>('task', 'show', id)).instance.state));
          if (states.every((st) => st === 'finished')) break;
        }
      } finally {
        worker.kill('SIGTERM');
      }
      assert.equal(await exited, 0, stderr);
      assert.equal(stderr, '', 'nothing on stderr');
      const events = stdout.trim().split('\n').map((line) => JSON.parse(line) as { event: string; finished?: number; failed?: number; retried?: number; lagMs?: number });
      assert.equal(events[0]?.event, 'started');
      assert.equal(events.at(-1)?.event, 'stopped');
      const reports = events.filter((e) => e.event === 'report');
      assert.ok(reports.length >= 1, 'at least the last report, at the stop');
      assert.equal(reports.reduce((n, r) => n + (r.finished ?? 0), 0), 3);
      assert.equal(reports.reduce((n, r) => n + (r.failed ?? 0), 0), 0);
      assert.ok(reports.every((r) => typeof r.retried === 'number' && typeof r.lagMs === 'number'));
    });

    it('refuses a worker concurrency that is not a positive whole number', async () => {
      const r = await idflow('worker', '--concurrency', '0');
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /CLI_BAD_CONCURRENCY/);
    });
  });
}
