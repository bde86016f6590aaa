/**
 * Counts what a worker sends to PostgreSQL in scenario (a): N async launches, then one `runWorker` loop (batches
 * of 100, as `idflow worker` runs) until all N finished; prints every statement by kind with its count. A profiling
 * aid for the fleet rows (docs/benchmarks.md): `node --import tsx bench/profile-pg-round.ts postgres://…/fresh_db [N]`.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import pg from 'pg';
import { openEngine } from '../src/engine/engine.js';
import { FOUR_STEPS, openBenchEngine } from './idflow-scenarios.js';

const [url, nText, only] = process.argv.slice(2);
if (!url) throw new Error('usage: profile-pg-round.ts URL [N] [launch|drain]');
const n = Number(nText ?? 1000);
const bench = await openBenchEngine(openEngine, '', '', { url });
// `launch` then `drain` in two processes: the second alone under --cpu-prof.
if (only !== 'drain') for (let i = 0; i < n; i++) await bench.engine.launch({ definition: FOUR_STEPS, launcher: 'bench', mode: 'async' });
if (only === 'launch') {
  await bench.close();
  process.exit(0);
}

const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
const original = proto.query;
const counts = new Map<string, number>();
let total = 0;
proto.query = function (this: object, ...args: unknown[]): unknown {
  const first = args[0] as string | { text: string; name?: string };
  const text = (typeof first === 'string' ? first : first.text).replace(/\s+/g, ' ').trim().slice(0, 90);
  counts.set(text, (counts.get(text) ?? 0) + 1);
  total++;
  return original.apply(this, args);
};
// IDFLOW_CPU_PROFILE=file: a CPU profile of the drain alone (bench/summarise-profile.ts reads it).
const profileTo = process.env['IDFLOW_CPU_PROFILE'];
const session = profileTo ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
const started = process.hrtime.bigint();
// The worker loop as `idflow worker` runs it (rounds of 100), until every launched instance finished.
const stop = new AbortController();
let advanced = 0;
await bench.engine.runWorker(stop.signal, {
  reportEveryMs: 5,
  onReport: (a) => {
    advanced += a.finished;
    if (advanced >= n) stop.abort();
  },
});
const ms = Number(process.hrtime.bigint() - started) / 1e6;
if (session && profileTo) writeFileSync(profileTo, JSON.stringify((await session.post('Profiler.stop')).profile));
proto.query = original;
console.log(`${advanced} instances advanced in ${ms.toFixed(0)} ms; ${total} statements (${(total / advanced).toFixed(3)} per instance)`);
for (const [text, c] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`${String(c).padStart(6)}  ${text}`);
await bench.close();
