import type { PermissionResolver, WorkItemView } from '../engine/engine-api.js';

/** Why a person may decide a work item, or why not. */
export type DecideVerdict =
  | { readonly allowed: true; readonly as: 'owner' | 'permission' }
  | { readonly allowed: false; readonly reason: string };

/**
 * Who may decide a work item: the ONE place that answers it, so the permission model of the HTTP milestone can
 * replace it whole.
 *
 * - The owner may. After a delegation or refine the owner is the delegate; the person it was delegated from no
 *   longer may (the item records them in `delegatedFrom`).
 * - A holder of the item's permission (Netwrix waiting states: `/Custom/Workflows/<wf>/<activity>/<state>`) may,
 *   as told by `permissions`; the first to decide takes the item.
 * - Nobody else. The reason names the owner or the permission, so the refusal can be acted upon.
 */
export async function mayDecide(
  person: string,
  item: Pick<WorkItemView, 'id' | 'owner' | 'permission' | 'delegatedFrom'>,
  permissions: PermissionResolver | undefined,
): Promise<DecideVerdict> {
  if (item.owner !== null && item.owner === person) return { allowed: true, as: 'owner' };
  if (item.permission !== undefined && permissions && (await permissions(person, item.permission))) {
    return { allowed: true, as: 'permission' };
  }
  if (item.delegatedFrom === person && item.owner !== null) {
    return { allowed: false, reason: `${person} delegated work item ${item.id} to ${item.owner}, who holds it now` };
  }
  if (item.permission !== undefined) {
    const owner = item.owner !== null ? ` and is held by ${item.owner}` : '';
    const how = permissions ? `${person} does not hold it` : 'no permission model is configured';
    return { allowed: false, reason: `work item ${item.id} is offered to holders of the permission ${item.permission}${owner}; ${how}` };
  }
  if (item.owner === null) return { allowed: false, reason: `work item ${item.id} has no owner` };
  return { allowed: false, reason: `work item ${item.id} belongs to ${item.owner}, not to ${person}` };
}
