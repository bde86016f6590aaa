/**
 * The inbox over HTTP (`npm run bench -- --only inbox`; issue 12): p50 and p99 latency of `GET /api/v1/workitems`
 * for one approver who owns `open` open work items while `finished` finished TaskInstances (each with its decided
 * work item of the same approver) are retained, beside the bare indexed SQL query of the same rows on the same file
 * in the same run; and sign-in plus the first inbox page, with argon2id at the library's default cost and at the
 * cost idflow uses (docs/decisions/argon2-cost.md).
 *
 * The rows are seeded by bulk SQL cloning one instance that the engine really launched (and one it really finished),
 * not by running workflows one by one: 1.1 million launches would take the benchmark an hour. Requests go over a
 * real loopback socket with keep-alive (Node's fetch), measured one at a time, each beside one bare query, so that
 * load from other work on the shared machine falls on both alike.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { argon2Hashing, type Argon2Cost } from '../src/access/passwords.js';
import { AccessService } from '../src/access/access-service.js';
import { openEngine as openRuntimeEngine } from '../src/engine/engine.js';
import { createHttpServer } from '../src/http/server.js';
import { openRepository } from '../src/repository/open-repository.js';
import { APPROVER, loadOpenEngine, ONE_APPROVAL, openBenchEngine } from './idflow-scenarios.js';

export interface LatencyFigure {
  readonly what: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly samples: number;
}

export interface InboxResult {
  readonly open: number;
  readonly finished: number;
  readonly seedSeconds: number;
  readonly pageSize: number;
  readonly http: LatencyFigure;
  readonly bareSql: LatencyFigure;
  readonly signIn: readonly LatencyFigure[];
  /**
   * CPU (user + system) this process spent per inbox request, client and server together, over all of them: on a
   * machine shared with other work the latency quantiles mostly measure the others, the CPU much less.
   */
  readonly cpuMsPerRequest: number;
}

const PASSWORD = 'bench-approver-password';
const PAGE = 50;

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function latency(what: string, samples: number[]): LatencyFigure {
  const sorted = [...samples].sort((a, b) => a - b);
  return { what, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99), samples: sorted.length };
}

/**
 * Clones the template rows `count` times in one transaction: ids and creation times made unique, names cleared (they
 * are unique), everything else as the engine wrote it.
 */
function cloneRows(db: Database.Database, templateInstance: string, count: number, prefix: string, baseMs: number, state: 'finished' | 'open'): void {
  const columns = (table: string) => (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[]).map((c) => c.name);
  const instanceCols = columns('task_instances');
  const itemCols = columns('work_items');
  const instanceExpr: Record<string, string> = {
    id: `'${prefix}-ti-' || n.i`,
    name: 'NULL',
    created_at: `${baseMs} + n.i`,
    updated_at: `${baseMs} + n.i`,
    ...(state === 'finished' && { finished_at: `${baseMs} + n.i`, state: "'finished'", waiting: '0', expires_at: 'NULL', wake_at: 'NULL', runnable: '0' }),
  };
  const itemExpr: Record<string, string> = {
    id: `'${prefix}-wi-' || n.i`,
    instance_id: `'${prefix}-ti-' || n.i`,
    created_at: `${baseMs} + n.i`,
    ...(state === 'finished' && { state: "'decided'", decision: "'approve'", decided_by: `'${APPROVER}'`, closed_at: `${baseMs} + n.i` }),
  };
  const series = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)';
  const copy = (table: string, cols: string[], expr: Record<string, string>, where: string) =>
    db
      .prepare(`INSERT INTO ${table} (${cols.join(', ')}) ${series} SELECT ${cols.map((c) => expr[c] ?? `t.${c}`).join(', ')} FROM n, ${table} t WHERE ${where}`)
      .run(count, templateInstance);
  db.transaction(() => {
    copy('task_instances', instanceCols, instanceExpr, 't.id = ?');
    copy('work_items', itemCols, itemExpr, 't.instance_id = ?');
  })();
}

async function signInAndInbox(base: string): Promise<number> {
  const start = performance.now();
  const r = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: APPROVER, password: PASSWORD }) });
  if (r.status !== 200) throw new Error(`sign-in answered ${r.status}: ${await r.text()}`);
  await r.arrayBuffer();
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
  const inbox = await fetch(`${base}/api/v1/workitems?limit=${PAGE}&counts=true`, { headers: { cookie } });
  const body = (await inbox.json()) as { items: unknown[] };
  if (inbox.status !== 200 || body.items.length !== PAGE) throw new Error(`the first inbox page answered ${inbox.status} with ${body.items.length} items`);
  return performance.now() - start;
}

/** Seeds the repository, serves it on loopback and measures. */
export async function measureInbox(dir: string, open: number, finished: number, requests: number, signIns: number, log: (line: string) => void): Promise<InboxResult> {
  const openEngine = await loadOpenEngine();
  if (!openEngine) throw new Error('src/engine/engine.ts is missing');
  const file = 'idflow-inbox.db';
  const bench = await openBenchEngine(openEngine, dir, file);
  const seedStart = performance.now();
  const toFinish = await bench.engine.launch({ definition: ONE_APPROVAL, launcher: 'bench', mode: 'sync' });
  const toKeepOpen = await bench.engine.launch({ definition: ONE_APPROVAL, launcher: 'bench', mode: 'sync' });
  const item = toFinish.workItems[0];
  if (!item) throw new Error('the bench launch stopped at no work item');
  await bench.engine.decide({ workItemId: item.id, decision: item.decisions[0] ?? 'approve', actor: APPROVER });
  await bench.close();

  log(`· inbox: cloning ${finished.toLocaleString('en-US')} finished instances and ${open.toLocaleString('en-US')} open work items by bulk SQL`);
  const db = new Database(join(dir, file));
  db.pragma('journal_mode = WAL');
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  cloneRows(db, toFinish.instance.id, finished, 'done', t0, 'finished');
  cloneRows(db, toKeepOpen.instance.id, open, 'open', t0 + finished + 1, 'open');
  db.exec('ANALYZE');
  const seedSeconds = (performance.now() - seedStart) / 1000;

  // The bare query: the approver's open items in the engine's inbox order, one page, on the owner index.
  const bare = db.prepare(`SELECT * FROM work_items WHERE owner = ? AND state = 'open' ORDER BY created_at, id LIMIT ${PAGE}`);
  const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT * FROM work_items WHERE owner = ? AND state = 'open' ORDER BY created_at, id LIMIT ${PAGE}`).all(APPROVER) as { detail: string }[]).map((r) => r.detail).join('; ');
  log(`· inbox: bare query plan: ${plan}`);

  const signIn: LatencyFigure[] = [];
  const costs: { label: string; cost: Argon2Cost | undefined }[] = [
    { label: 'argon2id library default (m=64 MiB, t=3, p=4)', cost: { memoryCost: 65_536, timeCost: 3, parallelism: 4 } },
    { label: 'argon2id idflow default (m=19 MiB, t=2, p=1)', cost: undefined },
  ];
  let httpSamples: number[] = [];
  let cpuMsPerRequest = Number.NaN;
  const bareSamples: number[] = [];
  for (const { label, cost } of costs) {
    const repository = await openRepository({ db: join(dir, file) });
    const engine = await openRuntimeEngine({ repository });
    const hashing = cost === undefined ? undefined : argon2Hashing(cost);
    const accounts = new AccessService({ repository, ...(hashing && { hashing }) });
    if (!(await repository.access.getAccount(APPROVER))) await accounts.createAccount({ name: APPROVER, password: PASSWORD, by: 'bench' });
    else await accounts.setPassword(APPROVER, PASSWORD);
    const app = await createHttpServer({ engine, repository, ...(hashing && { hashing }) });
    try {
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      const samples: number[] = [];
      for (let k = 0; k < signIns + 2; k++) {
        const ms = await signInAndInbox(address);
        if (k >= 2) samples.push(ms); // two unmeasured rounds: code paths compiled, file cache warm
      }
      signIn.push(latency(`sign-in + first inbox page, ${label}`, samples));
      if (cost === undefined) {
        const r = await fetch(`${address}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: APPROVER, password: PASSWORD }) });
        await r.arrayBuffer();
        const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
        const url = `${address}/api/v1/workitems?limit=${PAGE}`;
        httpSamples = [];
        let cpuStart = process.cpuUsage();
        for (let k = 0; k < requests + 50; k++) {
          const a = performance.now();
          const res = await fetch(url, { headers: { cookie } });
          const body = (await res.json()) as { items: unknown[] };
          const b = performance.now();
          if (res.status !== 200 || body.items.length !== PAGE) throw new Error(`GET /api/v1/workitems answered ${res.status} with ${body.items.length} items`);
          const rows = bare.all(APPROVER);
          const c = performance.now();
          if (rows.length !== PAGE) throw new Error(`the bare query found ${rows.length} rows`);
          if (k === 49) cpuStart = process.cpuUsage();
          if (k >= 50) {
            httpSamples.push(b - a);
            bareSamples.push(c - b);
          }
        }
        const cpu = process.cpuUsage(cpuStart);
        cpuMsPerRequest = (cpu.user + cpu.system) / 1000 / requests;
      }
    } finally {
      await app.close();
      await engine.close();
      await repository.close();
    }
  }
  db.close();
  return {
    open,
    finished,
    seedSeconds,
    pageSize: PAGE,
    http: latency(`GET /api/v1/workitems?limit=${PAGE} (session cookie, loopback HTTP)`, httpSamples),
    bareSql: latency(`bare SQL: SELECT … WHERE owner = ? AND state = 'open' ORDER BY created_at, id LIMIT ${PAGE}`, bareSamples),
    signIn,
    cpuMsPerRequest,
  };
}

/** The inbox table and the targets met or missed. */
export function inboxLines(r: InboxResult, targets = { p99Ms: 20, signInMs: 300 }): string[] {
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  const rows = [r.http, r.bareSql, ...r.signIn];
  const lines = [
    `inbox over HTTP: one approver, ${r.open.toLocaleString('en-US')} open work items, ${r.finished.toLocaleString('en-US')} finished TaskInstances retained (seeded by bulk SQL in ${r.seedSeconds.toFixed(1)} s), SQLite`,
    '',
    '| what | p50 | p99 | samples |',
    '|---|---:|---:|---:|',
    ...rows.map((f) => `| ${f.what} | ${ms(f.p50Ms)} | ${ms(f.p99Ms)} | ${f.samples} |`),
    '',
    `CPU per inbox request (client and server in this process, bare queries included): ${ms(r.cpuMsPerRequest)}`,
    `${r.http.p99Ms < targets.p99Ms ? 'met' : 'MISSED'}: GET /api/v1/workitems p99 ${ms(r.http.p99Ms)} (target under ${targets.p99Ms} ms; bare SQL p99 ${ms(r.bareSql.p99Ms)})`,
  ];
  const used = r.signIn.at(-1);
  if (used) lines.push(`${used.p99Ms < targets.signInMs ? 'met' : 'MISSED'}: ${used.what} p99 ${ms(used.p99Ms)}, p50 ${ms(used.p50Ms)} (target under ${targets.signInMs} ms)`);
  return lines;
}
