import type { InstanceRecord, WorkItemRecord } from '../repository/runtime-store.js';
import type { ActivityHistoryEntry, TaskInstanceView, WorkItemView } from './engine-api.js';
import { activityHistory } from './interpreter/instance-state.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** The public view of a TaskInstance row. */
export function toTaskView(r: InstanceRecord): TaskInstanceView {
  // An ended instance (terminated, or finished while items were open) cancelled its open work items: its history
  // says so instead of showing them open for ever.
  const ended = r.state === 'terminated' || r.state === 'finished';
  const endedAt = r.finishedAt ?? r.updatedAt;
  return {
    id: r.id,
    name: r.name,
    definition: { id: r.definitionId, type: r.definitionType, name: r.definitionName, version: r.definitionVersion },
    state: r.state,
    waiting: r.waiting,
    launcher: r.launcher,
    ...(r.subject !== null && { subject: r.subject }),
    position: r.position,
    variables: r.variables,
    ...(r.result !== null && { result: r.result }),
    steps: r.steps,
    ...(r.progress !== null && { progress: { message: r.progress.message, at: iso(r.progress.at) } }),
    history: activityHistory(r.interpreterState).map(
      (h): ActivityHistoryEntry => ({
        activity: h.activity,
        enteredAt: iso(h.enteredAt),
        ...(h.completedAt !== undefined && { completedAt: iso(h.completedAt) }),
        ...(ended && h.completedAt === undefined && { completedAt: iso(endedAt), cancelled: true }),
        workItems: h.workItems,
        ...(h.decision !== undefined && { decision: h.decision }),
        ...(h.actor !== undefined && { actor: h.actor }),
        ...(h.comment !== undefined && { comment: h.comment }),
        ...(h.timedOut === true && { timedOut: true }),
        ...(h.variables !== undefined && { variables: h.variables }),
      }),
    ),
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    ...(r.finishedAt !== null && { finishedAt: iso(r.finishedAt) }),
    ...(r.expiresAt !== null && { expiresAt: iso(r.expiresAt) }),
  };
}

/** The public view of a work item row. */
export function toWorkItemView(w: WorkItemRecord): WorkItemView {
  return {
    id: w.id,
    instanceId: w.instanceId,
    definition: w.definitionName,
    activity: w.activity,
    owner: w.owner,
    ...(w.permission !== null && { permission: w.permission }),
    request: w.request,
    ...(w.itemType !== null && { itemType: w.itemType }),
    decisions: w.decisions.map((d) => d.name),
    variables: w.variables,
    editable: w.editable,
    ...(w.dueAt !== null && { dueAt: iso(w.dueAt) }),
    state: w.state,
    ...(w.delegatedFrom !== null && { delegatedFrom: w.delegatedFrom }),
    ...(w.decision !== null && { decision: w.decision }),
    ...(w.decidedBy !== null && { decidedBy: w.decidedBy }),
    createdAt: iso(w.createdAt),
  };
}
