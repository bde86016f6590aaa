import { ConflictError } from '../errors.js';
import type { InstanceRecord, InstanceWrite } from '../repository/runtime-store.js';
import type { DeleteEndedFilter, TaskInstanceView } from './engine-api.js';
import type { EngineContext } from './engine-context.js';
import { auditBase } from './outcome-write.js';
import { commitInBatches, retrying } from './task-control.js';

const ENDED = ['finished', 'terminated'] as const;

/**
 * Deletes a kept result by hand (resultLimit -1 or a long one): an instance that ended, finished or terminated, with
 * its work items; its audit events stay, plus one `deleted` event naming who deleted it. A running instance is refused
 * (`TASK_NOT_ENDED`): terminate it first, so that deleting never stops work behind anyone's back. Who may do it is who
 * may terminate (docs/decisions/task-delete.md).
 */
export async function deleteTask(ctx: EngineContext, id: string, actor: string): Promise<TaskInstanceView> {
  return retrying(ctx, id, async (instance) => {
    if (!(ENDED as readonly string[]).includes(instance.state)) {
      throw new ConflictError('TASK_NOT_ENDED', `task instance ${id} is ${instance.state}; only a finished or terminated instance can be deleted (terminate it first)`, {
        id,
        state: instance.state,
      });
    }
    return deleteWrite(instance, actor, ctx.clock());
  });
}

/**
 * Deletes every ended instance matching `filter`, in batches of the engine's batch size; returns how many went. An
 * instance that changed meanwhile (its commit conflicts) is left alone.
 */
export async function deleteEndedTasks(ctx: EngineContext, filter: DeleteEndedFilter, actor: string): Promise<number> {
  return commitInBatches(
    ctx,
    filter.limit,
    0,
    (limit) =>
      ctx.store.listInstances({
        states: ENDED,
        finishedBefore: filter.finishedBefore,
        ...(filter.definition !== undefined && { definitionName: filter.definition }),
        limit,
      }),
    (batch, now) => batch.map((i) => deleteWrite(i, actor, now)),
  );
}

function deleteWrite(instance: InstanceRecord, actor: string, now: number): InstanceWrite {
  return {
    instance: { ...instance, updatedAt: now, revision: instance.revision + 1 },
    expectedRevision: instance.revision,
    releaseSubject: true,
    delete: true,
    audit: [{ ...auditBase(instance), at: now, event: 'deleted', actor, data: { reason: `deleted by ${actor}` } }],
  };
}
