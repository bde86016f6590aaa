/**
 * The runtime tables' rows and their mapping to and from the store's records, shared by the SQLite and the
 * PostgreSQL stores so that both write exactly the same values (JSON text, epoch milliseconds, NULL names for
 * unnamed launches) and read them back the same way.
 */
import type { DecisionModel } from '../definition/model/action.js';
import { endedState, rootVariables } from '../engine/interpreter/instance-state.js';
import type { InstanceState, TaskResult } from '../engine/interpreter/interpreter-types.js';
import type { XValue } from '../expression/env.js';
import {
  defaultTaskName,
  type AuditRecord,
  type InstanceRecord,
  type InstanceStateName,
  type LaunchDecision,
  type StoredAuditEvent,
  type WorkItemCloseWrite,
  type WorkItemRecord,
  type WorkItemStateName,
} from './runtime-store.js';

export interface InstanceRow {
  id: string;
  /** NULL for a launch without a name (see defaultTaskName). */
  name: string | null;
  definition_id: string;
  definition_type: string;
  definition_name: string;
  definition_version: number;
  state: InstanceStateName;
  /** 0/1 in SQLite, a boolean in PostgreSQL. */
  waiting: number | boolean;
  launcher: string;
  subject: string | null;
  subject_key: string | null;
  position: string;
  interpreter_state: string | null;
  variables: string | null;
  result: string | null;
  steps: number;
  progress: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  expires_at: number | null;
  wake_at: number | null;
  runnable: number | boolean;
  exec_deadline: number | null;
  lease_owner: string | null;
  lease_until: number | null;
  attempts: number;
  revision: number;
  /** JSON text in SQLite, parsed JSON in PostgreSQL; NULL unless a ready instance carries a launch decision. */
  launch_decision?: string | Record<string, unknown> | null;
}

export interface WorkItemRow {
  id: string;
  instance_id: string;
  definition_name: string;
  activity: string;
  action: string;
  owner: string | null;
  permission: string | null;
  request: string;
  item_type: string | null;
  decisions: string;
  variables: string;
  editable: string;
  form: string | null;
  due_at: number | null;
  state: WorkItemStateName;
  delegated_from: string | null;
  decision: string | null;
  decided_by: string | null;
  comment: string | null;
  created_at: number;
  closed_at: number | null;
}

export interface AuditRow {
  id: number;
  at: number;
  instance_id: string | null;
  instance_name: string | null;
  definition_name: string | null;
  event: string;
  activity: string | null;
  actor: string | null;
  work_item_id: string | null;
  data: string | null;
}

export const UNFINISHED = `('ready', 'executing', 'suspended')`;
export const UNFINISHED_STATES: ReadonlySet<string> = new Set<InstanceStateName>(['ready', 'executing', 'suspended']);
export const STATES: ReadonlySet<string> = new Set<InstanceStateName>(['ready', 'executing', 'suspended', 'finished', 'terminated']);
/**
 * An ended instance keeps its variables, result and audit, not its interpreter state: nothing runs it again, and
 * the state (frames, tokens, activity records) is most of a row's bytes, paid at every commit that ends an instance
 * and kept for resultLimit. The activity records live on in the audit (`decision`, `workitem-*` events).
 */
export const ENDED_STATES: ReadonlySet<string> = new Set<InstanceStateName>(['finished', 'terminated']);
export const DERIVED_NAME = /^(.*) #([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;


/** The id last, so that one value list serves both the INSERT and the UPDATE … WHERE id = ? (see instanceValues). */
export const INSTANCE_COLUMNS = [
  'name', 'definition_id', 'definition_type', 'definition_name', 'definition_version', 'state', 'waiting', 'launcher', 'subject',
  'subject_key', 'position', 'interpreter_state', 'variables', 'result', 'steps', 'progress', 'created_at', 'updated_at', 'finished_at', 'expires_at',
  'wake_at', 'runnable', 'exec_deadline', 'lease_owner', 'lease_until', 'revision', 'launch_decision', 'id',
] as const;

export const WORK_ITEM_COLUMNS = [
  'id', 'instance_id', 'definition_name', 'activity', 'action', 'owner', 'permission', 'request', 'item_type', 'decisions', 'variables',
  'editable', 'form', 'due_at', 'state', 'delegated_from', 'decision', 'decided_by', 'comment', 'created_at', 'closed_at',
] as const;

export const AUDIT_COLUMNS = ['at', 'instance_id', 'instance_name', 'definition_name', 'event', 'activity', 'actor', 'work_item_id', 'data'] as const;


export function auditValues(a: AuditRecord): unknown[] {
  return [
    a.at,
    a.instanceId ?? null,
    a.instanceName ?? null,
    a.definitionName ?? null,
    a.event,
    a.activity ?? null,
    a.actor ?? null,
    a.workItemId ?? null,
    a.data === undefined ? null : JSON.stringify(a.data),
  ];
}

/** The row's values in INSTANCE_COLUMNS order. */
export function instanceValues(i: InstanceRecord): unknown[] {
  const ended = ENDED_STATES.has(i.state);
  const keepsState = i.interpreterState !== null && !ended;
  // An ended instance keeps only its activity records (the history of its work items), not the running machinery.
  const kept = keepsState ? i.interpreterState : ended && i.interpreterState !== null ? endedState(i.interpreterState) : null;
  return [
    // A generated name is not stored: it is derived from the row, and stays out of the unique name index.
    i.name === defaultTaskName(i.definitionName, i.id) ? null : i.name,
    i.definitionId,
    i.definitionType,
    i.definitionName,
    i.definitionVersion,
    i.state,
    i.waiting ? 1 : 0,
    i.launcher,
    i.subject,
    i.subjectKey,
    JSON.stringify(i.position),
    // While it runs, the interpreter state holds the variables: they are not serialised a second time. Before it
    // starts and once it ended, the variables column holds them; an ended instance's state is only its records.
    kept === null ? null : JSON.stringify(kept),
    keepsState ? null : JSON.stringify(i.variables),
    i.result === null ? null : JSON.stringify(i.result),
    i.steps,
    i.progress === null ? null : JSON.stringify(i.progress),
    i.createdAt,
    i.updatedAt,
    i.finishedAt,
    i.expiresAt,
    i.wakeAt,
    i.runnable ? 1 : 0,
    i.execDeadline,
    i.leaseOwner,
    i.leaseUntil,
    i.revision,
    i.launchDecision ? JSON.stringify(i.launchDecision) : null,
    i.id,
  ];
}

export function toInstance(r: InstanceRow): InstanceRecord {
  const state = r.interpreter_state === null ? null : (JSON.parse(r.interpreter_state) as InstanceState);
  return {
    id: r.id,
    name: r.name ?? defaultTaskName(r.definition_name, r.id),
    definitionId: r.definition_id,
    definitionType: r.definition_type,
    definitionName: r.definition_name,
    definitionVersion: r.definition_version,
    state: r.state,
    waiting: r.waiting === 1 || r.waiting === true,
    launcher: r.launcher,
    subject: r.subject,
    subjectKey: r.subject_key,
    position: JSON.parse(r.position) as string[],
    interpreterState: state,
    variables: r.variables !== null ? (JSON.parse(r.variables) as Record<string, XValue>) : state !== null ? rootVariables(state) : {},
    result: r.result === null ? null : (JSON.parse(r.result) as TaskResult),
    steps: r.steps,
    progress: r.progress === null ? null : (JSON.parse(r.progress) as { message: string; at: number }),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
    expiresAt: r.expires_at,
    wakeAt: r.wake_at,
    runnable: r.runnable === 1 || r.runnable === true,
    execDeadline: r.exec_deadline,
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until,
    attempts: r.attempts,
    revision: r.revision,
    ...(r.launch_decision != null && {
      launchDecision: (typeof r.launch_decision === 'string' ? JSON.parse(r.launch_decision) : r.launch_decision) as LaunchDecision,
    }),
  };
}

/** The row's values in WORK_ITEM_COLUMNS order. */
export function workItemValues(w: WorkItemRecord): unknown[] {
  return [
    w.id,
    w.instanceId,
    w.definitionName,
    w.activity,
    w.action,
    w.owner,
    w.permission,
    w.request,
    w.itemType,
    JSON.stringify(w.decisions),
    JSON.stringify(w.variables),
    JSON.stringify(w.editable),
    w.form,
    w.dueAt,
    w.state,
    w.delegatedFrom,
    w.decision,
    w.decidedBy,
    w.comment,
    w.createdAt,
    w.closedAt,
  ];
}

/**
 * What closing a work item writes: state, decision, decided_by, comment, variables, closed_at (NULL when it is
 * saved, state `open`). Decision, decider, comment and variables left undefined keep the row's values.
 */
export function closeWorkItemValues(c: WorkItemCloseWrite): unknown[] {
  return [
    c.state,
    c.decision ?? null,
    c.decidedBy ?? null,
    c.comment ?? null,
    c.variables === undefined ? null : JSON.stringify(c.variables),
    c.state === 'open' ? null : c.at,
  ];
}

export function toWorkItem(r: WorkItemRow): WorkItemRecord {
  return {
    id: r.id,
    instanceId: r.instance_id,
    definitionName: r.definition_name,
    activity: r.activity,
    action: r.action,
    owner: r.owner,
    permission: r.permission,
    request: r.request,
    itemType: r.item_type,
    decisions: JSON.parse(r.decisions) as DecisionModel[],
    variables: JSON.parse(r.variables) as Record<string, XValue>,
    editable: JSON.parse(r.editable) as string[],
    form: r.form,
    dueAt: r.due_at,
    state: r.state,
    delegatedFrom: r.delegated_from,
    decision: r.decision,
    decidedBy: r.decided_by,
    comment: r.comment,
    createdAt: r.created_at,
    closedAt: r.closed_at,
  };
}

export function toAudit(r: AuditRow): StoredAuditEvent {
  return {
    id: r.id,
    at: r.at,
    ...(r.instance_id !== null && { instanceId: r.instance_id }),
    ...(r.instance_name !== null && { instanceName: r.instance_name }),
    ...(r.definition_name !== null && { definitionName: r.definition_name }),
    event: r.event,
    ...(r.activity !== null && { activity: r.activity }),
    ...(r.actor !== null && { actor: r.actor }),
    ...(r.work_item_id !== null && { workItemId: r.work_item_id }),
    ...(r.data !== null && { data: JSON.parse(r.data) as Record<string, XValue> }),
  };
}

