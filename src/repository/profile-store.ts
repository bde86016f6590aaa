/**
 * Who holds which profile. AccessControlRules grant permissions to profiles (Netwrix); this store says which
 * person holds which profile, so the engine knows to whom a work item offered by permission is offered.
 *
 * Async and free of SQL dialect so that PostgreSQL implements it too. Times are epoch milliseconds.
 */
import { InvalidInputError } from '../errors.js';

/** One person holding one profile. */
export interface ProfileAssignment {
  readonly person: string;
  readonly profile: string;
  readonly assignedAt: number;
  /** Who made the assignment (the CLI's acting user). */
  readonly assignedBy: string;
}

/** What {@link ProfileStore.assign} did for one profile. */
export interface ProfileAssignResult {
  readonly profile: string;
  /** `unchanged` when the person held the profile already (the first assignment's time and author stay). */
  readonly status: 'assigned' | 'unchanged';
}

export interface ProfileStore {
  readonly kind: 'profiles';
  /** Gives `person` these profiles in one transaction; assigning a held profile again changes nothing. */
  assign(person: string, profiles: readonly string[], assignedBy: string, at: number): Promise<ProfileAssignResult[]>;
  /** Takes the profiles away, all or nothing: `PROFILE_NOT_ASSIGNED` when the person does not hold one of them. */
  unassign(person: string, profiles: readonly string[]): Promise<void>;
  /** The person's profiles, sorted; empty for a person nobody assigned anything to. */
  profilesOf(person: string): Promise<string[]>;
  /** Every assignment (or one person's), by person then profile. */
  list(filter?: { readonly person?: string }): Promise<ProfileAssignment[]>;
}

const MAX_NAME_LENGTH = 256;

/**
 * Refuses a person or profile name that could not be meant: empty, padded with spaces, over 256 characters or
 * holding control characters. Stores call it before writing, so bad input changes nothing.
 */
export function checkProfileName(kind: 'person' | 'profile', name: string): void {
  let why: string | undefined;
  if (name.length === 0) why = 'is empty';
  else if (name.trim() !== name) why = 'starts or ends with spaces';
  else if (name.length > MAX_NAME_LENGTH) why = `is longer than ${MAX_NAME_LENGTH} characters`;
  else if (/\p{Cc}/u.test(name)) why = 'holds a control character';
  if (why !== undefined) {
    throw new InvalidInputError('PROFILE_NAME_INVALID', `the ${kind} name ${JSON.stringify(name)} ${why}`, { kind, name });
  }
}
