/**
 * Who is calling (DESIGN decision 9). Every engine operation is done by a `Caller`: a person (the same names work
 * items use for owners), how that person was authenticated, and the profiles they held when they were. The one
 * authorisation module (src/access/authorize.ts) answers every "may this caller …" question from it.
 */
import { InvalidInputError } from '../errors.js';

/**
 * How a caller was authenticated:
 * - `cli-local`: the `idflow` command on a repository the operating-system user can open. Whoever can open the file
 *   can change it anyway, so the CLI acts as a local administrator (under the `--as` person's name);
 * - `session`: a browser session of a signed-in account (cookie + CSRF token);
 * - `token`: an API token of an account, limited to its scopes;
 * - `system`: idflow itself (schedules, launch effects, sweeps).
 */
export type Authentication = 'cli-local' | 'session' | 'token' | 'system';

/** What an API token may be used for; sessions and the CLI hold every scope. */
export type TokenScope = 'read' | 'launch' | 'decide' | 'control' | 'admin';
export const TOKEN_SCOPES: readonly TokenScope[] = ['read', 'launch', 'decide', 'control', 'admin'];

export interface Caller {
  /** The person: account name = person login = the name work items, audit and `--as` use. */
  readonly person: string;
  readonly authenticatedBy: Authentication;
  /** The person's profiles when they were authenticated (informational; permission checks read the current ones). */
  readonly profiles: readonly string[];
  /** An administrator may see and control every instance, import and administer (never decide for others). */
  readonly administrator: boolean;
  /**
   * The local administrator acting as another person (the CLI's `--as`): launches are that person's, checked against
   * their profiles like anybody's (docs/decisions/launch-rights.md). Absent: in one's own name.
   */
  readonly asPerson?: true;
  /** Token callers only: what the token may do. Absent: every scope. */
  readonly scopes?: readonly TokenScope[];
}

/**
 * The CLI's caller: a local administrator acting under `person`'s name. Engine operations also take a bare name and
 * read it as this (scripts, tests, benchmarks); remote callers always arrive as a Caller built by src/http/.
 */
export function localCaller(person: string, profiles: readonly string[] = []): Caller {
  return { person, authenticatedBy: 'cli-local', profiles, administrator: true };
}

/** idflow itself, for launches by schedules and other processes. */
export const SYSTEM_CALLER: Caller = Object.freeze({ person: 'idflow', authenticatedBy: 'system', profiles: [], administrator: true });

/** A Caller, or a bare person name read as {@link localCaller}. */
export type CallerLike = Caller | string;

export function toCaller(who: CallerLike): Caller {
  if (typeof who === 'string') return localCaller(who);
  if (!who || typeof who.person !== 'string' || who.person === '') {
    throw new InvalidInputError('ACCESS_NO_CALLER', 'an operation needs a caller: the person doing it', {});
  }
  return who;
}

/** The scope an action needs from a token. */
export function scopeOf(action: AccessAction): TokenScope {
  switch (action) {
    case 'see':
      return 'read';
    case 'launch':
      return 'launch';
    case 'decide':
    case 'delegate':
      return 'decide';
    case 'suspend':
    case 'resume':
    case 'terminate':
    case 'purge':
      return 'control';
    case 'import':
    case 'administer':
      return 'admin';
  }
}

/** Every question the authorisation module answers. */
export type AccessAction = 'launch' | 'see' | 'decide' | 'delegate' | 'suspend' | 'resume' | 'terminate' | 'purge' | 'import' | 'administer';

/** True when the caller's token (if any) carries the scope the action needs. */
export function hasScope(caller: Caller, action: AccessAction): boolean {
  return caller.scopes === undefined || caller.scopes.includes(scopeOf(action));
}

/** "alice (session)": how refusals and logs name a caller. */
export function describeCaller(caller: Caller): string {
  return `${caller.person} (${caller.authenticatedBy}${caller.administrator ? ', administrator' : ''})`;
}
