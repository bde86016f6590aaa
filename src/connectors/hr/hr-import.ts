/**
 * One HR run (`idflow hr import`): read and check the file, diff it against the source's last snapshot, stop at the
 * guard, then write the new snapshot, the run and its launches in one transaction and start what is due. A refused,
 * stopped or dry run changes nothing but its own record in the audit.
 */
import { randomUUID } from 'node:crypto';
import type { Engine } from '../../engine/engine-api.js';
import type { XValue } from '../../expression/env.js';
import type { HrLaunchRecord, HrRunOutcome } from '../../repository/hr-store.js';
import type { AuditRecord } from '../../repository/runtime-store.js';
import type { Repository } from '../../repository/repository.js';
import { HrFileRefusedError, hrSourceNotFound, hrThresholdExceeded } from './hr-errors.js';
import { readHrFile, type HrProblem } from './hr-file.js';
import { launchDueHr, type HrLaunchReport } from './hr-launcher.js';
import { hrThreshold, planHrRun, type HrPlan } from './hr-plan.js';
import { parseHrSource, type HrEncoding, type HrSourceConfig } from './hr-source.js';

export interface HrImportRequest {
  readonly source: string;
  /** The file's name, for the record. */
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly dryRun?: boolean;
  readonly force?: boolean;
  /** Overrides the source's encoding for this file. */
  readonly encoding?: HrEncoding;
  /** Who ran it, for the audit. */
  readonly actor?: string;
  /**
   * The run's id, chosen by the caller so it can point at the run before it is recorded (the console's progress page).
   * @default a new UUID
   */
  readonly runId?: string;
  /** Told how many launches are done, of `total`, while a long run starts its workflows. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface HrImportResult {
  readonly runId: string;
  readonly source: string;
  readonly outcome: HrRunOutcome;
  readonly encoding: string;
  readonly plan: HrPlan;
  readonly threshold?: number;
  /** The launches started by this command (due ones, this run's and earlier runs'). */
  readonly launches?: HrLaunchReport;
}

export interface HrImportDeps {
  readonly repository: Repository;
  readonly engine: Engine;
  /** @default Date.now */
  readonly clock?: () => number;
}

export async function loadHrSource(repository: Repository, name: string): Promise<HrSourceConfig> {
  const stored = await repository.hr.getSource(name);
  if (!stored) throw hrSourceNotFound(name, await repository.hr.listSources());
  return parseHrSource(stored, name);
}

export async function importHrFile(deps: HrImportDeps, request: HrImportRequest): Promise<HrImportResult> {
  const clock = deps.clock ?? Date.now;
  const repo = deps.repository;
  const source = await loadHrSource(repo, request.source);
  const now = clock();
  const runId = request.runId ?? randomUUID();
  const actor = request.actor ?? source.launcher;
  const file = readHrFile(request.bytes, source, request.encoding ?? source.encoding);
  const runAudit = (outcome: HrRunOutcome, data: Record<string, XValue>): AuditRecord => ({
    at: now,
    event: 'hr.run',
    actor,
    data: { source: source.name, runId, file: request.file, outcome, ...data },
  });
  if (file.problems.length > 0) {
    const plan: Record<string, XValue> = { problems: file.problems.map(problemValue) };
    await repo.hr.recordRun({ id: runId, source: source.name, at: now, file: request.file, outcome: 'refused', plan }, [runAudit('refused', { problems: file.problems.length })]);
    throw new HrFileRefusedError(request.file, runId, file.problems);
  }
  const previous = await repo.hr.snapshot(source.name);
  const plan = planHrRun(source, previous, file.rows, now);
  const threshold = hrThreshold(source, plan);
  const summary = planSummary(plan);
  const base = { runId, source: source.name, encoding: file.encoding, plan, ...(threshold !== undefined && { threshold }) };
  if (request.dryRun) {
    await repo.hr.recordRun({ id: runId, source: source.name, at: now, file: request.file, outcome: 'dry-run', plan: summary }, [runAudit('dry-run', summary)]);
    return { ...base, outcome: 'dry-run' };
  }
  if (threshold !== undefined && plan.launches.length > threshold && !request.force) {
    await repo.hr.recordRun({ id: runId, source: source.name, at: now, file: request.file, outcome: 'stopped', plan: summary }, [
      runAudit('stopped', { ...summary, threshold }),
    ]);
    throw hrThresholdExceeded(source.name, plan.launches.length, threshold, runId);
  }
  const launches: HrLaunchRecord[] = plan.launches.map((l) => ({
    id: randomUUID(),
    source: source.name,
    runId,
    rowKey: l.key,
    change: l.change,
    definition: l.definition,
    subject: l.subject,
    variables: l.variables,
    firstTransition: l.firstTransition,
    dueAt: l.dueAt,
    state: 'pending',
    instanceId: null,
    error: null,
  }));
  const upserts = [...file.rows].filter(([key, attrs]) => !sameRow(previous.get(key), attrs)).map(([key, attributes]) => ({ key, attributes }));
  await repo.hr.apply({
    run: { id: runId, source: source.name, at: now, file: request.file, outcome: 'applied', plan: summary },
    upserts,
    deletes: plan.leavers,
    launches,
    audit: [runAudit('applied', { ...summary, ...(request.force && { forced: true }) })],
  });
  const due = launches.filter((l) => l.dueAt <= now).length;
  const report = await launchDueHr(
    { repository: repo, engine: deps.engine, clock },
    { source: source.name, launcher: async () => source.launcher, ...(request.onProgress && { onProgress: (done: number) => request.onProgress!(done, due) }) },
  );
  return { ...base, outcome: 'applied', launches: report };
}

function sameRow(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  if (!a) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? '') !== (b[k] ?? '')) return false;
  return true;
}

/** The plan as it goes into the run's record and audit: who joins, moves, leaves, and which workflows start when. */
export function planSummary(plan: HrPlan): Record<string, XValue> {
  return {
    rows: plan.rows,
    previousRows: plan.previousRows,
    joiners: [...plan.joiners],
    movers: [...plan.movers],
    leavers: [...plan.leavers],
    updated: [...plan.updated],
    unchanged: plan.unchanged,
    starts: plan.launches.map((l) => ({
      key: l.key,
      change: l.change,
      workflow: l.definition,
      ...(l.subject !== null && { subject: l.subject }),
      at: new Date(l.dueAt).toISOString(),
      ...(l.changed && { changed: [...l.changed] }),
    })),
  };
}

function problemValue(p: HrProblem): Record<string, XValue> {
  return { kind: p.kind, message: p.message, ...(p.line !== undefined && { line: p.line }), ...(p.column !== undefined && { column: p.column }), ...(p.key !== undefined && { key: p.key }) };
}
