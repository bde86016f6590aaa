/**
 * Approver resolution (docs/decisions/approver-resolution.md): the sources of a scheme, in order, give people;
 * the same person twice counts once; the requester, the launcher and the subject are left out (four-eyes); when
 * nobody is left, the fallback is asked, and without one it is APPROVAL_NO_APPROVER.
 */
import { sameSubject } from '../identity/subject-key.js';
import { ApprovalSchemeError, NoApproverError } from './approval-errors.js';
import type { ApproverSource } from './approval-scheme.js';
import { parseApprovalScheme } from './approval-scheme.js';
import type { ApproverDirectory } from './approver-directory.js';

export interface ApprovalRequest {
  /** The scheme as written (`manager,owner`); absent: `manager`. Ignored when `owners` is given. */
  readonly scheme?: string;
  /** Approvers named directly (a Waveset `<Owner>`), used instead of the scheme. */
  readonly owners?: readonly string[];
  /** The login the approval is about: whose manager approves, and who never approves. */
  readonly subject?: string;
  readonly resource?: string;
  /** Several resources (a Netwrix change set's additions and removals): `owner` asks the owners of each, in order. */
  readonly resources?: readonly string[];
  readonly profile?: string;
  readonly person?: string;
  /** Who asks; never an approver. Several: the launcher and a named requester. */
  readonly requesters: readonly string[];
  /** A login or `profile:<name>`, asked when four-eyes leaves nobody. */
  readonly fallback?: string;
}

export interface ResolvedApprovers {
  /** In order, each once. */
  readonly approvers: readonly string[];
  /** People the sources gave who may not approve (requester or subject). */
  readonly excluded: readonly string[];
  /** True when they come from the fallback. */
  readonly fallback: boolean;
}

export async function resolveApprovers(request: ApprovalRequest, directory: ApproverDirectory): Promise<ResolvedApprovers> {
  const candidates = request.owners ? [...request.owners] : await fromScheme(parseApprovalScheme(request.scheme), request, directory);
  const forbidden = [...request.requesters, ...(request.subject ? [request.subject] : [])].filter((p) => p.trim() !== '');
  const { kept, excluded } = split(candidates, forbidden);
  if (kept.length > 0) return { approvers: kept, excluded, fallback: false };
  if (request.fallback !== undefined && request.fallback.trim() !== '') {
    const f = request.fallback.trim();
    const people = f.toLowerCase().startsWith('profile:') ? await directory.profileHolders(f.slice('profile:'.length).trim()) : [f];
    const again = split(people, forbidden);
    if (again.kept.length > 0) return { approvers: again.kept, excluded: [...excluded, ...again.excluded], fallback: true };
  }
  const who = excluded.length > 0 ? `only ${excluded.join(', ')}, who may not approve their own request` : 'nobody';
  throw new NoApproverError(`the approval (${request.owners ? 'its owners' : `scheme '${request.scheme ?? 'manager'}'`}) gives ${who}, and names no fallback that may`, {
    excluded,
  });
}

/** Whether `person` is one of `people`, compared as logins are (case, spaces, width). */
export function isOneOf(person: string, people: readonly string[]): boolean {
  return people.some((p) => {
    try {
      return sameSubject(p, person);
    } catch {
      return p === person;
    }
  });
}

function split(candidates: readonly string[], forbidden: readonly string[]): { kept: string[]; excluded: string[] } {
  const kept: string[] = [];
  const excluded: string[] = [];
  for (const c of candidates.map((x) => x.trim()).filter((x) => x !== '')) {
    if (isOneOf(c, kept) || isOneOf(c, excluded)) continue;
    (isOneOf(c, forbidden) ? excluded : kept).push(c);
  }
  return { kept, excluded };
}

async function fromScheme(sources: readonly ApproverSource[], request: ApprovalRequest, directory: ApproverDirectory): Promise<string[]> {
  const out: string[] = [];
  for (const s of sources) {
    switch (s.kind) {
      case 'manager': {
        if (!request.subject) throw new ApprovalSchemeError(`'manager' needs the subject whose manager approves; none is given`);
        const m = await directory.managerOf(request.subject);
        if (m !== undefined) out.push(m);
        break;
      }
      case 'owner': {
        const resources = request.resources ?? (request.resource ? [request.resource] : []);
        if (resources.length === 0) throw new ApprovalSchemeError(`'owner' needs the resource whose owners approve; none is given`);
        for (const resource of resources) {
          const owners = await directory.resourceOwners(resource);
          if (owners === undefined) throw new ApprovalSchemeError(`'owner': there is no resource '${resource}'`);
          for (const o of owners) {
            if (o.toLowerCase().startsWith('profile:')) out.push(...(await directory.profileHolders(o.slice('profile:'.length).trim())));
            else out.push(o);
          }
        }
        break;
      }
      case 'profile': {
        const name = s.name ?? request.profile;
        if (!name) throw new ApprovalSchemeError(`'profile' needs the profile whose holders approve; none is given`);
        out.push(...(await directory.profileHolders(name)));
        break;
      }
      case 'person': {
        const login = s.login ?? request.person;
        if (!login) throw new ApprovalSchemeError(`'person' needs the person who approves; none is given`);
        out.push(login);
        break;
      }
    }
  }
  return out;
}

/**
 * Whom an item past due goes to: the holder's manager, climbing past managers who may not approve; undefined when
 * the chain ends first (the caller then takes the fallback). Stops after 20 levels, and at a loop.
 */
export async function escalationTarget(holder: string, forbidden: readonly string[], directory: ApproverDirectory): Promise<string | undefined> {
  const seen = [holder];
  let current = holder;
  for (let i = 0; i < 20; i++) {
    const m = await directory.managerOf(current);
    if (m === undefined || isOneOf(m, seen)) return undefined;
    if (!isOneOf(m, forbidden)) return m;
    seen.push(m);
    current = m;
  }
  return undefined;
}
