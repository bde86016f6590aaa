/**
 * Runs one idflow scenario alone, for profiling without the baselines in the picture:
 *   node --cpu-prof --cpu-prof-dir=bench/results/profiles --import tsx bench/profile-scenario.ts a-async 5000
 * then summarise the profile with `node bench/summarise-profile.ts <file.cpuprofile>`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOpenEngine, runIdflow, type ScenarioName } from './idflow-scenarios.js';

const [scenario, countArg] = process.argv.slice(2);
const names: readonly ScenarioName[] = ['a-async', 'a-sync', 'b'];
if (!names.includes(scenario as ScenarioName)) throw new Error(`usage: profile-scenario.ts ${names.join('|')} [count]`);
const openEngine = await loadOpenEngine();
if (!openEngine) throw new Error('src/engine/engine.ts is not there yet');
const dir = mkdtempSync(join(tmpdir(), 'idflow-profile-'));
try {
  const run = await runIdflow(openEngine, dir, scenario as ScenarioName, Number(countArg ?? 5000));
  console.log(`${scenario}: ${run.instances} instances in ${run.seconds.toFixed(2)} s = ${Math.round(run.instances / run.seconds)} inst/s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
