import type { TaskParameters } from '../definition/model/task-parameters.js';
import { ConflictError, IdflowError, InvalidInputError, NotAuthorizedError, NotFoundError, UnsupportedError } from '../errors.js';
import type { AuditRecord, CommitStatus, InstanceRecord, InstanceWrite, ScheduleStateChange } from '../repository/runtime-store.js';
import type { LaunchManyResult, LaunchRequest, LaunchResult } from './engine-api.js';
import type { EngineContext } from './engine-context.js';
import type { LoadedDefinition } from './definition-cache.js';
import { TaskNotFoundError } from './engine-errors.js';
import { advanceWithCheckpoints, type AdvancePosition } from './checkpoint.js';
import { advanceLaunch, checkingSubject, type LaunchAdvance } from './launch-advance.js';
import { failedWrite, inLanes } from './worker.js';
import { retryTransient } from '../repository/retry-transient.js';
import { isDatabaseFault } from '../repository/storage-error.js';
import { launchInputs } from './launch-inputs.js';
import { launchSubject, type LaunchSubjectReads } from './launch-subject.js';
import { checkVariablesSize } from './variables-size.js';
import { newInstanceRecord, parametersOf } from './new-instance.js';
import { auditBase, outcomeWrite } from './outcome-write.js';
import { planResultOption } from './result-option.js';
import { toTaskView, toWorkItemView } from './task-view.js';
import { didYouMean, nearestNames } from '../definition/validate/suggest.js';
import { escapeControls, subjectKey } from '../identity/subject-key.js';
import { checkVisibility, type LaunchSource } from '../access/visibility.js';
import { requireAllowed } from '../access/authorize.js';
import { toCaller } from '../access/caller.js';

export interface LaunchOptions {
  readonly source: LaunchSource;
  /** A TaskSchedule's resultOption wins over the definition's. */
  readonly resultOption?: TaskParameters['resultOption'];
  /**
   * A schedule occurrence: its state change is committed with the launch's first commit (all or nothing), with
   * `audit` (what the occurrence skipped). When another worker took the occurrence first the launch fails with
   * `SCHEDULE_OCCURRENCE_TAKEN` and nothing is written.
   */
  readonly schedule?: { readonly name: string; readonly change: ScheduleStateChange; readonly occurrence: number; readonly audit?: readonly AuditRecord[] };
}

/** How the launch runs once the request and the definition have had their say. */
export type EffectiveMode = 'sync' | 'async' | 'asyncImmediate';

/**
 * execMode and syncControlAllowed: the definition's execMode applies unless the request asks for the other
 * family (sync vs async); a definition with syncControlAllowed false refuses that (`EXEC_MODE_NOT_ALLOWED`).
 * Asking for `async` on an asyncImmediate definition keeps asyncImmediate (same family).
 */
export function effectiveMode(name: string, params: TaskParameters | undefined, requested: LaunchRequest['mode']): EffectiveMode {
  const own = params?.execMode ?? 'async';
  if (requested === undefined) return own;
  const ownFamily = own === 'sync' ? 'sync' : 'async';
  if (requested === ownFamily) return own;
  if (params && !params.syncControlAllowed) {
    throw new NotAuthorizedError(
      'EXEC_MODE_NOT_ALLOWED',
      `"${name}" runs ${own} and does not allow the caller to choose (syncControlAllowed is false); drop --${requested}`,
      { definition: name, execMode: own, requested },
    );
  }
  return requested;
}

/** A launch checked and built, not yet written: what {@link launchTask} and {@link launchMany} share. */
interface PreparedLaunch {
  readonly definition: LoadedDefinition;
  readonly mode: EffectiveMode;
  readonly launcher: string;
  readonly record: InstanceRecord;
  readonly now: number;
  readonly plan: ReturnType<typeof planResultOption>;
  readonly audit: AuditRecord[];
  readonly replace: Partial<InstanceWrite>;
  /** The `absences` change counter as the subject lookup read it (AdvancePosition.absencesMark). */
  readonly absencesMark: number | undefined;
}

/**
 * Every check a launch passes before anything is written (the definition, its visibility, the caller's right to
 * launch it, the variables, resultOption), and the record and audit it writes. Definitions must be refreshed.
 */
async function prepareLaunch(ctx: EngineContext, request: LaunchRequest, options: LaunchOptions): Promise<PreparedLaunch> {
  if (!request.launcher) throw new InvalidInputError('LAUNCH_NO_LAUNCHER', 'a launch needs the person who launches it', {});
  const caller = toCaller(request.launcher);
  const launcher = caller.person;
  // Before anything is read: a subject that names nobody is refused whatever the definition.
  if (request.subject !== undefined) subjectKey(request.subject);
  const latest = chooseDefinition(ctx, request);
  let definition = latest;
  if (request.version !== undefined && request.version !== latest.stored.version) {
    const older = await ctx.definitions.launchableVersion(request.definition, request.version, latest.stored.type === 'Workflow' ? 'Workflow' : 'TaskDefinition');
    if (!older) {
      throw new NotFoundError('DEFINITION_NOT_FOUND', `"${request.definition}" has no version ${request.version}; its latest is v${latest.stored.version}`, {
        definition: request.definition,
        version: request.version,
      });
    }
    definition = older;
  }
  if (definition.object.type === 'TaskDefinition' && definition.object.javaExecutor !== undefined) {
    const executor = definition.object.javaExecutor;
    throw new UnsupportedError(
      'TASK_EXECUTOR_UNSUPPORTED',
      `"${definition.stored.name}" is a Java task run by ${executor}, not a workflow; idflow stores it but cannot run it`,
      { definition: definition.stored.name, executor },
    );
  }
  const params = parametersOf(definition);
  if (params) checkVisibility(definition.stored.name, params.visibility, options.source);
  // Schedules and other processes launch as configured; a person or program launches only what they may.
  if (options.source === 'run') {
    requireAllowed(await ctx.access.mayLaunch(caller, { name: definition.stored.name, object: definition.object }), 'LAUNCH_NOT_ALLOWED', {
      definition: definition.stored.name,
      caller: caller.person,
    });
  }
  // A launch decision is fired by the worker that starts the instance: such a launch is committed `ready`.
  const mode = effectiveMode(definition.stored.name, params, request.firstDecision ? 'async' : request.mode);
  const inputs = launchInputs(definition, request);
  checkVariablesSize(`the launch of "${definition.stored.name}"`, inputs, ctx.limits);
  const now = ctx.clock();
  const option = options.resultOption ?? params?.resultOption ?? 'delete';
  // Waveset names a task after its definition when the launch names none, which is what makes wait, rename and
  // terminate mean anything for ordinary launches. With the default (delete) an unnamed launch keeps its generated,
  // unique name: no lookup, no contention on one name (docs/decisions/0012-result-option-unnamed-launches.md).
  const taskName = request.taskName ?? (option !== 'delete' ? definition.stored.name : undefined);
  // The identity it updates, however it is named: the lock holds that identity's key (launch-subject.ts).
  const reads: LaunchSubjectReads = {};
  const named = await launchSubject(ctx.repository.identities, request.subject, inputs, definition.object.type === 'Workflow', reads);
  if (named !== undefined && !named.hold) {
    const holder = await ctx.store.subjectHolder(named.key);
    if (holder !== undefined) throw subjectBusy(named.subject, holder);
  }
  const holds = named !== undefined && named.hold;
  const fresh = newInstanceRecord(definition, {
    ...(taskName !== undefined && { name: taskName }),
    launcher,
    ...(holds && { subject: named.subject, subjectKey: named.key }),
    inputs,
    now,
  });
  const record: InstanceRecord = request.firstDecision ? { ...fresh, launchDecision: request.firstDecision } : fresh;
  // A generated name carries the new instance's id: no instance can hold it yet, so there is nothing to look up.
  const existing = taskName !== undefined ? await ctx.store.getInstanceByName(record.name) : undefined;
  const plan = planResultOption(existing, option, launcher, now);
  const launched: AuditRecord = {
    ...auditBase(record),
    at: now,
    event: 'launched',
    actor: launcher,
    data: {
      mode,
      version: record.definitionVersion,
      ...(record.subject !== null && { subject: record.subject }),
      source: options.source,
      ...(options.schedule && { schedule: options.schedule.name, occurrence: new Date(options.schedule.occurrence).toISOString() }),
      ...(request.firstDecision && { firstDecision: request.firstDecision.decision }),
    },
  };
  const scheduled = options.schedule?.audit ?? [];
  const hr = request.hrLaunch;
  const replace = {
    ...(plan.deleteInstances && { deleteInstances: plan.deleteInstances }),
    ...(plan.renameInstances && { renameInstances: plan.renameInstances }),
    ...(options.schedule && { schedule: options.schedule.change }),
    ...(hr && { hrLaunch: { id: hr.id, claim: hr.claim } }),
  };
  const hrAudit = hr?.audit ? [{ ...hr.audit, instanceId: record.id }] : [];
  return { definition, mode, launcher, record, now, plan, audit: [...scheduled, ...plan.audit, launched, ...hrAudit], replace, absencesMark: reads.absencesMark };
}

/** The write of an async launch: the `ready` row, its subject lock and its audit rows. */
function readyWrite(p: PreparedLaunch): InstanceWrite {
  return {
    instance: { ...p.record, revision: 1 },
    expectedRevision: null,
    ...(p.record.subjectKey !== null && { acquireSubject: p.record.subjectKey }),
    audit: p.audit,
    ...p.replace,
  };
}

/**
 * Many launches in one commit ({@link Engine.launchMany}). Each is prepared on its own, so one refused launch
 * refuses only itself; the async ones are written together (the store answers per write: a subject another
 * instance holds, or that an earlier launch of the same batch took, is `SUBJECT_BUSY` for that launch alone); sync
 * ones run one by one as {@link launchTask} runs them, after the batch.
 */
export async function launchMany(
  ctx: EngineContext,
  requests: readonly LaunchRequest[],
  options: LaunchOptions,
  /** Write the async launches leased to this process (it advances them at once), and answer their rows. */
  hold?: (rows: readonly InstanceRecord[]) => void,
): Promise<LaunchManyResult[]> {
  await ctx.definitions.refresh();
  const results: (LaunchManyResult | undefined)[] = new Array(requests.length);
  const batch: Batched[] = [];
  const sync: number[] = [];
  for (let index = 0; index < requests.length; index++) {
    try {
      const prepared = await prepareLaunch(ctx, requests[index]!, options);
      if (prepared.mode === 'sync') sync.push(index);
      else batch.push({ index, prepared });
    } catch (e) {
      results[index] = { ok: false, error: asIdflowError(e) };
    }
  }
  try {
    await launchPrepared(ctx, requests, options, batch, sync, results, hold);
  } catch (e) {
    // Advanced launches commit chunk by chunk: a database fault after one chunk committed must not throw their
    // results away (an HR launcher would then start them again once its claim lapsed). What committed is answered
    // launched; everything not yet answered carries the fault, and nothing of it was written.
    if (!isDatabaseFault(e) || !results.some((r) => r?.ok)) throw e;
    const error = asIdflowError(e);
    for (let index = 0; index < requests.length; index++) results[index] ??= { ok: false, error };
  }
  return results as LaunchManyResult[];
}

/** The writes of {@link launchMany} once every request is prepared; each result is set as its launch commits. */
async function launchPrepared(
  ctx: EngineContext,
  requests: readonly LaunchRequest[],
  options: LaunchOptions,
  batch: readonly Batched[],
  sync: readonly number[],
  results: (LaunchManyResult | undefined)[],
  hold?: (rows: readonly InstanceRecord[]) => void,
): Promise<void> {
  // Advanced at once: each is run to its first wait in memory and inserted there, in one commit per chunk; only what
  // that cannot finish goes the way below (docs/decisions/launched-and-advanced.md).
  const ready = hold ? await launchAdvanced(ctx, batch, results) : batch;
  if (ready.length > 0) {
    // A transaction the database refused for the moment wrote nothing: it is tried again as a whole.
    // Held: leased to this process from the commit on (database time), so no worker claims what it is about to
    // advance, and it needs no claim of its own.
    const writes = ready.map((b) => {
      const w = readyWrite(b.prepared);
      return hold ? { ...w, instance: { ...w.instance, leaseOwner: ctx.workerId, leaseUntil: b.prepared.now + ctx.leaseMs }, holdLeaseMs: ctx.leaseMs } : w;
    });
    const statuses = await commitLaunches(ctx, writes);
    const immediate: string[] = [];
    const held: InstanceRecord[] = [];
    ready.forEach(({ index, prepared }, k) => {
      const status = statuses[k];
      if (status === 'committed') {
        results[index] = { ok: true, instance: toTaskView(writes[k]!.instance) };
        if (hold) held.push(writes[k]!.instance);
        else if (prepared.mode === 'asyncImmediate') immediate.push(prepared.record.id);
      } else results[index] = { ok: false, error: status instanceof IdflowError ? status : refusal(status, prepared.record) };
    });
    if (immediate.length > 0) ctx.kick(immediate);
    if (hold && held.length > 0) hold(held);
  }
  for (const index of sync) {
    try {
      results[index] = { ok: true, instance: (await launchTask(ctx, requests[index]!, options)).instance };
    } catch (e) {
      results[index] = { ok: false, error: asIdflowError(e) };
    }
  }
}

/**
 * Launches a `launchMany` advances per commit. Small, because on SQLite a commit holds the file's one write lock:
 * a provisioning worker beside the engine cannot claim or settle while it is held, and its calls in flight run dry.
 * A commit of 500 onboardings held it about 100 ms; at 50 the HR wave's provisioning tail fell from 1.7–2.1 s to
 * 0.3–0.5 s, and the import got no slower (docs/decisions/lock-wait-off-the-loop.md).
 */
export const ADVANCE_BATCH = 50;

type Batched = { readonly index: number; readonly prepared: PreparedLaunch };

/**
 * The launches of `batch` advanced in memory and written once each, already advanced, {@link ADVANCE_BATCH} per
 * commit; their results are set in `results`. Answers the launches to write `ready` instead (launch-advance.ts): an
 * advance that failed, a write the store refused, the second launch of one subject in a batch (the first one's lock
 * refuses it: no use running it).
 */
async function launchAdvanced(ctx: EngineContext, batch: readonly Batched[], results: (LaunchManyResult | undefined)[]): Promise<Batched[]> {
  const fallback: Batched[] = [];
  const subjects = new Set<string>();
  const first = batch.filter((b) => {
    const key = b.prepared.record.subjectKey;
    if (key === null) return true;
    if (!subjects.has(key)) return subjects.add(key);
    fallback.push(b);
    return false;
  });
  for (let from = 0; from < first.length; from += ADVANCE_BATCH) {
    const chunk = first.slice(from, from + ADVANCE_BATCH);
    const advanced = await inLanes(chunk, ({ prepared: p }) => advanceLaunch(ctx, p.definition, p.record, p.audit, Object.keys(p.replace).length > 0 ? p.replace : undefined, p.absencesMark));
    const groups: { b: Batched; a: Extract<LaunchAdvance, { kind: 'write' }> }[] = [];
    chunk.forEach((b, k) => {
      const a = advanced[k]!;
      // An advance that wrote more than its own row (a child launched before the first wait) goes the worker's way:
      // the store refuses writes one by one, so a refusal of the launch's own row (its person busy, its identity
      // changed) would otherwise leave the child written without it, and the fallback would launch it again.
      if (a.kind === 'ready' || (a.kind === 'write' && a.writes.length > 1)) fallback.push(b);
      else if (a.kind === 'launched') results[b.index] = { ok: true, instance: toTaskView(a.instance) };
      else groups.push({ b, a });
    });
    const statuses = await commitGroups(ctx, groups.map((g) => g.a.writes), () => 'refused' as const);
    for (const [k, { b, a }] of groups.entries()) {
      const status = statuses[k]!;
      if (status === 'committed' || (a.checkpoints > 0 && status !== 'refused')) {
        // Committed; or a checkpoint wrote it and it changed since (a decision on an item it offered): launched either way.
        results[b.index] = { ok: true, instance: toTaskView(status === 'committed' ? a.instance : a.before) };
      } else if (status === 'launch-taken') {
        // Another launcher holds its HR row now: written again `ready`, it would only be refused again.
        results[b.index] = { ok: false, error: refusal(status, b.prepared.record) };
      } else if (a.checkpoints > 0) {
        // The database refuses what the run wrote after its checkpoint: it ends failed, on record, as a worker ends it.
        const write = failedWrite(a.before, new IdflowError('REPO_QUERY_FAILED', 'the database refused the advance of the launch', { id: a.before.id }), a.now);
        await retryTransient(() => ctx.store.commit([write]), ctx.storageRetry);
        results[b.index] = { ok: true, instance: toTaskView(write.instance) };
      } else fallback.push(b);
    }
  }
  // In the order they were asked for, as the batch commit writes them.
  return fallback.sort((x, y) => x.index - y.index);
}

/**
 * Each group's commit status (its first write's), all in one commit. A transaction the database refused for the
 * moment wrote nothing and is tried again whole; one it refused for a group's data is committed again group by
 * group, and the group whose data it refuses answers `refused(error, group)`. A database fault is thrown; so is the
 * refusal of a lone group when `loneThrows` (nothing to tell apart).
 */
async function commitGroups<R>(
  ctx: EngineContext,
  groups: readonly (readonly InstanceWrite[])[],
  refused: (e: unknown, group: readonly InstanceWrite[]) => R,
  loneThrows = false,
): Promise<(CommitStatus | R)[]> {
  if (groups.length === 0) return [];
  try {
    const statuses = await retryTransient(() => ctx.store.commit(groups.flat()), ctx.storageRetry);
    let at = 0;
    return groups.map((g) => {
      const status = statuses[at] ?? 'conflict';
      at += g.length;
      return status;
    });
  } catch (e) {
    if (isDatabaseFault(e) || (loneThrows && groups.length === 1)) throw e;
    if (groups.length === 1) return [refused(e, groups[0]!)];
  }
  const out: (CommitStatus | R)[] = [];
  for (const g of groups) {
    try {
      out.push((await retryTransient(() => ctx.store.commit(g), ctx.storageRetry))[0] ?? 'conflict');
    } catch (e) {
      if (isDatabaseFault(e)) throw e;
      out.push(refused(e, g));
    }
  }
  return out;
}

/**
 * The batch's commit, one status per write ({@link commitGroups} of one write each): only the launch whose data the
 * database refuses is refused (`REPO_QUERY_FAILED`, the database's message kept).
 */
function commitLaunches(ctx: EngineContext, writes: readonly InstanceWrite[]): Promise<(CommitStatus | IdflowError)[]> {
  return commitGroups(
    ctx,
    writes.map((w) => [w]),
    (e, [w]) => (e instanceof IdflowError ? e : new IdflowError('REPO_QUERY_FAILED', `the database refused the launch: ${e instanceof Error ? e.message : String(e)}`, { id: w!.instance.id })),
    true,
  );
}

/** A refusal as it is reported per launch; anything that is not an IdflowError is a fault of the whole batch. */
function asIdflowError(e: unknown): IdflowError {
  if (e instanceof IdflowError) return e;
  throw e;
}

/** Launches the latest version of a definition, or the version asked for; see {@link LaunchRequest}. */
export async function launchTask(ctx: EngineContext, request: LaunchRequest, options: LaunchOptions): Promise<LaunchResult> {
  await ctx.definitions.refresh();
  const prepared = await prepareLaunch(ctx, request, options);
  const { definition, mode, record, now, plan, replace } = prepared;
  if (record.subjectKey !== null) {
    const holder = await ctx.store.subjectHolder(record.subjectKey);
    if (holder !== undefined && !(plan.deleteInstances ?? []).includes(holder)) throw subjectBusy(record.subject ?? '', holder);
  }

  if (mode === 'sync') {
    const running = { ...record, state: 'executing' as const, wakeAt: null, runnable: false };
    // Usually one commit at the first wait or the end; a long run of automatic steps also commits checkpoints.
    const at: AdvancePosition = { before: running, insert: true, audit: prepared.audit, extra: replace, now, checkpoints: 0, absencesMark: prepared.absencesMark };
    const advanced = await advanceWithCheckpoints(ctx, definition, at, (runCtx) => ctx.interpreter.start(definition.object, record.variables, runCtx));
    if (advanced.kind === 'refused') {
      if (at.checkpoints > 0) return currentView(ctx, record.id);
      throw refusal(advanced.status, record);
    }
    const built = outcomeWrite(ctx, { before: at.before, definition, outcome: advanced.outcome, now: at.now, insert: at.insert, audit: at.audit, ...(at.extra && { extra: at.extra }) });
    const [status] = await ctx.store.commit(at.insert ? checkingSubject(built.writes, record.subjectKey) : built.writes);
    // After a checkpoint, somebody else may have moved the instance on (a decision on an item it offered): show that.
    if (status !== 'committed' && at.checkpoints > 0) return currentView(ctx, record.id);
    check(status, record);
    // Open items: none once it ended; after a checkpoint, also those an earlier commit created, so they are read back.
    const ended = built.instance.state !== 'executing';
    const open = ended ? [] : at.checkpoints > 0 ? await ctx.store.listWorkItems({ instanceId: record.id, state: 'open' }) : built.createdItems;
    return { instance: toTaskView(built.instance), workItems: open.map(toWorkItemView) };
  }

  const write = readyWrite(prepared);
  check((await ctx.store.commit([write]))[0], record);
  // asyncImmediate: committed like async, then advanced at once in this process instead of waiting for a worker.
  if (mode === 'asyncImmediate') ctx.kick([record.id]);
  return { instance: toTaskView(write.instance), workItems: [] };
}

/** The definition a launch names: the one of its type when `type` is given; refused when two types share the name. */
function chooseDefinition(ctx: EngineContext, request: LaunchRequest): LoadedDefinition {
  const all = ctx.definitions.launchables(request.definition);
  const candidates = request.type === undefined ? all : all.filter((d) => d.stored.type === request.type);
  if (all.length === 0) throw definitionNotFound(request.definition, ctx.definitions.launchableNames());
  // Only a `type` can filter every one of them out: the name is there, as the other type.
  if (candidates.length === 0) {
    throw new NotFoundError('DEFINITION_NOT_FOUND', `no ${request.type} named "${request.definition}"; there is a ${all[0]!.stored.type} of that name`, {
      definition: request.definition,
      type: request.type,
    });
  }
  if (candidates.length > 1) {
    const types = candidates.map((d) => d.stored.type);
    throw new ConflictError(
      'DEFINITION_AMBIGUOUS',
      `"${request.definition}" names both a ${types.join(' and a ')}; say which to launch (--type ${types.join(' or --type ')})`,
      { definition: request.definition, types },
    );
  }
  return candidates[0]!;
}

async function currentView(ctx: EngineContext, id: string): Promise<LaunchResult> {
  const row = await ctx.store.getInstance(id);
  if (!row) throw new TaskNotFoundError(id, 'ended and was deleted while it was being launched');
  const items = await ctx.store.listWorkItems({ instanceId: id, state: 'open' });
  return { instance: toTaskView(row), workItems: items.map(toWorkItemView) };
}

function check(status: CommitStatus | undefined, record: { readonly name: string; readonly subject: string | null }): void {
  if (status !== 'committed') throw refusal(status, record);
}

function refusal(status: CommitStatus | undefined, record: { readonly name: string; readonly subject: string | null }): IdflowError {
  if (status === 'subject-busy') return subjectBusy(record.subject ?? '', undefined);
  if (status === 'launch-taken') {
    return new ConflictError('HR_LAUNCH_TAKEN', `another HR launcher took this launch over (its claim had lapsed); "${record.name}" was not launched`, {
      name: record.name,
    });
  }
  if (status === 'schedule-moved') {
    return new ConflictError('SCHEDULE_OCCURRENCE_TAKEN', `another worker launched this schedule occurrence first; "${record.name}" was not launched again`, {
      name: record.name,
    });
  }
  return new ConflictError('TASK_NAME_IN_USE', `another TaskInstance named "${record.name}" was created at the same time`, { name: record.name });
}

/**
 * `DEFINITION_NOT_FOUND` with what to do: the nearest names (whatever their case), or, in a repository that holds no
 * launchable definition at all, how to get some.
 */
function definitionNotFound(typed: string, known: readonly string[]): NotFoundError {
  // Echoed to a terminal: a name with control characters is shown escaped.
  const name = escapeControls(typed);
  const message =
    known.length === 0
      ? `no TaskDefinition or Workflow named "${name}": the repository holds none yet; \`idflow init\` loads the default workflows, \`idflow import FILES\` yours`
      : `no TaskDefinition or Workflow named "${name}"${didYouMean(typed, known, 'the definitions are')}`;
  return new NotFoundError('DEFINITION_NOT_FOUND', message, { definition: name, ...(known.length > 0 && { near: nearestNames(typed, known) }) });
}

function subjectBusy(subject: string, holder: string | undefined): ConflictError {
  return new ConflictError(
    'SUBJECT_BUSY',
    `an update workflow is already running on ${subject}${holder ? ` (task instance ${holder})` : ''}; only one may run per user at a time`,
    { subject, ...(holder !== undefined && { instanceId: holder }) },
  );
}
