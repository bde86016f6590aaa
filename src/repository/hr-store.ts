import type { XValue } from '../expression/env.js';
import type { AuditRecord } from './runtime-store.js';

/** How a run ended: applied, refused (a bad file), stopped by the guard, or only planned (`--dry-run`). */
export type HrRunOutcome = 'applied' | 'refused' | 'stopped' | 'dry-run';

export interface HrRunRecord {
  readonly id: string;
  readonly source: string;
  readonly at: number;
  readonly file: string;
  readonly outcome: HrRunOutcome;
  /** The plan (or the refusal report) as JSON-safe data. */
  readonly plan: Readonly<Record<string, XValue>>;
}

/** A workflow an HR run starts, kept until it is launched: due now, or on a future hire's start date. */
export interface HrLaunchRecord {
  readonly id: string;
  readonly source: string;
  readonly runId: string;
  readonly rowKey: string;
  readonly change: 'added' | 'modified' | 'deleted';
  readonly definition: string;
  readonly subject: string | null;
  readonly variables: Readonly<Record<string, XValue>>;
  /** `<Template>-<State>-<Verb>` fired at once after the launch, for workflows that wait on a Request. */
  readonly firstTransition: string | null;
  readonly dueAt: number;
  readonly state: 'pending' | 'launched' | 'failed';
  readonly instanceId: string | null;
  readonly error: string | null;
}

/** A run's launches by state; `total` = all of them, `later` = pending ones not due yet (future joiners). */
export interface HrRunProgress {
  readonly total: number;
  readonly launched: number;
  readonly failed: number;
  readonly pending: number;
  readonly later: number;
}

export function toHrRunProgress(rows: readonly { state: string; later: number | string; n: number | string }[]): HrRunProgress {
  const p = { total: 0, launched: 0, failed: 0, pending: 0, later: 0 };
  for (const r of rows) {
    const n = Number(r.n);
    p.total += n;
    if (r.state === 'launched') p.launched += n;
    else if (r.state === 'failed') p.failed += n;
    else if (Number(r.later) === 1) p.later += n;
    else p.pending += n;
  }
  return p;
}

/** What an applied run writes, all in one transaction. */
export interface HrApply {
  readonly run: HrRunRecord;
  /** Rows added or changed, by key: the attributes as mapped. */
  readonly upserts: readonly { readonly key: string; readonly attributes: Readonly<Record<string, string>> }[];
  readonly deletes: readonly string[];
  readonly launches: readonly HrLaunchRecord[];
  readonly audit: readonly AuditRecord[];
}

/** The HR feed's tables (migration 0011): sources, the last snapshot of each, runs and pending launches. */
export interface HrStore {
  putSource(name: string, config: Readonly<Record<string, unknown>>, at: number): Promise<void>;
  getSource(name: string): Promise<Readonly<Record<string, unknown>> | undefined>;
  listSources(): Promise<string[]>;
  /** The last applied snapshot of a source, by key. */
  snapshot(source: string): Promise<Map<string, Record<string, string>>>;
  /** Records a run that changed nothing (refused, stopped, dry run), with its audit rows. */
  recordRun(run: HrRunRecord, audit: readonly AuditRecord[]): Promise<void>;
  /** Applies a run: snapshot rows, the run, its launches and audit rows, all or nothing. */
  apply(apply: HrApply): Promise<void>;
  listRuns(source?: string): Promise<HrRunRecord[]>;
  /** One run with its plan; undefined when there is none of that id. */
  getRun(id: string): Promise<HrRunRecord | undefined>;
  /** How far a run's launches are (the console's progress): counted by state, pending ones split by due at `now`. */
  runProgress(runId: string, now: number): Promise<HrRunProgress>;
  /** Pending launches due at `now`, oldest first. */
  dueLaunches(now: number, limit: number): Promise<HrLaunchRecord[]>;
  listLaunches(source?: string): Promise<HrLaunchRecord[]>;
  /**
   * Takes a pending launch for one launcher (`token` kept in `instance_id` until it is done) unless another took it
   * less than `leaseMs` ago: two workers never start the same row, and a row whose launcher died is taken again.
   */
  claimLaunch(id: string, token: string, now: number, leaseMs: number): Promise<boolean>;
  /**
   * Takes up to `limit` pending launches due at `now` (of one source, or all) for one launcher in one statement, as
   * {@link claimLaunch} takes one: rows another launcher claimed less than `leaseMs` ago are passed over, not
   * waited for. Answers the rows taken, oldest first.
   */
  claimDue(now: number, limit: number, token: string, leaseMs: number, source?: string): Promise<HrLaunchRecord[]>;
  /**
   * {@link finishLaunch} for many rows, with their `hr.launched` / `hr.launch-failed` audit rows, in one
   * transaction (a launch the engine started is marked in its own commit instead: InstanceWrite.hrLaunch); answers
   * the ids that were still pending, in the order given (the others' audit rows are written all the same).
   */
  finishLaunches(outcomes: readonly HrLaunchOutcome[], audit: readonly AuditRecord[], at: number): Promise<string[]>;
  /** Marks a pending launch done; false when it was not pending any more (another process took it). */
  finishLaunch(id: string, outcome: { readonly state: 'launched' | 'failed'; readonly instanceId?: string; readonly error?: string }, at: number): Promise<boolean>;
  /**
   * Hands a claimed launch back, pending again and due at `dueAt` (its subject was busy), with `error` kept as the
   * reason; false when it was not pending any more.
   */
  deferLaunch(id: string, dueAt: number, error: string, at: number): Promise<boolean>;
}

/** How one launch ended, for {@link HrStore.finishLaunches}. */
export interface HrLaunchOutcome {
  readonly id: string;
  readonly state: 'launched' | 'failed';
  readonly instanceId?: string;
  readonly error?: string;
}

export interface HrLaunchRow {
  id: string;
  source: string;
  run_id: string;
  row_key: string;
  change: string;
  definition: string;
  subject: string | null;
  variables: string;
  first_transition: string | null;
  due_at: number | string;
  state: string;
  instance_id: string | null;
  error: string | null;
}

export const HR_LAUNCH_COLUMNS = [
  'id', 'source', 'run_id', 'row_key', 'change', 'definition', 'subject', 'variables', 'first_transition', 'due_at', 'state', 'instance_id', 'error', 'updated_at',
] as const;

export function hrLaunchValues(l: HrLaunchRecord, at: number): unknown[] {
  return [l.id, l.source, l.runId, l.rowKey, l.change, l.definition, l.subject, JSON.stringify(l.variables), l.firstTransition, l.dueAt, l.state, l.instanceId, l.error, at];
}

/** Oldest due first, then by id in code-unit order (as both databases sort the claim's candidates). */
export function byDue(a: HrLaunchRow, b: HrLaunchRow): number {
  return Number(a.due_at) - Number(b.due_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function toHrLaunch(r: HrLaunchRow): HrLaunchRecord {
  return {
    id: r.id,
    source: r.source,
    runId: r.run_id,
    rowKey: r.row_key,
    change: r.change as HrLaunchRecord['change'],
    definition: r.definition,
    subject: r.subject,
    variables: JSON.parse(r.variables) as Record<string, XValue>,
    firstTransition: r.first_transition,
    dueAt: Number(r.due_at),
    state: r.state as HrLaunchRecord['state'],
    instanceId: r.instance_id,
    error: r.error,
  };
}

export interface HrRunRow {
  id: string;
  source: string;
  at: number | string;
  file: string;
  outcome: string;
  plan: string;
}

export function toHrRun(r: HrRunRow): HrRunRecord {
  return { id: r.id, source: r.source, at: Number(r.at), file: r.file, outcome: r.outcome as HrRunOutcome, plan: JSON.parse(r.plan) as Record<string, XValue> };
}

/** `idflow audit`'s filter; `since` inclusive, `until` exclusive (epoch ms); `afterId` continues a page. */
export interface AuditQuery {
  readonly instanceId?: string;
  /** Events about this user: those whose data names it as subject, and every event of an instance launched on it. */
  readonly subject?: string;
  readonly event?: string;
  readonly since?: number;
  readonly until?: number;
  readonly afterId?: number;
  readonly order?: 'asc' | 'desc';
  readonly limit?: number;
}

/** The audit trail, read by filter (both databases; indexes in migration 0011). */
export interface AuditQueryStore {
  query(filter: AuditQuery): Promise<import('./runtime-store.js').StoredAuditEvent[]>;
}
