import { ConflictError } from '../errors.js';
import type { InstanceRecord, InstanceWrite } from '../repository/runtime-store.js';
import type { TaskFilter, TaskInstanceView } from './engine-api.js';
import type { EngineContext } from './engine-context.js';
import { TaskNotFoundError } from './engine-errors.js';
import { parametersOf } from './new-instance.js';
import { auditBase, endedRecord } from './outcome-write.js';
import { toTaskView } from './task-view.js';
import { subjectKey } from '../identity/subject-key.js';

const MAX_ATTEMPTS = 3;
const UNFINISHED = ['ready', 'executing', 'suspended'] as const;

/**
 * Suspend, resume and terminate, by an administrator or by the sweeper (execLimit).
 *
 * Each is one commit with a revision check. A worker that is advancing the instance at that moment loses its
 * commit (its revision is stale), so a suspended or terminated instance never moves on afterwards.
 */
export async function suspendTask(ctx: EngineContext, id: string, actor: string): Promise<TaskInstanceView> {
  return retrying(ctx, id, async (instance) => {
    const definition = await ctx.definitions.byId(instance.definitionId);
    const params = definition ? parametersOf(definition) : undefined;
    if (params && !params.suspendable) {
      throw new ConflictError('TASK_NOT_SUSPENDABLE', `task instance ${id} (${instance.definitionName}) is not suspendable`, { id });
    }
    if (instance.state !== 'ready' && instance.state !== 'executing') {
      throw new ConflictError('TASK_NOT_RUNNING', `task instance ${id} is ${instance.state}; only ready or executing instances can be suspended`, {
        id,
        state: instance.state,
      });
    }
    const now = ctx.clock();
    return {
      instance: { ...instance, state: 'suspended', updatedAt: now, leaseOwner: null, leaseUntil: null, revision: instance.revision + 1 },
      expectedRevision: instance.revision,
      audit: [{ ...auditBase(instance), at: now, event: 'suspended', actor }],
    };
  });
}

export async function resumeTask(ctx: EngineContext, id: string, actor: string): Promise<TaskInstanceView> {
  return retrying(ctx, id, async (instance) => {
    if (instance.state !== 'suspended') {
      throw new ConflictError('TASK_NOT_SUSPENDED', `task instance ${id} is ${instance.state}, not suspended`, { id, state: instance.state });
    }
    const now = ctx.clock();
    return {
      // A timer that fell due while suspended makes the instance claimable at once: wake_at is already past.
      instance: { ...instance, state: instance.interpreterState === null ? 'ready' : 'executing', updatedAt: now, revision: instance.revision + 1 },
      expectedRevision: instance.revision,
      audit: [{ ...auditBase(instance), at: now, event: 'resumed', actor }],
    };
  });
}

export async function terminateTask(ctx: EngineContext, id: string, actor: string): Promise<TaskInstanceView> {
  return retrying(ctx, id, async (instance) => {
    if (instance.state === 'finished' || instance.state === 'terminated') {
      throw new ConflictError('TASK_ALREADY_ENDED', `task instance ${id} is already ${instance.state}`, { id, state: instance.state });
    }
    return terminateWrite(ctx, instance, actor, `terminated by ${actor}`, ctx.clock());
  });
}

/**
 * Terminates every unfinished instance matching `filter` (at most `filter.limit`), in batches; returns how many were
 * terminated. An instance that changed meanwhile (its commit conflicts) is tried once more, then left alone.
 */
export async function terminateMatching(ctx: EngineContext, filter: TaskFilter, actor: string): Promise<number> {
  if (filter.state === 'finished' || filter.state === 'terminated') return 0;
  const states = filter.state ? [filter.state] : [...UNFINISHED];
  return commitInBatches(
    ctx,
    filter.limit,
    1,
    (limit) =>
      ctx.store.listInstances({
        states,
        ...(filter.definition !== undefined && { definitionName: filter.definition }),
        ...(filter.subject !== undefined && { subjectKey: subjectKey(filter.subject) }),
        limit,
      }),
    async (batch, now) => {
      await ctx.definitions.refresh();
      return Promise.all(batch.map((i) => terminateWrite(ctx, i, actor, `terminated by ${actor}`, now)));
    },
  );
}

/**
 * The bulk loop of terminate and delete: lists instances (`list(limit)`) and commits the writes `make` builds for
 * them, in batches of the engine's batch size, until `limit` committed or the list runs dry; returns how many
 * committed. An instance whose write does not commit is listed again up to `retries` more times, then left alone;
 * still listed, each listing asks for that many rows more.
 */
export async function commitInBatches(
  ctx: EngineContext,
  limit: number | undefined,
  retries: number,
  list: (limit: number) => Promise<readonly InstanceRecord[]>,
  make: (batch: readonly InstanceRecord[], now: number) => Promise<readonly InstanceWrite[]> | readonly InstanceWrite[],
): Promise<number> {
  let count = 0;
  const failures = new Map<string, number>();
  const skipped = new Set<string>();
  for (;;) {
    const wanted = Math.min(ctx.batchSize, (limit ?? Number.POSITIVE_INFINITY) - count);
    if (wanted <= 0) return count;
    const batch = (await list(wanted + skipped.size)).filter((i) => !skipped.has(i.id)).slice(0, wanted);
    if (batch.length === 0) return count;
    const statuses = await ctx.store.commit(await make(batch, ctx.clock()));
    statuses.forEach((s, n) => {
      const id = batch[n]!.id;
      if (s === 'committed') {
        count++;
        return;
      }
      const failed = (failures.get(id) ?? 0) + 1;
      if (failed > retries) skipped.add(id);
      else failures.set(id, failed);
    });
  }
}

/** The commit that ends an unfinished instance as `terminated` (administrator, bulk terminate, execLimit sweep). */
export async function terminateWrite(ctx: EngineContext, instance: InstanceRecord, actor: string, reason: string, now: number): Promise<InstanceWrite> {
  const definition = await ctx.definitions.byId(instance.definitionId);
  const resultLimit = (definition ? parametersOf(definition)?.resultLimit : undefined) ?? 0;
  return {
    instance: endedRecord(instance, {
      state: 'terminated',
      result: { outputs: instance.result?.outputs ?? {}, errors: [reason], messages: [], outcome: 'terminated' },
      now,
      expiresAt: resultLimit > 0 ? now + resultLimit * 1000 : null,
    }),
    expectedRevision: instance.revision,
    closeOpenWorkItems: { state: 'cancelled', at: now },
    releaseSubject: true,
    delete: resultLimit === 0,
    audit: [{ ...auditBase(instance), at: now, event: 'terminated', actor, data: { reason } }],
  };
}

/** One commit built by `make` from the instance as stored, retried (re-read, re-checked) when it conflicts. */
export async function retrying(ctx: EngineContext, id: string, make: (i: InstanceRecord) => Promise<InstanceWrite>): Promise<TaskInstanceView> {
  await ctx.definitions.refresh();
  for (let attempt = 1; ; attempt++) {
    const instance = await ctx.store.getInstance(id);
    if (!instance) throw new TaskNotFoundError(id);
    const write = await make(instance);
    const [status] = await ctx.store.commit([write]);
    if (status === 'committed') return toTaskView(write.instance);
    if (attempt >= MAX_ATTEMPTS) throw new ConflictError('TASK_BUSY', `task instance ${id} kept changing; try again`, { id });
  }
}
