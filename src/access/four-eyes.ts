/**
 * The four-eyes rule (issue 9, DESIGN "approver ≠ requester ≠ subject"; docs/decisions/four-eyes.md): the person
 * who launched an instance (the requester) and the person it is about (its subject) never approve it.
 *
 * Which items are approvals is read from the item itself, so the rule holds however the item reached its holder
 * (offered by permission, named by the definition, delegated, handed over while somebody was out of office):
 * - a Netwrix template item is an approval when it is a `ReviewPending` state (Review, ReviewWithFeedback); the
 *   `ActionPending` and `RefinePending` states are the requester's own work (filling in, answering a refine);
 * - a Waveset item is an approval with `itemType='approval'`; one without itemType (approve/reject as well) is one
 *   for its subject and for a launcher who was handed it; a `wizard` or other typed item is a form.
 *
 * Excluded from an approval: its subject, always; its launcher, always for reviews and `approval` items, and for
 * an untyped item unless the definition itself named the launcher (`<Owner name='$(WF_CASE_OWNER)'/>`: the
 * requester's own step). A launcher or subject who receives an approval by delegation or out-of-office is refused.
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

/**
 * How strictly an item is an approval: `review` (a Netwrix ReviewPending state) and `approval` (a Waveset
 * `itemType='approval'`) exclude launcher and subject whoever holds them; `untyped` (a Waveset manual action without
 * itemType, which the reader gives approve/reject too) excludes the subject, and the launcher when the item reached
 * them by delegation or hand-over rather than by the definition naming them; undefined: not an approval (the
 * requester's own Netwrix states, a `wizard` or other typed form).
 */
export function approvalKind(item: Pick<FourEyesItem, 'activity' | 'permission' | 'itemType'>): 'review' | 'approval' | 'untyped' | undefined {
  const template = TEMPLATE_STATE.exec(item.activity) ?? (item.permission !== undefined ? /\/(ActionPending|RefinePending|ReviewPending)$/.exec(item.permission) : null);
  if (template) return template[1] === 'ReviewPending' ? 'review' : undefined;
  if (item.itemType === undefined || item.itemType === null) return 'untyped';
  return /approv/i.test(item.itemType) ? 'approval' : undefined;
}

/** True when the item is an approval in the four-eyes sense. */
export function isApproval(item: Pick<FourEyesItem, 'activity' | 'permission' | 'itemType'>): boolean {
  return approvalKind(item) !== undefined;
}

/**
 * Why `person` may not hold or decide `item` of `task` under the four-eyes rule, or undefined when they may.
 * For a delegation or hand-over, pass the item as `person` would hold it (`owner` them, `delegatedFrom` set).
 */
export function fourEyesReason(person: string, item: FourEyesItem, task: FourEyesTask): string | undefined {
  const kind = approvalKind(item);
  if (kind === undefined) return undefined;
  if (isSubject(person, task)) return `four-eyes rule: work item ${item.id} approves a request about ${person}, who may not approve it`;
  if (person !== task.launcher) return undefined;
  const namedByDefinition = item.owner === person && (item.delegatedFrom === undefined || item.delegatedFrom === null);
  if (kind === 'untyped' && namedByDefinition) return undefined;
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
