import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { IdflowError, InvalidInputError, NotAuthorizedError } from '../errors.js';
import { AccessPolicy, requireAllowed, type TaskFacts } from '../access/authorize.js';
import { toCaller, type Caller, type CallerLike } from '../access/caller.js';
import { createAclPermissionResolver } from './acl-permission-resolver.js';
import { DefinitionCache } from './definition-cache.js';
import { decideWorkItem } from './decide.js';
import type { DeleteEndedFilter, Engine, EngineOptions, LaunchManyOptions, TaskFilter, TaskInstanceView, WorkItemFilter, WorkItemView, WorkerRunOptions } from './engine-api.js';
import type { EngineContext } from './engine-context.js';
import { TaskNotFoundError } from './engine-errors.js';
import type { InterpreterPort } from './interpreter-port.js';
import * as interpreter from './interpreter/interpreter.js';
import { createOperationRegistry } from '../services/operation-registry.js';
import { compileRetryPolicy, retryTransient, type RetryOptions } from '../repository/retry-transient.js';
import { StorageError } from '../repository/storage-error.js';
import { ADVANCE_BATCH, launchMany, launchTask } from './launch.js';
import { clearAbsence, declareAbsence, listAbsences, type AbsenceRequest } from './out-of-office.js';
import { listWorkItems, pagingOf } from './list-work-items.js';
import { purgeTask } from './purge.js';
import { listSchedules, type ScheduleView } from './schedules.js';
import { resumeTask, suspendTask, terminateMatching, terminateTask } from './task-control.js';
import { deleteEndedTasks, deleteTask } from './task-delete.js';
import { toTaskView, toWorkItemView } from './task-view.js';
import { advanceLeased, advanceNow, runWorkerLoop, runWorkerOnce, type WorkerLoopOptions } from './worker.js';
import type { InstanceRecord } from '../repository/runtime-store.js';
import { compileWorkLimits } from './work-limits.js';
import { subjectKey } from '../identity/subject-key.js';
import { resolveTaskId, resolveWorkItemId } from './short-ids.js';

/** Runtime tuning beyond the {@link EngineOptions} contract (tests and `idflow worker`). */
export interface RuntimeOptions {
  /** How long a worker's claim holds an instance. @default 60000 */
  readonly leaseMs?: number;
  /**
   * How many times workers may claim an instance without committing it or handing it back (each of them died or
   * lost its lease while running it) before the next claim ends it as failed (`WORKER_ATTEMPTS_EXHAUSTED`).
   * @default 5
   */
  readonly maxAttempts?: number;
  /** Pause after a worker round that found little to do. @default 500 */
  readonly idleMs?: number;
  /**
   * How the worker retries a commit the database refused for a transient reason (`REPO_BUSY`,
   * `REPO_CONNECTION_LOST`, `REPO_IO_ERROR`): tries, backoff, and an injectable sleep. @default 6 tries, 50 ms doubling to 2 s
   */
  readonly storageRetry?: RetryOptions;
  /** Told when a worker round fails (the loop retries after a pause). @default a line on stderr */
  readonly onRoundError?: (error: unknown) => void;
  /**
   * Monotonic milliseconds measuring how long a run of automatic steps lasts, for progressInterval checkpoints and
   * the time an advance may run (`limits.advanceMs`); separate from `clock` (the time written in rows), so a fake
   * clock does not stop them. @default performance.now
   */
  readonly wallClock?: () => number;
}

/** The engine plus the runtime extras the CLI uses (schedules). */
/** A page of instances and the cursor (`ListOrder.after`) the next page starts after; null at the end. */
export interface TaskPage {
  readonly items: TaskInstanceView[];
  readonly next: { readonly createdAt: number; readonly id: string } | null;
}

export interface RuntimeEngine extends Engine {
  listSchedules(): Promise<ScheduleView[]>;
  /** {@link Engine.listTasks} with where the next page starts (the HTTP API's cursors). */
  listTasksPage(filter?: TaskFilter, caller?: CallerLike): Promise<TaskPage>;
}

const DEFAULT_BATCH = 100;
/** Pages of instances a list for a caller who does not see everything reads to fill one page of visible ones. */
const VISIBLE_SCAN_PAGES = 20;

/**
 * Opens the engine over a repository. Nothing runs in the background until `runWorker` is called, except the
 * advances of asyncImmediate launches, which `close()` waits for.
 */
export async function openEngine(options: EngineOptions & RuntimeOptions): Promise<RuntimeEngine> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InvalidInputError('ENGINE_OPTION_INVALID', `batchSize must be a positive integer, not ${String(batchSize)}`, { batchSize });
  }
  const limits = compileWorkLimits(options.limits);
  const leaseMs = options.leaseMs ?? 60_000;
  if (!Number.isInteger(leaseMs) || leaseMs < 3) {
    throw new InvalidInputError('ENGINE_OPTION_INVALID', `leaseMs must be an integer of at least 3 milliseconds, not ${String(leaseMs)}`, { leaseMs });
  }
  const maxAttempts = options.maxAttempts ?? 5;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new InvalidInputError('ENGINE_OPTION_INVALID', `maxAttempts must be a positive integer, not ${String(maxAttempts)}`, { maxAttempts });
  }
  const storageRetry = compileRetryPolicy(options.storageRetry);
  const operations = createOperationRegistry(options.operations);
  const background = new Set<Promise<unknown>>();
  const permissions = options.permissions ?? createAclPermissionResolver(options.repository);
  const ctx: EngineContext = {
    repository: options.repository,
    store: options.repository.runtime,
    clock: options.clock ?? Date.now,
    workerId: options.workerId ?? `${hostname()}:${process.pid}`,
    batchSize,
    leaseMs,
    maxAttempts,
    idleMs: options.idleMs ?? 500,
    definitions: new DefinitionCache(options.repository),
    interpreter: interpreter satisfies InterpreterPort,
    operations,
    permissions,
    access: new AccessPolicy(options.repository, permissions),
    background,
    storageRetry,
    onRoundError:
      options.onRoundError ??
      ((e) =>
        process.stderr.write(
          `idflow worker: round failed, retrying${e instanceof IdflowError ? ` (${e.code})` : ''}: ${e instanceof Error ? e.message : String(e)}\n`,
        )),
    wallClock: options.wallClock ?? (() => performance.now()),
    limits,
    onPrint: options.onPrint ?? ((id, line) => process.stderr.write(`idflow [${id}] ${line}\n`)),
    kick: (ids) => {
      const p = advanceNow(ctx, ids)
        // A failed immediate advance is not lost: the instance stays due and the next worker round picks it up.
        .catch(() => 0)
        .finally(() => background.delete(p));
      background.add(p);
    },
  };
  return new EngineImpl(ctx);
}

class EngineImpl implements RuntimeEngine {
  readonly #ctx: EngineContext;

  constructor(ctx: EngineContext) {
    this.#ctx = ctx;
  }

  launch(request: Parameters<Engine['launch']>[0]) {
    return launchTask(this.#ctx, request, { source: 'run' });
  }

  async launchMany(requests: Parameters<Engine['launchMany']>[0], options: LaunchManyOptions = {}) {
    const held: InstanceRecord[] = [];
    const results = await launchMany(this.#ctx, requests, { source: 'run' }, options.advance ? (rows) => held.push(...rows) : undefined);
    // The launches are committed whatever happens here: a batch the database keeps refusing is handed back, and the
    // next worker round advances it.
    for (let at = 0; at < held.length; at += ADVANCE_BATCH) {
      const batch = held.slice(at, at + ADVANCE_BATCH);
      let tries = 0;
      // A failed try hands its leases back: the next one claims them again.
      const advance = () => (tries++ === 0 ? advanceLeased(this.#ctx, batch) : advanceNow(this.#ctx, batch.map((r) => r.id)));
      await retryTransient(advance, this.#ctx.storageRetry).catch((e: unknown) => {
        if (e instanceof StorageError && e.fatal) throw e;
        this.#ctx.onRoundError(e);
      });
    }
    return results;
  }

  decide(request: Parameters<Engine['decide']>[0]) {
    return decideWorkItem(this.#ctx, request);
  }

  /** With a caller: refused (`TASK_NOT_VISIBLE`) unless they may see it. */
  async getTask(id: string, who?: CallerLike): Promise<TaskInstanceView> {
    const row = await this.#ctx.store.getInstance(id);
    if (!row) throw new TaskNotFoundError(id);
    const view = toTaskView(row);
    if (who !== undefined) await this.#requireSee(toCaller(who), view);
    return view;
  }

  resolveTaskId(idOrPrefix: string): Promise<string> {
    return resolveTaskId(this.#ctx.store, idOrPrefix);
  }

  resolveWorkItemId(idOrPrefix: string): Promise<string> {
    return resolveWorkItemId(this.#ctx.store, idOrPrefix);
  }

  async listTasks(filter: TaskFilter = {}, who?: CallerLike): Promise<TaskInstanceView[]> {
    return (await this.listTasksPage(filter, who)).items;
  }

  /**
   * One page of {@link listTasks} and where the next starts. With a caller who does not see everything, pages of the
   * store are read and only the instances the caller may see kept, until `limit` of them (default 100) or
   * {@link VISIBLE_SCAN_PAGES} store pages were read: a caller who sees few of many instances gets a short page and
   * a `next` to continue from, never a scan of the whole table (docs/decisions/access-model.md).
   */
  async listTasksPage(filter: TaskFilter = {}, who?: CallerLike): Promise<TaskPage> {
    const caller = who === undefined ? undefined : toCaller(who);
    const page = (f: TaskFilter) =>
      this.#ctx.store.listInstances({
        ...(f.state !== undefined && { state: f.state }),
        ...(f.definition !== undefined && { definitionName: f.definition }),
        ...(f.subject !== undefined && { subjectKey: subjectKey(f.subject) }),
        ...(f.limit !== undefined && { limit: f.limit }),
        ...pagingOf(f),
      });
    const at = (row: { readonly createdAt: number; readonly id: string }) => ({ createdAt: row.createdAt, id: row.id });
    if (caller === undefined || (await this.#ctx.access.seesEverything(caller))) {
      const rows = await page(filter);
      const last = rows.at(-1);
      return { items: rows.map(toTaskView), next: filter.limit !== undefined && rows.length >= filter.limit && last ? at(last) : null };
    }
    const limit = filter.limit ?? 100;
    const items: TaskInstanceView[] = [];
    let cursor = filter;
    for (let n = 0; n < VISIBLE_SCAN_PAGES; n++) {
      const rows = await page({ ...cursor, limit });
      for (const row of rows) {
        const view = toTaskView(row);
        if ((await this.#see(caller, view)).allowed) items.push(view);
        if (items.length >= limit) return { items, next: at(row) };
      }
      const last = rows.at(-1);
      if (!last || rows.length < limit) return { items, next: null };
      cursor = { ...cursor, after: at(last) };
    }
    return { items, next: cursor.after ?? null };
  }

  /**
   * With a caller: an administrator or supervisor lists as asked; anybody else sees the items they may decide (the
   * filter's owner becomes the caller), or the items of one instance they may see.
   */
  async listWorkItems(filter: WorkItemFilter = {}, who?: CallerLike): Promise<WorkItemView[]> {
    if (who === undefined) return listWorkItems(this.#ctx.store, this.#ctx.permissions, filter);
    const caller = toCaller(who);
    if (await this.#ctx.access.seesEverything(caller)) return listWorkItems(this.#ctx.store, this.#ctx.permissions, filter);
    if (filter.instanceId !== undefined && filter.owner === undefined) {
      await this.getTask(filter.instanceId, caller);
      return listWorkItems(this.#ctx.store, this.#ctx.permissions, filter);
    }
    return listWorkItems(this.#ctx.store, this.#ctx.permissions, { ...filter, owner: caller.person });
  }

  suspend(id: string, who: CallerLike) {
    return this.#controlled(id, who, 'suspend', (actor) => suspendTask(this.#ctx, id, actor));
  }

  resume(id: string, who: CallerLike) {
    return this.#controlled(id, who, 'resume', (actor) => resumeTask(this.#ctx, id, actor));
  }

  terminate(id: string, who: CallerLike) {
    return this.#controlled(id, who, 'terminate', (actor) => terminateTask(this.#ctx, id, actor));
  }

  purge(id: string, who: CallerLike) {
    return purgeTask(this.#ctx, id, who);
  }

  /** Deletes an ended instance by hand (a kept result); its audit events stay. */
  async deleteTask(id: string, who: CallerLike) {
    const caller = toCaller(who);
    requireAllowed(this.#ctx.access.mayAdminister(caller, 'administer'), 'TASK_CONTROL_NOT_ALLOWED', { id, actor: caller.person });
    return deleteTask(this.#ctx, id, caller.person);
  }

  /** Deletes every ended instance that finished before `filter.finishedBefore`; returns how many. */
  async deleteEnded(filter: DeleteEndedFilter, who: CallerLike) {
    const caller = toCaller(who);
    requireAllowed(this.#ctx.access.mayAdminister(caller, 'administer'), 'TASK_CONTROL_NOT_ALLOWED', { actor: caller.person });
    return deleteEndedTasks(this.#ctx, filter, caller.person);
  }

  async terminateMany(filter: TaskFilter, who: CallerLike) {
    const caller = toCaller(who);
    requireAllowed(await this.#ctx.access.mayControlAll(caller, 'terminate'), 'TASK_CONTROL_NOT_ALLOWED', { actor: caller.person });
    return terminateMatching(this.#ctx, filter, caller.person);
  }

  async #controlled(id: string, who: CallerLike, action: 'suspend' | 'resume' | 'terminate', run: (actor: string) => Promise<TaskInstanceView>): Promise<TaskInstanceView> {
    const caller = toCaller(who);
    // The local administrator (the CLI) is let through without reading the instance first.
    if (!caller.administrator || caller.scopes !== undefined) {
      const view = await this.getTask(id);
      requireAllowed(await this.#ctx.access.mayControl(caller, action, view), 'TASK_CONTROL_NOT_ALLOWED', { id, action, actor: caller.person });
    }
    return run(caller.person);
  }

  #see(caller: Caller, task: TaskFacts) {
    return this.#ctx.access.maySee(caller, task, async () => (await this.#ctx.store.listWorkItems({ instanceId: task.id })).map(toWorkItemView));
  }

  async #requireSee(caller: Caller, task: TaskFacts): Promise<void> {
    const verdict = await this.#see(caller, task);
    if (!verdict.allowed) throw new NotAuthorizedError('TASK_NOT_VISIBLE', verdict.reason, { id: task.id, actor: caller.person });
  }

  async runWorkerOnce() {
    const { advanced, scheduled, swept } = await runWorkerOnce(this.#ctx);
    return { advanced, scheduled, swept };
  }

  async runWorker(signal: AbortSignal, options: WorkerRunOptions = {}) {
    return runWorkerLoop(this.#ctx, signal, compileWorkerRunOptions(options));
  }

  declareAbsence(request: AbsenceRequest, who: CallerLike) {
    return declareAbsence(this.#ctx, who, request);
  }

  clearAbsence(person: string | undefined, who: CallerLike) {
    return clearAbsence(this.#ctx, who, person);
  }

  listAbsences(who: CallerLike) {
    return listAbsences(this.#ctx, who);
  }

  listSchedules() {
    return listSchedules(this.#ctx);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#ctx.background]);
  }
}

/** Checks `runWorker`'s options once, at the boundary. */
function compileWorkerRunOptions(options: WorkerRunOptions): WorkerLoopOptions {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidInputError('ENGINE_OPTION_INVALID', `concurrency must be a positive integer, not ${String(concurrency)}`, { concurrency });
  }
  const reportEveryMs = options.reportEveryMs ?? 5000;
  if (!Number.isInteger(reportEveryMs) || reportEveryMs < 1) {
    throw new InvalidInputError('ENGINE_OPTION_INVALID', `reportEveryMs must be a positive integer, not ${String(reportEveryMs)}`, { reportEveryMs });
  }
  return { concurrency, reportEveryMs, ...(options.onReport && { onReport: options.onReport }) };
}

