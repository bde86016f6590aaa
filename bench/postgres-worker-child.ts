/**
 * One worker process of the PostgreSQL fleet benchmark: `node --import tsx bench/postgres-worker-child.ts URL ID BATCH`.
 * Runs worker rounds on the repository at URL until two rounds in a row find nothing, then prints
 * `{"advanced": n}` on stdout.
 */
import { openEngine } from '../src/engine/engine.js';
import { openRepository } from '../src/repository/open-repository.js';

const [url, workerId, batch] = process.argv.slice(2);
if (!url || !workerId) throw new Error('usage: postgres-worker-child.ts URL WORKER_ID [BATCH]');
const repository = await openRepository({ url });
const engine = await openEngine({ repository, workerId, batchSize: Number(batch ?? 100) });
let advanced = 0;
let idle = 0;
while (idle < 2) {
  const round = await engine.runWorkerOnce();
  advanced += round.advanced;
  idle = round.advanced === 0 ? idle + 1 : 0;
}
await engine.close();
await repository.close();
process.stdout.write(`${JSON.stringify({ advanced })}\n`);
