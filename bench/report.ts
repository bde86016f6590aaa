/** Formatting of the benchmark results: the console table and the machine description. */
import { cpus, totalmem, platform, release } from 'node:os';

export interface ScenarioResult {
  readonly scenario: string;
  readonly description: string;
  /** idflow completed instances per second; undefined when the engine could not run. */
  readonly idflow?: { readonly instances: number; readonly perSecond: number };
  /** Baseline 1: the recorded rows and commits, bare statements on a minimal schema (integer keys, no index). */
  readonly bare: { readonly instances: number; readonly perSecond: number; readonly trace: 'recorded' | 'nominal' };
  /** Baseline 2: the engine's recorded write statements replayed on idflow's own schema; absent without the engine. */
  readonly bareSchema?: { readonly instances: number; readonly perSecond: number };
  readonly bpmn?: { readonly instances: number; readonly perSecond: number; readonly stateBytes: number };
  /** What idflow writes per instance (from the recorded trace, or the nominal one). */
  readonly perInstance: { readonly commits: number; readonly rows: number; readonly bytes: number };
  readonly byTable: Readonly<Record<string, { insert: number; update: number; delete: number }>>;
  readonly error?: string;
  /** How many measurements each figure is the best of. */
  readonly runs?: number;
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGB: number;
  readonly node: string;
  readonly os: string;
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    os: `${platform()} ${release()}`,
  };
}

const fmt = (n: number | undefined, digits = 0): string =>
  n === undefined || !Number.isFinite(n) ? 'n/a' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined || b === 0 ? 'n/a' : `${(a / b).toFixed(2)}×`);

/** Renders rows as a Markdown table (readable on a console, pasteable into docs/benchmarks.md). */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function throughputTable(results: readonly ScenarioResult[]): string {
  const header = [
    'scenario',
    'idflow inst/s',
    'bare, minimal schema',
    'idflow ÷ minimal',
    'bare, idflow schema',
    'idflow ÷ idflow schema',
    'bpmn-engine inst/s',
    'idflow ÷ bpmn',
    'commits/inst',
    'rows/inst',
  ];
  const rows = results.map((r) => [
    r.scenario,
    r.error ? `error` : fmt(r.idflow?.perSecond),
    `${fmt(r.bare.perSecond)}${r.bare.trace === 'nominal' ? ' (nominal)' : ''}`,
    ratio(r.idflow?.perSecond, r.bare.perSecond),
    fmt(r.bareSchema?.perSecond),
    ratio(r.idflow?.perSecond, r.bareSchema?.perSecond),
    fmt(r.bpmn?.perSecond),
    ratio(r.idflow?.perSecond, r.bpmn?.perSecond),
    fmt(r.perInstance.commits, 2),
    fmt(r.perInstance.rows, 2),
  ]);
  return markdownTable(header, rows);
}

/** The targets for (a), each with the figure measured and whether it is met. */
export const TARGET = { perSecond: 2000, ofBare: 0.5 } as const;

export function targetLines(results: readonly ScenarioResult[]): string[] {
  const lines: string[] = [];
  const verdict = (ok: boolean | undefined): string => (ok === undefined ? 'n/a' : ok ? 'met' : 'MISSED');
  for (const r of results.filter((x) => x.scenario.startsWith('a'))) {
    const v = r.idflow?.perSecond;
    const of = (b: number | undefined) => (v === undefined || b === undefined ? undefined : v / b);
    const minimal = of(r.bare.perSecond);
    const schema = of(r.bareSchema?.perSecond);
    const bpmn = of(r.bpmn?.perSecond);
    lines.push(
      `target ${r.scenario}: ≥ ${fmt(TARGET.perSecond)}/s ${verdict(v === undefined ? undefined : v >= TARGET.perSecond)} (${fmt(v)}); ` +
        `≥ ${TARGET.ofBare}× bare minimal schema ${verdict(minimal === undefined ? undefined : minimal >= TARGET.ofBare)} (${ratio(v, r.bare.perSecond)}); ` +
        `≥ ${TARGET.ofBare}× bare idflow schema ${verdict(schema === undefined ? undefined : schema >= TARGET.ofBare)} (${ratio(v, r.bareSchema?.perSecond)}); ` +
        `ahead of bpmn-engine ${verdict(bpmn === undefined ? undefined : bpmn > 1)} (${ratio(v, r.bpmn?.perSecond)})`,
    );
  }
  return lines;
}
