/**
 * The provisioning-only process's CPU per order, alone: `count` joiners are persisted first (their `create` orders
 * written, nothing provisioned), then `idflow worker --no-instances` drains the backlog to slapd and its CPU (from
 * /proc) is divided by the orders it executed. What the deployment's provisioning process costs per order, without
 * the engine competing for the cores. With IDFLOW_BENCH_CHILD_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=DIR' the child
 * writes a profile (`node --import tsx bench/summarise-profile.ts FILE 30`).
 *
 * `node --import tsx bench/provisioning-cpu.ts [count] [concurrency]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openEngine } from '../src/engine/engine.js';
import { startSlapd } from '../test/support/slapd.js';
import { BENCH_LOOKUP, openDirectoryBench, orderProgress, processCpuMs, provisioningProcess } from './directory-bench-setup.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/persist-and-provision.xml', import.meta.url));
const count = Number(process.argv[2] ?? 5000);
const concurrency = Number(process.argv[3] ?? 16);

const slapd = await startSlapd();
const dir = mkdtempSync(join(tmpdir(), 'idflow-provisioning-cpu-'));
try {
  const db = join(dir, 'drain.db');
  const { repository, connectors } = await openDirectoryBench(slapd, db, FIXTURE, concurrency);
  const engine = await openEngine({ repository, workerId: 'bench-engine', idleMs: 20 });
  const requests = Array.from({ length: count }, (_, i) => {
    const login = `drain-${i}`;
    return {
      definition: 'Bench Persist',
      launcher: 'hr-feed',
      variables: { changes: { Login: login, FirstName: 'Bench', LastName: `Person ${i}`, Email: `${login}@example.org`, Resources: { Add: ['directory'] } } },
    };
  });
  for (let at = 0; at < count; at += 500) await engine.launchMany(requests.slice(at, at + 500), { advance: true });
  const { unfinished } = orderProgress(repository);
  if (unfinished() !== count) throw new Error(`${unfinished()} orders pending, not ${count}`);
  const child = await provisioningProcess(db, concurrency);
  const cpu0 = processCpuMs(child.pid);
  const sys0 = processCpuMs(child.pid, 'system');
  const started = process.hrtime.bigint();
  while (unfinished() > 0) await new Promise((r) => setTimeout(r, 20));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuMs = processCpuMs(child.pid) - cpu0;
  const sysMs = processCpuMs(child.pid, 'system') - sys0;
  await child.stop();
  const executed = (await repository.provisioning.countByState()).executed ?? 0;
  console.log(JSON.stringify({ lookup: BENCH_LOOKUP, orders: count, executed, concurrency, seconds: +seconds.toFixed(2), perSecond: Math.round(count / seconds), cpuMsPerOrder: +(cpuMs / count).toFixed(3), ofWhichSystem: +(sysMs / count).toFixed(3) }));
  await connectors.close();
  await engine.close();
  await repository.close();
} finally {
  await slapd.close();
  rmSync(dir, { recursive: true, force: true });
}
