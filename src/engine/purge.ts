import { ConflictError, NotAuthorizedError } from '../errors.js';
import type { InstanceRecord } from '../repository/runtime-store.js';
import type { LoadedDefinition } from './definition-cache.js';
import type { TaskInstanceView } from './engine-api.js';
import type { EngineContext } from './engine-context.js';
import { DefinitionVersionMissingError } from './engine-errors.js';
import type { StateV1 } from './interpreter/instance-state.js';
import { toCaller, type CallerLike } from '../access/caller.js';
import { auditBase } from './outcome-write.js';
import { retrying } from './task-control.js';

/** Where an aborted instance was aborted: the Netwrix activity and the permission that lets a person purge it. */
export interface AbortedAt {
  /** Netwrix activity identifier, e.g. `Request`. */
  readonly activity: string;
  /** The process activity of its Aborted state, e.g. `Request/ActionWithRefine-Aborted`. */
  readonly state: string;
  /** `/Custom/Workflows/<wf>/<activity>/Aborted`. */
  readonly permission: string;
}

/**
 * Purges an aborted TaskInstance (reference netwrix §7: "DELETE purges an aborted workflow instance";
 * docs/decisions/netwrix-instance-retention.md):
 * - only an instance that finished with outcome `aborted` may be purged (`TASK_NOT_PURGEABLE` says why not);
 * - the actor must hold the Aborted permission of the activity where it was aborted (`AccessPolicy.mayPurge` in src/access/authorize.ts;
 *   `TASK_PURGE_NOT_ALLOWED`);
 * - one commit (revision-checked) records the AuditEvent `purged` and deletes the instance and its work items;
 *   the instance's audit rows stay.
 * Returns the instance as it was when it went, with outcome `purged`.
 */
export async function purgeTask(ctx: EngineContext, id: string, who: CallerLike): Promise<TaskInstanceView> {
  const caller = toCaller(who);
  const actor = caller.person;
  return retrying(ctx, id, async (instance) => {
    const refusal = notPurgeable(instance);
    if (refusal) throw new ConflictError('TASK_NOT_PURGEABLE', `task instance ${id} ${refusal}; only an instance that ended aborted can be purged`, {
      id,
      state: instance.state,
      ...(instance.result && { outcome: instance.result.outcome }),
    });
    const definition = await ctx.definitions.byId(instance.definitionId);
    if (!definition) throw new DefinitionVersionMissingError(instance.definitionId, instance.definitionName);
    const at = await abortedAt(ctx, definition, instance);
    if (!at) {
      throw new ConflictError(
        'TASK_NOT_PURGEABLE',
        `task instance ${id} ended aborted, but its state does not tell in which activity, so nobody's permission to purge it can be checked`,
        { id },
      );
    }
    const verdict = await ctx.access.mayPurge(caller, at.permission);
    if (!verdict.allowed) {
      throw new NotAuthorizedError('TASK_PURGE_NOT_ALLOWED', `${actor} may not purge task instance ${id}: ${verdict.reason}`, {
        id,
        actor,
        permission: at.permission,
      });
    }
    const now = ctx.clock();
    return {
      instance: {
        ...instance,
        result: { outputs: instance.result?.outputs ?? {}, errors: instance.result?.errors ?? [], messages: instance.result?.messages ?? [], outcome: 'purged' },
        updatedAt: now,
        revision: instance.revision + 1,
      },
      expectedRevision: instance.revision,
      releaseSubject: true,
      delete: true,
      audit: [{ ...auditBase(instance), at: now, event: 'purged', activity: at.state, actor, data: { activity: at.activity, permission: at.permission } }],
    };
  });
}

/** Why the instance cannot be purged, as the end of a sentence; undefined when it can. */
function notPurgeable(instance: InstanceRecord): string | undefined {
  if (instance.state === 'terminated') return 'was terminated';
  if (instance.state !== 'finished') return `is ${instance.state}${instance.waiting ? ' (waiting)' : ''}, not ended`;
  const outcome = instance.result?.outcome ?? 'completed';
  return outcome === 'aborted' ? undefined : `ended ${outcome}`;
}

/**
 * The activity an instance was aborted in: the waiting state where a person decided `Abort` (the last activity
 * record of the stored state with that decision, else the last `decision` AuditEvent saying so), mapped to the
 * Aborted state of the same Netwrix activity.
 */
export async function abortedAt(ctx: EngineContext, definition: LoadedDefinition, instance: InstanceRecord): Promise<AbortedAt | undefined> {
  const state = instance.interpreterState as unknown as Partial<StateV1> | null;
  const records = Array.isArray(state?.records) ? state.records : [];
  let decidedIn = [...records].reverse().find((r) => r.decision === 'Abort')?.activity;
  if (decidedIn === undefined) {
    const audit = await ctx.store.listAudit({ instanceId: instance.id });
    decidedIn = [...audit].reverse().find((a) => a.event === 'decision' && a.data?.['decision'] === 'Abort')?.activity;
  }
  const activities = definition.object.process?.activities ?? [];
  const where = activities.find((a) => a.name === decidedIn)?.template?.activity;
  if (where === undefined) return undefined;
  const aborted = activities.find((a) => a.template?.activity === where && a.template.shortState === 'Aborted');
  return {
    activity: where,
    state: aborted?.name ?? decidedIn!,
    permission: aborted?.template?.permission ?? `/Custom/Workflows/${definition.stored.name}/${where}/Aborted`,
  };
}
