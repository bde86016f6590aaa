/**
 * The four-eyes rule (issue 9, DESIGN "approver ≠ requester ≠ subject"; docs/decisions/four-eyes.md): the person
 * who launched an instance (the requester) and the person it is about (its subject) never approve it.
 *
 * Which items are approvals is read from the item itself, so the rule holds however the item reached its holder
 * (offered by permission, named by the definition, delegated, handed over while somebody was out of office):
 * - a Netwrix template item is an approval when it is a `ReviewPending` state (Review, ReviewWithFeedback); the
 *   `ActionPending` and `RefinePending` states are the requester's own work (filling in, answering a refine);
 * - any other item is an approval when it offers approve/reject (Waveset `itemType='approval'`, or no itemType,
 *   which the reader gives the same decisions); a `wizard` or other typed item is a form, not an approval.
 *
 * Excluded from an approval: its subject, always; its launcher, unless the definition itself gave the item to the
 * launcher (owned by name, never delegated: a Waveset `<Owner name='$(WF_CASE_OWNER)'/>` is the requester's form).
 * A launcher who receives an approval by delegation or out-of-office is refused like any other way.
 */
import { subjectKey } from '../identity/subject-key.js';

/** What the rule reads of a work item. */
export interface FourEyesItem {
  readonly id: string;
  readonly activity: string;
  readonly owner: string | null;
  readonly permission?: string | undefined;
  readonly itemType?: string | undefined;
  readonly delegatedFrom?: string | undefined;
}

/** What the rule reads of the item's instance. */
export interface FourEyesTask {
  readonly launcher: string;
  readonly subject?: string | null | undefined;
  /** The subject's key when the instance has one (resolved to its identity at launch); else derived from `subject`. */
  readonly subjectKey?: string | null | undefined;
}

const TEMPLATE_STATE = /-(ActionPending|RefinePending|ReviewPending)$/;

/** True when the item is an approval in the four-eyes sense. */
export function isApproval(item: Pick<FourEyesItem, 'activity' | 'permission' | 'itemType'>): boolean {
  const template = TEMPLATE_STATE.exec(item.activity) ?? (item.permission !== undefined ? /\/(ActionPending|RefinePending|ReviewPending)$/.exec(item.permission) : null);
  if (template) return template[1] === 'ReviewPending';
  return item.itemType === undefined || /approv/i.test(item.itemType);
}

/**
 * Why `person` may not hold or decide `item` of `task` under the four-eyes rule, or undefined when they may.
 * `holding`: the item as it would be held by `person` (for a delegation or hand-over, `delegatedFrom` is set).
 */
export function fourEyesReason(person: string, item: FourEyesItem, task: FourEyesTask): string | undefined {
  if (!isApproval(item)) return undefined;
  if (isSubject(person, task)) return `four-eyes rule: work item ${item.id} approves a request about ${person}, who may not approve it`;
  if (person !== task.launcher) return undefined;
  const ownForm = item.owner === person && (item.delegatedFrom === undefined || item.delegatedFrom === null) && item.permission === undefined && !TEMPLATE_STATE.test(item.activity);
  if (ownForm) return undefined;
  return `four-eyes rule: ${person} launched the task instance of work item ${item.id}, so someone else must approve it`;
}

/** True when `person` is the instance's subject (compared by key, as the subject lock compares). */
export function isSubject(person: string, task: FourEyesTask): boolean {
  const key = task.subjectKey ?? (task.subject != null ? safeKey(task.subject) : undefined);
  return key !== undefined && key === safeKey(person);
}

function safeKey(name: string): string | undefined {
  try {
    return subjectKey(name);
  } catch {
    return undefined;
  }
}
