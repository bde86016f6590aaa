/**
 * The bare-PostgreSQL baseline of the fleet rows: idflow's own write statements, recorded while it ran the scenario
 * on PostgreSQL (pg-write-recorder.ts), replayed with bare `pg` clients on a fresh database made by idflow's
 * migrations, over the same number of connections the idflow run used, each replaying its share of the recorded
 * transactions at once. Ids and times are renewed per repetition as in the SQLite own-schema baseline
 * (bare-schema-baseline.ts); `setup` transactions (the launches of a workers-only scenario) are replayed before the
 * clock starts.
 */
import pg from 'pg';
import { remap, timeSpan, type Remap } from './bare-schema-baseline.js';
import type { PgRecordedStatement } from './pg-write-recorder.js';
import type { WriteTrace } from './write-recorder.js';

export interface BarePgRun {
  readonly instances: number;
  readonly seconds: number;
  readonly commits: number;
}

type Tx = { name?: string; text: string; values: unknown[] }[];

function renewed(trace: WriteTrace, m: Remap): Tx[] {
  return trace.commits.map((c) =>
    (c.statements as readonly PgRecordedStatement[]).map((s) => ({ ...(s.name !== undefined && { name: s.name }), text: s.sql, values: remap(s.params, m) as unknown[] })),
  );
}

async function replay(client: pg.Client, txs: readonly Tx[]): Promise<void> {
  for (const tx of txs) {
    if (tx.length === 1) {
      await client.query(tx[0]!);
      continue;
    }
    await client.query('BEGIN');
    for (const st of tx) await client.query(st);
    await client.query('COMMIT');
  }
}

/**
 * Replays `timed` (and `setup` before the clock) on the database at `url`, which must hold idflow's schema and
 * nothing else, over `connections` clients, repeating the trace until `instances` are reached.
 */
export async function runBarePostgres(url: string, setup: WriteTrace | undefined, timed: WriteTrace, instances: number, connections: number, newId: () => string): Promise<BarePgRun> {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  try {
    const repeats = Math.max(1, Math.round(instances / Math.max(1, timed.instances)));
    const span = Math.max(setup ? timeSpan(setup) : 0, timeSpan(timed));
    let elapsed = 0n;
    let commits = 0;
    for (let r = 0; r < repeats; r++) {
      // One id map per repetition, shared by its setup and its timed part: the timed writes meet the setup's rows.
      const m: Remap = { ids: new Map(), newId, shift: r * span };
      if (setup) await replay(clients[0]!, renewed(setup, m));
      const txs = renewed(timed, m);
      const shares = clients.map((_, k) => txs.filter((_, i) => i % clients.length === k));
      const start = process.hrtime.bigint();
      await Promise.all(clients.map((c, k) => replay(c, shares[k]!)));
      elapsed += process.hrtime.bigint() - start;
      commits += txs.length;
    }
    return { instances: repeats * timed.instances, seconds: Number(elapsed) / 1e9, commits };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}
