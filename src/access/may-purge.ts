import type { PermissionResolver } from '../engine/engine-api.js';

/** Why a person may purge an aborted instance, or why not. */
export type PurgeVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/**
 * Who may purge an aborted TaskInstance: the ONE place that answers it, beside `mayDecide`, so the permission model
 * of the HTTP milestone can replace both.
 *
 * Purge is the one act that leaves a template's Aborted state, and a state's permission is the right to act from
 * that state (reference netwrix §4), so the person must hold the Aborted permission of the activity where the
 * instance was aborted: `/Custom/Workflows/<wf>/<activity>/Aborted` (a whole-activity grant covers it, as the
 * resolver decides). The `Purged` permission does not count: no act leaves Purged (docs/decisions/netwrix-templates.md
 * D4, netwrix-instance-retention.md). Neither the launcher nor the person who aborted gets a right of their own.
 */
export async function mayPurge(person: string, permission: string, permissions: PermissionResolver | undefined): Promise<PurgeVerdict> {
  if (!permissions) return { allowed: false, reason: `purging needs the permission ${permission} and no permission model is configured` };
  if (await permissions(person, permission)) return { allowed: true };
  return { allowed: false, reason: `purging needs the permission ${permission}; ${person} does not hold it` };
}
