/**
 * Reads `<AccessControlRule>` with its `<Entry Permission CanExecute/>` children (reference netwrix §4) and checks
 * the form of workflow permission paths. Whether a path names a real state of a real workflow is checked over the
 * whole load set by {@link checkPermissionTargets} in link-aspects.ts.
 */
import type { LoadContext } from '../load-context.js';
import type { AccessControlRuleObject } from '../model/objects.js';
import { attrLocation, type XmlElement } from '../xml/xml-element.js';
import { booleanAttribute, checkAttributes, localized, localizedValues, requireAttribute } from './netwrix-attributes.js';
import { allShortStates } from './templates.js';

const WORKFLOW_PERMISSION_PREFIX = '/Custom/Workflows/';
/** `/Custom/WorkflowsNotifications/<workflow>/<activity>/<state>`: be notified at that state (Recipient Type="Profile"). */
export const NOTIFICATION_PERMISSION_PREFIX = '/Custom/WorkflowsNotifications/';

/** A parsed `/Custom/Workflows/<wf>/<activity>[/<state>]` path. */
export interface WorkflowPermission {
  readonly workflow: string;
  readonly activity: string;
  /** Short state name; absent when the permission grants every state of the activity. */
  readonly state?: string;
}

/**
 * Parses a workflow permission. Returns undefined for permissions that are not about one workflow's activities
 * (API permissions such as `/Workflows/WorkflowInstance/Start`, `/Custom/Workflows/Supervise/<EntityType>`,
 * notification permissions), which idflow keeps as written; returns an error string for a malformed path.
 */
export function parseWorkflowPermission(permission: string): WorkflowPermission | string | undefined {
  if (!permission.startsWith(WORKFLOW_PERMISSION_PREFIX)) return undefined;
  const parts = permission.slice(WORKFLOW_PERMISSION_PREFIX.length).split('/');
  if (parts[0] === 'Supervise' && parts.length === 2 && parts[1] !== '') return undefined;
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p.trim() === '')) {
    return `"${permission}" is not a workflow permission; write /Custom/Workflows/<workflow>/<activity>/<state>, e.g. /Custom/Workflows/User_Onboarding/Request/ActionPending`;
  }
  const [workflow, activity, state] = parts as [string, string, string | undefined];
  if (state !== undefined && !allShortStates().includes(state)) {
    return `"${state}" in "${permission}" is not a template state; use one of ${allShortStates().join(', ')}`;
  }
  return { workflow, activity, ...(state !== undefined ? { state } : {}) };
}

/** Reads one `<AccessControlRule>`; undefined when it has errors. */
export function readAccessControlRule(el: XmlElement, ctx: LoadContext): AccessControlRuleObject | undefined {
  const errorsBefore = ctx.diags.errorCount;
  checkAttributes(el, { known: ['Identifier', 'Profile', 'EntityType', localized('DisplayName')] }, ctx);
  const identifier = requireAttribute(el, 'Identifier', ctx);
  const profile = requireAttribute(el, 'Profile', ctx, 'the profile the permissions are granted to');
  const entries: { permission: string; canExecute: boolean; location: XmlElement['location'] }[] = [];
  for (const child of el.children) {
    if (child.name !== 'Entry') {
      // A filter idflow ignored would grant more than the author meant, so anything else is refused.
      ctx.diags.error('DEF_UNKNOWN_ELEMENT', `<AccessControlRule> may contain only <Entry Permission="…" CanExecute="true"/>, not <${child.name}>`, child.location);
      continue;
    }
    checkAttributes(child, { known: ['Permission', 'CanExecute'] }, ctx);
    const permission = requireAttribute(child, 'Permission', ctx, '/Custom/Workflows/<workflow>/<activity>/<state>');
    const canExecute = booleanAttribute(child, 'CanExecute', false, ctx);
    if (permission === undefined) continue;
    const parsed = parseWorkflowPermission(permission);
    if (typeof parsed === 'string') {
      ctx.diags.error('DEF_BAD_VALUE', parsed, attrLocation(child, 'Permission'));
      continue;
    }
    if (parsed && parsed.state === undefined) {
      ctx.diags.warning(
        'NETWRIX_PERMISSION_UNSAFE',
        `"${permission}" names no state, so it grants every state of the activity (the vendor calls this unsafe, for super-administrators only); name the state, e.g. ${permission}/ActionPending`,
        attrLocation(child, 'Permission'),
      );
    }
    entries.push({ permission, canExecute, location: child.location });
  }
  if (identifier === undefined || profile === undefined || ctx.diags.errorCount > errorsBefore) return undefined;
  const entityType = el.attributes.get('EntityType');
  return {
    type: 'AccessControlRule',
    dialect: 'netwrix',
    name: identifier,
    location: el.location,
    profile,
    ...(entityType !== undefined ? { entityType } : {}),
    displayNames: localizedValues(el, 'DisplayName'),
    entries,
  };
}
