/**
 * Approval schemes: who approves, in order (docs/decisions/approver-resolution.md). A scheme is a comma-separated
 * list of sources; `manager,owner` asks the subject's manager, then the resource's owners.
 */
import { ApprovalSchemeError } from './approval-errors.js';

export type ApproverSource =
  /** The subject's manager. */
  | { readonly kind: 'manager' }
  /** The owners of the approval's resource (`profile:<name>` owners stand for the profile's holders). */
  | { readonly kind: 'owner' }
  /** The holders of a profile: the named one, or the approval's profile when `name` is absent. */
  | { readonly kind: 'profile'; readonly name?: string }
  /** One person: the named one, or the approval's person when `login` is absent. */
  | { readonly kind: 'person'; readonly login?: string };

export const DEFAULT_SCHEME = 'manager';

/** Parses `manager,owner,profile:Auditors`; empty means {@link DEFAULT_SCHEME}. */
export function parseApprovalScheme(text: string | null | undefined): ApproverSource[] {
  const t = (text ?? '').trim();
  const parts = (t === '' ? DEFAULT_SCHEME : t).split(',').map((p) => p.trim()).filter((p) => p !== '');
  return parts.map((part): ApproverSource => {
    const colon = part.indexOf(':');
    const head = (colon < 0 ? part : part.slice(0, colon)).trim().toLowerCase();
    const arg = colon < 0 ? undefined : part.slice(colon + 1).trim();
    if (arg !== undefined && arg === '') throw new ApprovalSchemeError(`'${part}' in approval scheme '${t}' names nobody after the colon`);
    switch (head) {
      case 'manager':
        if (arg !== undefined) break;
        return { kind: 'manager' };
      case 'owner':
      case 'owners':
        if (arg !== undefined) break;
        return { kind: 'owner' };
      case 'profile':
        return arg === undefined ? { kind: 'profile' } : { kind: 'profile', name: arg };
      case 'person':
      case 'user':
        return arg === undefined ? { kind: 'person' } : { kind: 'person', login: arg };
    }
    throw new ApprovalSchemeError(`'${part}' in approval scheme '${t}' is not one of manager, owner, profile, profile:<name>, person, person:<login>`);
  });
}
