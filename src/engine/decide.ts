import { ConflictError, InvalidInputError, NotAuthorizedError, NotFoundError } from '../errors.js';
import { DefinitionVersionMissingError, TaskNotFoundError } from './engine-errors.js';
import type { DecideRequest, DecideResult, WorkItemView } from './engine-api.js';
import type { EngineContext } from './engine-context.js';
import { toCaller } from '../access/caller.js';
import { parametersOf } from './new-instance.js';
import { decisionAudit, outcomeWrite } from './outcome-write.js';
import { advanceWithCheckpoints, type AdvancePosition } from './checkpoint.js';
import { checkVariablesSize } from './variables-size.js';
import type { AdvanceOutcome, RunContext } from './interpreter/interpreter-types.js';
import { toTaskView, toWorkItemView } from './task-view.js';

const MAX_ATTEMPTS = 3;

/**
 * A person decides a work item. The instance is advanced in the caller up to its next wait state or its end and
 * committed once (the decision, the closed item, the new items, the audit rows). A worker or another decision that
 * committed in between makes the commit conflict; the decision is then checked and applied again on the new state.
 *
 * wizard: with the definition's `wizard` true, the result's `next` is the next open work item of the same person
 * in this instance, so a UI can show it at once. Without it `next` stays empty and the person finds the item in
 * the inbox.
 */
export async function decideWorkItem(ctx: EngineContext, request: DecideRequest): Promise<DecideResult> {
  for (let attempt = 1; ; attempt++) {
    const result = await attemptDecision(ctx, request);
    if (result) return result;
    if (attempt >= MAX_ATTEMPTS) {
      throw new ConflictError('TASK_BUSY', `the task instance of work item ${request.workItemId} kept changing while deciding; try again`, {
        workItemId: request.workItemId,
      });
    }
  }
}

async function attemptDecision(ctx: EngineContext, request: DecideRequest): Promise<DecideResult | undefined> {
  const { store } = ctx;
  const item = await store.getWorkItem(request.workItemId);
  if (!item) throw new NotFoundError('WORKITEM_NOT_FOUND', `no work item ${request.workItemId}`, { workItemId: request.workItemId });
  const view = toWorkItemView(item);
  if (item.state !== 'open') {
    const by = item.decidedBy ? ` by ${item.decidedBy}${item.decision ? ` (${item.decision})` : ''}` : '';
    throw new ConflictError('WORKITEM_CLOSED', `work item ${item.id} is already ${item.state}${by}`, { workItemId: item.id, state: item.state });
  }
  const caller = toCaller(request.actor);
  const actor = caller.person;
  const verdict = await ctx.access.mayDecide(caller, view);
  if (!verdict.allowed) {
    throw new NotAuthorizedError('WORKITEM_NOT_OWNER', `${actor} may not decide: ${verdict.reason}`, { workItemId: item.id, actor });
  }
  const allowed = item.decisions.map((d) => d.name);
  if (allowed.length > 0 && !allowed.includes(request.decision)) {
    throw new InvalidInputError('WORKITEM_UNKNOWN_DECISION', `work item ${item.id} offers the decisions ${allowed.join(', ')}, not "${request.decision}"`, {
      workItemId: item.id,
      decision: request.decision,
      allowed,
    });
  }
  const variables = request.variables ?? {};
  const refused = Object.keys(variables).filter((k) => !item.editable.includes(k));
  if (refused.length > 0) {
    throw new InvalidInputError(
      'WORKITEM_NOT_EDITABLE',
      `work item ${item.id} does not let a decision change ${refused.join(', ')}${item.editable.length ? `; editable: ${item.editable.join(', ')}` : '; it has no editable variables'}`,
      { workItemId: item.id, refused },
    );
  }
  checkVariablesSize(`the decision on work item ${item.id}`, variables, ctx.limits);
  const instance = await store.getInstance(item.instanceId);
  if (!instance) throw new TaskNotFoundError(item.instanceId, `of work item ${item.id} no longer exists`);
  // The four-eyes rule needs the instance: who launched it and whom it is about.
  const fourEyes = await ctx.access.mayDecide(caller, view, instance);
  if (!fourEyes.allowed) {
    throw new NotAuthorizedError('WORKITEM_FOUR_EYES', `${actor} may not decide: ${fourEyes.reason}`, { workItemId: item.id, actor, launcher: instance.launcher });
  }
  // Nobody is handed an approval they could not decide: a delegation to the launcher or the subject is refused.
  const assigning = item.decisions.find((d) => d.name === request.decision)?.kind === 'assign';
  if (assigning && request.assignee !== undefined) {
    const held = ctx.access.mayHold(request.assignee, view, instance, 'delegation');
    if (!held.allowed) {
      throw new NotAuthorizedError('WORKITEM_FOUR_EYES', `${actor} may not delegate work item ${item.id}: ${held.reason}`, { workItemId: item.id, actor, assignee: request.assignee });
    }
  }
  if (instance.state === 'suspended') {
    throw new ConflictError('TASK_SUSPENDED', `task instance ${instance.id} is suspended; resume it before deciding its work items`, { id: instance.id });
  }
  if (instance.interpreterState === null || instance.state !== 'executing') {
    throw new ConflictError('WORKITEM_CLOSED', `task instance ${instance.id} is ${instance.state}; its work items can no longer be decided`, { id: instance.id });
  }
  await ctx.definitions.refresh();
  const definition = await ctx.definitions.byId(instance.definitionId);
  if (!definition) throw new DefinitionVersionMissingError(instance.definitionId, instance.definitionName);
  const now = ctx.clock();
  const kind = item.decisions.find((d) => d.name === request.decision)?.kind ?? 'complete';
  const decided = decisionAudit(instance, item, actor, now, {
    decision: request.decision,
    as: verdict.as,
    ...(request.comment !== undefined && { comment: request.comment }),
    ...(request.assignee !== undefined && { assignee: request.assignee }),
    // Names only: the audit outlives the instance (purge, resultLimit), and a form field may hold a secret.
    ...(Object.keys(variables).length > 0 && { variables: Object.keys(variables) }),
  });
  const state = instance.interpreterState;
  // Usually one commit at the next wait or the end; a long run of automatic steps also commits checkpoints.
  const at: AdvancePosition = { before: instance, insert: false, audit: [decided], extra: undefined, now, checkpoints: 0 };
  const resumeOnDecision = (runCtx: RunContext) => ctx.interpreter.resume(
    definition.object,
    state,
    {
      kind: 'decision',
      workItemId: item.id,
      decision: request.decision,
      actor,
      variables,
      ...(request.comment !== undefined && { comment: request.comment }),
      ...(request.assignee !== undefined && { assignee: request.assignee }),
    },
    runCtx,
  );
  // The interpreter closes the decided item; should it not, the runtime does, so a decision is never lost.
  const closing = (outcome: AdvanceOutcome): AdvanceOutcome =>
    outcome.closeWorkItems.some((c) => c.id === item.id) || kind === 'save'
      ? outcome
      : { ...outcome, closeWorkItems: [...outcome.closeWorkItems, { id: item.id, reason: 'decided' as const, decision: request.decision, actor, ...(request.comment !== undefined && { comment: request.comment }) }] };
  const advanced = await advanceWithCheckpoints(ctx, definition, at, resumeOnDecision, closing);
  if (advanced.kind === 'refused') {
    // A refused first checkpoint wrote nothing: the decision is checked and applied again on the new state. After a
    // committed one, the decision is on record and whoever changed the instance took it on from there.
    return at.checkpoints > 0 ? currentResult(ctx, instance.id) : undefined;
  }
  const built = outcomeWrite(ctx, {
    before: at.before,
    definition,
    outcome: advanced.outcome,
    now: at.now,
    insert: false,
    audit: at.audit,
  });
  const [status] = await store.commit(built.writes);
  if (status !== 'committed') {
    // The decision is on record in a checkpoint; whoever changed the instance since took it on from there.
    if (at.checkpoints > 0) return currentResult(ctx, instance.id);
    return undefined;
  }
  // An instance that ended in this commit has no open item left (the commit closed them all): nothing to look up.
  const ended = built.instance.state === 'finished' || built.instance.state === 'terminated';
  const open = ended ? [] : await store.listWorkItems({ instanceId: instance.id, state: 'open' });
  const workItems = open.map(toWorkItemView);
  let next: WorkItemView | undefined;
  if (parametersOf(definition)?.wizard) {
    for (const w of workItems) {
      if ((await ctx.access.mayDecide(caller, w, instance)).allowed) {
        next = w;
        break;
      }
    }
  }
  return { instance: toTaskView(built.instance), workItems, ...(next && { next }) };
}

async function currentResult(ctx: EngineContext, id: string): Promise<DecideResult> {
  const row = await ctx.store.getInstance(id);
  if (!row) throw new TaskNotFoundError(id, 'ended and was deleted while the decision was applied');
  const open = await ctx.store.listWorkItems({ instanceId: id, state: 'open' });
  return { instance: toTaskView(row), workItems: open.map(toWorkItemView) };
}
