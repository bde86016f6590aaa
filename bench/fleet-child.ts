/**
 * One process of the fleet benchmark (bench/fleet-bench.ts).
 *
 * Usage: node --import tsx bench/fleet-child.ts worker|approver DATABASE [N] [CONCURRENCY]
 * DATABASE is an SQLite file or a postgres:// URL holding the bench definitions. Prints `ready`, waits for a line
 * on stdin, then:
 * - worker: runs `runWorker` (batches of 100, CONCURRENCY at once) and prints `{"finished":k}` every 50 ms while
 *   it finishes instances, until SIGTERM;
 * - approver: runs scenario (b) N times (a sync launch to the work item, then its decision) and prints `done`.
 */
import { createInterface } from 'node:readline';
import { openEngine } from '../src/engine/engine.js';
import { openRepository } from '../src/repository/open-repository.js';
import { APPROVER, ONE_APPROVAL } from './idflow-scenarios.js';

const [role, database, nText, concurrencyText] = process.argv.slice(2);
if ((role !== 'worker' && role !== 'approver') || !database) throw new Error('usage: fleet-child.ts worker|approver DATABASE [N] [CONCURRENCY]');

const repository = await openRepository(database.includes('://') ? { url: database } : { db: database });
const engine = await openEngine({ repository, batchSize: 100, idleMs: 5, onRoundError: (e) => process.stderr.write(`round failed: ${String(e)}\n`) });
process.stdout.write('ready\n');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));

if (role === 'worker') {
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  await engine.runWorker(stop.signal, {
    concurrency: Number(concurrencyText ?? '1'),
    reportEveryMs: 50,
    onReport: (a) => {
      if (a.finished > 0) process.stdout.write(`${JSON.stringify({ finished: a.finished })}\n`);
    },
  });
} else {
  const n = Number(nText);
  for (let i = 0; i < n; i++) {
    const r = await engine.launch({ definition: ONE_APPROVAL, launcher: 'bench', mode: 'sync' });
    const item = r.workItems[0];
    if (!item) throw new Error(`no work item (state ${r.instance.state})`);
    const d = await engine.decide({ workItemId: item.id, decision: 'approve', actor: APPROVER });
    if (d.instance.state !== 'finished') throw new Error(`decided instance is ${d.instance.state}`);
  }
  process.stdout.write('done\n');
}
await engine.close();
await repository.close();
process.exit(0);
