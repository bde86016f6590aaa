/**
 * `idflow show --xml` prints the XML exactly as it was imported; `--reformat` re-serialises it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runIdflow } from './cli-harness.js';

const ALONE = `<?xml version='1.0' encoding='UTF-8'?>
<!DOCTYPE TaskDefinition PUBLIC 'waveset.dtd' 'waveset.dtd'>
<!-- Reviewed by the IAM team, 2025 -->
<TaskDefinition name='Kept As Written'   execMode='sync'>
  <Extension>
    <WFProcess name='Kept As Written'>
      <Activity id='0' name='start'>      <!-- straight to the end -->
        <Transition to='end'/>
      </Activity>
      <Activity id='1' name='end'/>
    </WFProcess>
  </Extension>
</TaskDefinition>
`;

const TOGETHER = `<?xml version='1.0' encoding='UTF-8'?>
<Waveset>
  <!-- the first object -->
  <TaskDefinition name='First Of Two' execMode='sync'>
    <Extension><WFProcess name='First Of Two'><Activity id='0' name='start'><Transition to='end'/></Activity><Activity id='1' name='end'/></WFProcess></Extension>
  </TaskDefinition>
  <TaskDefinition name='Second Of Two' execMode='sync'>
    <Extension>
      <WFProcess name='Second Of Two'>
        <!-- one activity only -->
        <Activity id='0' name='start'/>
      </WFProcess>
    </Extension>
  </TaskDefinition>
</Waveset>
`;

describe('idflow show --xml', () => {
  let dir: string;
  let db: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cli-show-xml-'));
    db = join(dir, 'idflow.db');
    writeFileSync(join(dir, 'alone.xml'), ALONE);
    writeFileSync(join(dir, 'together.xml'), TOGETHER);
    const r = await runIdflow(['--db', db, 'import', join(dir, 'alone.xml'), join(dir, 'together.xml')]);
    assert.equal(r.status, 0, r.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a file that holds one object byte for byte: declaration, DOCTYPE, comments and layout', async () => {
    const r = await runIdflow(['--db', db, 'show', 'TaskDefinition', 'Kept As Written', '--xml']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, ALONE);
  });

  it('prints an object of a file with several exactly as its element was written, comments inside kept', async () => {
    const r = await runIdflow(['--db', db, 'show', 'TaskDefinition', 'Second Of Two', '--xml']);
    assert.equal(r.status, 0, r.stderr);
    const start = TOGETHER.indexOf("<TaskDefinition name='Second Of Two'");
    const end = TOGETHER.indexOf('</TaskDefinition>', start) + '</TaskDefinition>'.length;
    assert.equal(r.stdout, `${TOGETHER.slice(start, end)}\n`);
  });

  it('re-serialises only when asked with --reformat', async () => {
    const r = await runIdflow(['--db', db, 'show', 'TaskDefinition', 'Kept As Written', '--xml', '--reformat']);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /DOCTYPE|Reviewed|straight to the end/);
    assert.match(r.stdout, /^<TaskDefinition name="Kept As Written" execMode="sync">/);
  });
});
