/**
 * What the engine hands to a running instance, through the real engine on a temp SQLite file: XPRESS output
 * (`EngineOptions.onPrint`), the launch subject as the `subject` variable, stored Rules called with `<rule>`, and
 * the failure of an op nobody implements.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { openEngine, type RuntimeEngine } from '../../src/engine/engine.js';
import { engineFixture, openRuntimeWorld, type RuntimeWorld } from './runtime-harness.js';
import { DATABASES } from '../repository/repository-factory.js';

const BIN = fileURLToPath(new URL('../../bin/idflow.js', import.meta.url));
const DEFAULTS = fileURLToPath(new URL('../../config/default/', import.meta.url));

for (const database of DATABASES) {
describe(database.name, () => {
  describe('the engine and a running instance', () => {
    let w: RuntimeWorld;
    let engine: RuntimeEngine;
    const printed: [string, string][] = [];
    before(async () => {
      w = await openRuntimeWorld(['engine-gaps.xml'], {}, database);
      engine = await openEngine({ repository: w.repository, clock: w.now, workerId: 'options-test', onPrint: (id, line) => printed.push([id, line]) });
    });
    after(async () => {
      await engine.close();
      await w.close();
    });

    it('hands XPRESS <print> output to onPrint with the instance id', async () => {
      const r = await engine.launch({ definition: 'Printer', launcher: 'bob', variables: { who: 'ann' } });
      assert.deepEqual(printed, [[r.instance.id, 'hello ann']]);
    });

    it('writes <print> output to stderr as `idflow [<instance id>] <line>` by default', async () => {
      const target = await database.location(w.dir);
      const db = target.db;
      try {
        const run = (...args: string[]) =>
          new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
            const env = { ...process.env };
            delete env['IDFLOW_DB'];
            delete env['DATABASE_URL'];
            execFile(process.execPath, [BIN, '--db', db, ...args], { env }, (err, stdout, stderr) =>
              resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
            );
          });
        assert.equal((await run('import', engineFixture('engine-gaps.xml'))).code, 0);
        const r = await run('run', 'Printer', '--var', 'who=cli', '--json');
        assert.equal(r.code, 0, r.stderr);
        const id = (JSON.parse(r.stdout) as { instance: { id: string } }).instance.id;
        assert.match(r.stderr, new RegExp(`^idflow \\[${id}\\] hello cli$`, 'm'));
        assert.doesNotMatch(r.stdout, /hello cli/, 'stdout stays the command’s own output');
      } finally {
        await target.dispose();
      }
    });

    it('refuses a launch variable named __proto__ and keeps a nested __proto__ key as plain data', async () => {
      const bad = JSON.parse('{"__proto__": {"polluted": 1}}') as Record<string, never>;
      await assert.rejects(engine.launch({ definition: 'Printer', launcher: 'bob', variables: bad }), { code: 'ENGINE_BAD_VARIABLE_NAME' });
      const nested = JSON.parse('{"who": "x", "extra": {"__proto__": {"polluted": 1}}}') as Record<string, never>;
      const r = await engine.launch({ definition: 'Printer', launcher: 'bob', variables: nested });
      const extra = r.instance.variables['extra'] as Record<string, unknown>;
      assert.equal(Object.getPrototypeOf(extra), Object.prototype);
      assert.deepEqual(Object.keys(extra), ['__proto__']);
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    });

    it('resolves a stored Rule called with <rule name=…> from an expression action, arguments and defaults included', async () => {
      const r = await engine.launch({ definition: 'Rule Caller', launcher: 'bob', variables: { first: 'Ann', last: 'Lee' } });
      assert.equal(r.instance.state, 'finished');
      assert.deepEqual(r.instance.result?.outputs, { email: 'ann.lee@example.com' });
      assert.deepEqual(r.instance.result?.errors, []);
    });

    it('fails an action whose op is not implemented (getProperty is no built-in) and sets WF_ACTION_ERROR', async () => {
      const r = await engine.launch({ definition: 'Unknown Op', launcher: 'bob' });
      assert.equal(r.instance.state, 'finished');
      assert.match(String(r.instance.result?.outputs['error']), /Unknown WorkflowServices op getProperty/);
    });
  });

  describe('the launch subject of a Netwrix workflow', () => {
    let w: RuntimeWorld;
    before(async () => {
      w = await openRuntimeWorld([], {}, database);
      const { loadDefinitionFiles } = await import('../../src/definition/load.js');
      const loaded = await loadDefinitionFiles([join(DEFAULTS, 'netwrix-user-workflows.xml')]);
      await w.repository.objects.putMany(loaded.objects);
    });
    after(() => w.close());

    it('sets the workflow’s subject variable from the launch subject', async () => {
      const r = await w.engine.launch({ definition: 'User_ChangeName', launcher: 'alice', subject: 'jdoe' });
      assert.equal(r.instance.subject, 'jdoe');
      assert.equal(r.instance.variables['subject'], 'jdoe');
      assert.equal(r.workItems[0]?.variables['subject'], 'jdoe', 'the requester sees whom the request is about');
    });

    it('keeps a subject variable the caller set', async () => {
      const r = await w.engine.launch({ definition: 'User_Offboarding', launcher: 'alice', subject: 'kroe', variables: { subject: 'other' } });
      assert.equal(r.instance.variables['subject'], 'other');
    });

    it('adds no subject variable to a definition that does not declare one', async () => {
      await w.importFixtures('engine-gaps.xml');
      const r = await w.engine.launch({ definition: 'Four Steps', launcher: 'alice', subject: 'mmax' });
      assert.equal(r.instance.subject, 'mmax');
      assert.equal(Object.hasOwn(r.instance.variables, 'subject'), false);
    });
  });
});
}
