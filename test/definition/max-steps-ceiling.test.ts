/**
 * A definition's maxSteps may lower the engine's step ceiling, never raise it (issue 6, item 3): a larger one is
 * refused at import with the line of its WFProcess, instead of letting one definition stall every worker.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadDefinitionFiles } from '../../src/definition/load.js';

const dir = mkdtempSync(join(tmpdir(), 'idflow-max-steps-'));

function definition(maxSteps: string): string {
  const file = join(dir, `cycle-${maxSteps}.xml`);
  writeFileSync(
    file,
    `<?xml version='1.0' encoding='UTF-8'?>
<TaskDefinition name='Cycle ${maxSteps}' taskType='Workflow' executor='com.waveset.workflow.WorkflowExecutor'>
  <Extension>
    <WFProcess name='Cycle ${maxSteps}' maxSteps='${maxSteps}'>
      <Activity id='0' name='start'><Transition to='ping'/></Activity>
      <Activity id='1' name='ping'><Transition to='end'><eq><ref>stop</ref><i>1</i></eq></Transition><Transition to='ping'/></Activity>
      <Activity id='2' name='end'/>
    </WFProcess>
  </Extension>
</TaskDefinition>
`,
  );
  return file;
}

describe('the maxSteps ceiling at import', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a maxSteps above the default ceiling of 100,000 with the line of its WFProcess', async () => {
    const r = await loadDefinitionFiles([definition('100000000')]);
    assert.equal(r.ok, false);
    const found = r.diagnostics.filter((d) => d.code === 'DEF_MAX_STEPS_CEILING');
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'error');
    assert.equal(found[0]!.location.line, 4);
    assert.match(found[0]!.message, /maxSteps='100000000', above the ceiling of 100000/);
  });

  it('accepts a maxSteps at the ceiling, and 0 for the default', async () => {
    assert.equal((await loadDefinitionFiles([definition('100000')])).ok, true);
    assert.equal((await loadDefinitionFiles([definition('0')])).ok, true);
  });

  it('checks against the ceiling the engine is configured with', async () => {
    const r = await loadDefinitionFiles([definition('5000')], { maxStepsCeiling: 1000 });
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['DEF_MAX_STEPS_CEILING']);
  });
});
