/**
 * The outbox rows of one commit (docs/decisions/notification-outbox.md): what the mail workers will send, decided
 * by the step and written in its transaction (DESIGN decision 8). Nothing here resolves addresses or renders
 * links: the worker does, when it sends, with the mail settings and the people as they are then.
 *
 * Idempotency keys make a replayed step write nothing twice:
 * - a `notification` effect: `<instance id>:<revision the step started from>:notification:<n>` (the interpreter is
 *   deterministic, so a replay from the same revision emits the same effects in the same order);
 * - a work item put in an inbox: `workitem:<work item id>`;
 * - a work item closed by its timeout: `escalation:<work item id>`;
 * - a reminder (written by the mail worker's sweep): `reminder:<work item id>`.
 */
import { randomUUID } from 'node:crypto';
import type { NewNotification } from '../repository/notification-store.js';
import type { InstanceRecord, WorkItemRecord } from '../repository/runtime-store.js';
import type { Effect, WorkItemClose } from './interpreter/interpreter-types.js';

/** Who is told about a work item: its owner, or everyone holding the permission it is offered by. */
export function workItemRecipients(item: { readonly owner: string | null; readonly permission: string | null }): string[] {
  if (item.owner !== null) return [item.owner];
  return item.permission !== null ? [`permission:${item.permission}`] : [];
}

/** Subject and body of the mail announcing a work item. */
export function workItemMessage(item: Pick<WorkItemRecord, 'request' | 'activity' | 'action' | 'dueAt' | 'definitionName'>, instanceName: string): { subject: string; body: string } {
  const what = item.request.trim() !== '' ? item.request.trim() : `${item.activity}: ${item.action}`;
  const due = item.dueAt === null ? '' : `\nDue: ${new Date(item.dueAt).toISOString()}`;
  return { subject: `[idflow] To do: ${oneLine(what)}`, body: `${what}\n\nProcess: ${instanceName} (${item.definitionName})\nStep: ${item.activity}${due}` };
}

export function notificationWrites(args: {
  readonly instance: InstanceRecord;
  /** The revision the step started from (0 for a launch). */
  readonly fromRevision: number;
  readonly effects: readonly Effect[];
  readonly createdItems: readonly WorkItemRecord[];
  readonly closes: readonly WorkItemClose[];
  readonly now: number;
  /** Created items written decided (foldDecidedItems): nobody could act on a "to do" mail, so none is built. */
  readonly decided?: ReadonlySet<string>;
}): NewNotification[] {
  const { instance, now } = args;
  const base = { instanceId: instance.id, instanceName: instance.name, definitionName: instance.definitionName, createdAt: now };
  const out: NewNotification[] = [];
  let n = 0;
  // A message links to the item its step put in an inbox, if any (an Actor recipient is told about that item).
  const linked = args.createdItems[0]?.id ?? null;
  for (const effect of args.effects) {
    if (effect.kind !== 'notification') continue;
    out.push({
      ...base,
      id: randomUUID(),
      key: `${instance.id}:${args.fromRevision}:notification:${n++}`,
      kind: 'message',
      workItemId: linked,
      recipients: [...effect.to],
      subject: effect.subject,
      body: effect.body,
    });
  }
  for (const item of args.createdItems) {
    if (args.decided?.has(item.id)) continue;
    const recipients = workItemRecipients(item);
    if (recipients.length === 0) continue;
    out.push({ ...base, id: randomUUID(), key: `workitem:${item.id}`, kind: 'workitem', workItemId: item.id, recipients, ...workItemMessage(item, instance.name) });
  }
  for (const c of args.closes) {
    if (c.reason !== 'timeout') continue;
    if (c.escalatedTo !== undefined) {
      // An approval item handed to the approver's manager (docs/approvals.md): the manager's own "To do" mail goes
      // with the new item; this one tells the manager why, and (added by the worker) the approver who let it lapse.
      out.push({
        ...base,
        id: randomUUID(),
        key: `escalation:${c.id}`,
        kind: 'escalation',
        workItemId: c.id,
        recipients: [c.escalatedTo],
        subject: `[idflow] Escalated to you: an approval of ${oneLine(instance.name)} was not decided in time`,
        body: `Work item ${c.id} of ${instance.name} (${instance.definitionName}) was not decided by its due time and has been escalated to ${c.escalatedTo}, who now decides in the approver's place.`,
      });
      continue;
    }
    out.push({
      ...base,
      id: randomUUID(),
      key: `escalation:${c.id}`,
      kind: 'escalation',
      workItemId: c.id,
      // The requester; the worker adds the item's own holder and the settings' escalation addresses when it sends.
      recipients: [instance.launcher],
      subject: `[idflow] Overdue: a step of ${oneLine(instance.name)} ran out of time`,
      body: `Work item ${c.id} of ${instance.name} (${instance.definitionName}) was not decided in time and closed by its timeout; the process went on with its escalation path.`,
    });
  }
  return out;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
