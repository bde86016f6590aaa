import type { FleetRow } from './fleet-bench.js';
import { markdownTable } from './report.js';

/** The fleet rows as a Markdown table: one line per database and scenario, a column per process count. */
export function fleetTable(rows: readonly FleetRow[]): string {
  const keys = [...new Set(rows.map((r) => `${r.database}:${r.scenario}`))];
  const rate = (database: string, scenario: string, processes: number): string => {
    const row = rows.find((r) => r.database === database && r.scenario === scenario && r.processes === processes);
    if (!row) return '—';
    const idflow = Math.round(row.perSecond).toLocaleString('en-US');
    // PostgreSQL: beside the bare replay of idflow's own writes over as many connections, and the ratio.
    return row.barePerSecond === undefined
      ? idflow
      : `${idflow} (bare ${Math.round(row.barePerSecond).toLocaleString('en-US')}, ${(row.perSecond / row.barePerSecond).toFixed(2)}×)`;
  };
  return markdownTable(
    ['database', 'scenario', '1 process inst/s', '2 processes inst/s', '4 processes inst/s'],
    keys.map((k) => {
      const [database, scenario] = k.split(':') as [string, string];
      return [database, scenario, rate(database, scenario, 1), rate(database, scenario, 2), rate(database, scenario, 4)];
    }),
  );
}
