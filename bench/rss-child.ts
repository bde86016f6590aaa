/**
 * Memory with many instances waiting on work items, in a process of its own so nothing else the benchmark did
 * is counted. Run by bench/run.ts as `node --expose-gc --import tsx bench/rss-child.ts <dir> <count>`; prints one
 * JSON line.
 *
 * Launches `count` instances of benchmark (b) asynchronously, lets worker rounds bring each to its work item
 * (which nobody decides), collects garbage and reads the process RSS.
 */
import { APPROVER, drainWorker, loadOpenEngine, ONE_APPROVAL, openBenchEngine } from './idflow-scenarios.js';

export interface RssResult {
  readonly instances: number;
  readonly waiting: number;
  readonly seconds: number;
  readonly rssBeforeMB: number;
  readonly rssAfterMB: number;
  readonly heapUsedMB: number;
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 3; i++) gc();
}

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function main(): Promise<void> {
  const [dir, countArg] = process.argv.slice(2);
  const count = Number(countArg);
  if (!dir || !Number.isInteger(count) || count <= 0) throw new Error('usage: rss-child.ts <dir> <count>');
  const openEngine = await loadOpenEngine();
  if (!openEngine) {
    process.stdout.write(`${JSON.stringify({ unavailable: 'src/engine/engine.ts does not exist yet' })}\n`);
    return;
  }
  const bench = await openBenchEngine(openEngine, dir, 'idflow-rss.db');
  try {
    collect();
    const rssBefore = process.memoryUsage().rss;
    const start = process.hrtime.bigint();
    const chunk = 1000;
    for (let done = 0; done < count; done += chunk) {
      for (let i = done; i < Math.min(count, done + chunk); i++) {
        await bench.engine.launch({ definition: ONE_APPROVAL, launcher: 'bench', mode: 'async' });
      }
      // Advance as a worker beside the launches would, so the ready queue stays short.
      await drainWorker(bench.engine);
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    collect();
    const usage = process.memoryUsage();
    // Counted after the measurement: listing 100k items costs memory of its own.
    const waiting = (await bench.engine.listWorkItems({ owner: APPROVER, state: 'open', limit: count + 1 })).length;
    const result: RssResult = {
      instances: count,
      waiting,
      seconds,
      rssBeforeMB: mb(rssBefore),
      rssAfterMB: mb(usage.rss),
      heapUsedMB: mb(usage.heapUsed),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await bench.close();
  }
}

await main();
