import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DATABASES } from '../repository/repository-factory.js';
import { errorCode, openRuntimeWorld, type RuntimeWorld } from './runtime-harness.js';

// Waveset lets objects of different types share a name; a TaskDefinition and a Workflow called alike must not be
// launched by guess.
for (const database of DATABASES) {
  describe(`${database.name}: a TaskDefinition and a Workflow that share a name`, () => {
    let w: RuntimeWorld;
    before(async () => {
      w = await openRuntimeWorld(['shared-name-task.xml', 'shared-name-workflow.xml'], {}, database);
    });
    after(() => w.close());

    it('refuses a launch that does not say which type, naming both', async () => {
      const e = await errorCode(() => w.engine.launch({ definition: 'User_Offboarding', launcher: 'bob' }));
      assert.equal(e.code, 'DEFINITION_AMBIGUOUS');
      assert.match(e.message, /names both a TaskDefinition and a Workflow; say which to launch \(--type TaskDefinition or --type Workflow\)/);
    });

    it('launches the type asked for', async () => {
      const task = await w.engine.launch({ definition: 'User_Offboarding', type: 'TaskDefinition', launcher: 'bob' });
      assert.equal(task.instance.definition.type, 'TaskDefinition');
      assert.equal(task.instance.state, 'finished');
      const flow = await w.engine.launch({ definition: 'User_Offboarding', type: 'Workflow', launcher: 'bob' });
      assert.equal(flow.instance.definition.type, 'Workflow');
    });
  });
}
