/**
 * How long a worker round lasts when a hostile instance is in its batch, with the default limits (docs/benchmarks.md,
 * "A hostile instance in a batch"):
 *   node --import tsx bench/hostile-batch.ts Cycle   # a cycle with maxSteps 100,000 (the ceiling)
 *   node --import tsx bench/hostile-batch.ts Busy    # 200 activities each spending just under 1,000,000 XPRESS steps
 * Each is launched with 99 quick instances; the worker runs rounds until nothing is left.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDefinitionFiles } from '../src/definition/load.js';
import { openEngine } from '../src/engine/engine.js';
import { openRepository } from '../src/repository/open-repository.js';
const dir = mkdtempSync(join(tmpdir(), 'idflow-hostile-batch-'));
const busyActs = Array.from({ length: 200 }, (_, k) => `<Activity id='${k + 1}' name='B${k + 1}'><Action id='0'><expression><block><defvar name='i'><i>0</i></defvar><while><lt><ref>i</ref><i>142000</i></lt><setvar name='i'><add><ref>i</ref><i>1</i></add></setvar></while></block></expression></Action><Transition to='${k < 199 ? `B${k + 2}` : 'end'}'/></Activity>`).join('\n');
const xml = `<?xml version='1.0' encoding='UTF-8'?>
<Waveset>
<TaskDefinition name='Cycle' executor='com.waveset.workflow.WorkflowExecutor' execMode='async' progressInterval='0' resultLimit='-1'><Extension>
<WFProcess name='Cycle' maxSteps='100000'>
<Activity id='0' name='start'><Transition to='ping'/></Activity>
<Activity id='1' name='ping'><Transition to='end'><eq><ref>stop</ref><i>1</i></eq></Transition><Transition to='ping'/></Activity>
<Activity id='2' name='end'/></WFProcess></Extension></TaskDefinition>
<TaskDefinition name='Busy' executor='com.waveset.workflow.WorkflowExecutor' execMode='async' progressInterval='0' resultLimit='-1'><Extension>
<WFProcess name='Busy' maxSteps='0'>
<Activity id='0' name='start'><Transition to='B1'/></Activity>
${busyActs}
<Activity id='999' name='end'/></WFProcess></Extension></TaskDefinition>
<TaskDefinition name='Quick' executor='com.waveset.workflow.WorkflowExecutor' execMode='async' progressInterval='0' resultLimit='-1'><Extension>
<WFProcess name='Quick' maxSteps='0'><Activity id='0' name='start'><Transition to='end'/></Activity><Activity id='1' name='end'/></WFProcess></Extension></TaskDefinition>
</Waveset>`;
writeFileSync(join(dir, 'd.xml'), xml);
const loaded = await loadDefinitionFiles([join(dir, 'd.xml')]);
if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
const repository = await openRepository({ db: join(dir, 'r.db') });
await repository.objects.putMany(loaded.objects);
const engine = await openEngine({ repository, workerId: 'm' });
for (const def of process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['Cycle', 'Busy']) {
  const id = (await engine.launch({ definition: def, launcher: 'a' })).instance.id;
  for (let k = 0; k < 99; k++) await engine.launch({ definition: 'Quick', launcher: 'a' });
  const rounds: number[] = [];
  let t = performance.now();
  const t0 = t;
  for (;;) {
    const r = await engine.runWorkerOnce();
    const now = performance.now();
    rounds.push(now - t);
    t = now;
    if (r.advanced === 0) break;
  }
  const task = await engine.getTask(id);
  console.log(`${def}: first round (with 99 quick instances) ${rounds[0]!.toFixed(0)} ms; longest round ${Math.max(...rounds).toFixed(0)} ms; ${rounds.length - 1} rounds, ${((t - t0) / 1000).toFixed(1)} s in all; ${task.result?.outcome} after ${task.steps} steps; rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB ${task.result?.errors?.[0]?.slice(0, 80) ?? ''}`);
}
await engine.close();
await repository.close();
rmSync(dir, { recursive: true, force: true });
