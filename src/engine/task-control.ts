import { ConflictError, NotFoundError } from '../errors.js';
import type { InstanceRecord, InstanceWrite } from '../repository/runtime-store.js';
import type { TaskFilter, TaskInstanceView } from './engine-api.js';
import type { EngineContext } from './engine-context.js';
import { parametersOf } from './new-instance.js';
import { auditBase } from './outcome-write.js';
import { toTaskView } from './task-view.js';

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

/** Terminates every unfinished instance matching `filter`, in batches; returns how many were terminated. */
export async function terminateMatching(ctx: EngineContext, filter: TaskFilter, actor: string): Promise<number> {
  if (filter.state === 'finished' || filter.state === 'terminated') return 0;
  const states = filter.state ? [filter.state] : [...UNFINISHED];
  let count = 0;
  const seen = new Set<string>();
  for (;;) {
    const batch = (
      await ctx.store.listInstances({
        states,
        ...(filter.definition !== undefined && { definitionName: filter.definition }),
        ...(filter.subject !== undefined && { subject: filter.subject }),
        limit: ctx.batchSize,
      })
    ).filter((i) => !seen.has(i.id));
    if (batch.length === 0) return count;
    await ctx.definitions.refresh();
    const now = ctx.clock();
    const writes = await Promise.all(batch.map((i) => terminateWrite(ctx, i, actor, `terminated by ${actor}`, now)));
    const statuses = await ctx.store.commit(writes);
    statuses.forEach((s, n) => {
      if (s === 'committed') count++;
      // A conflicting instance is looked at again in the next batch; one that keeps conflicting is left alone.
      else seen.add(batch[n]!.id);
    });
    if (filter.limit !== undefined && count >= filter.limit) return count;
  }
}

/** The commit that ends an unfinished instance as `terminated` (administrator, execLimit, resultOption). */
export async function terminateWrite(ctx: EngineContext, instance: InstanceRecord, actor: string, reason: string, now: number): Promise<InstanceWrite> {
  const definition = await ctx.definitions.byId(instance.definitionId);
  const resultLimit = (definition ? parametersOf(definition)?.resultLimit : undefined) ?? 0;
  return {
    instance: {
      ...instance,
      state: 'terminated',
      waiting: false,
      result: { outputs: instance.result?.outputs ?? {}, errors: [reason], messages: [], outcome: 'terminated' },
      updatedAt: now,
      finishedAt: now,
      expiresAt: resultLimit > 0 ? now + resultLimit * 1000 : null,
      wakeAt: null,
      runnable: false,
      execDeadline: null,
      leaseOwner: null,
      leaseUntil: null,
      revision: instance.revision + 1,
    },
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
    if (!instance) throw new NotFoundError('TASK_NOT_FOUND', `no task instance ${id}`, { id });
    const write = await make(instance);
    const [status] = await ctx.store.commit([write]);
    if (status === 'committed') return toTaskView(write.instance);
    if (attempt >= MAX_ATTEMPTS) throw new ConflictError('TASK_BUSY', `task instance ${id} kept changing; try again`, { id });
  }
}
