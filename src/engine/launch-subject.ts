/**
 * Which identity a launch updates, whichever way the caller named it (docs/decisions/one-workflow-per-subject.md):
 * the one-update-workflow-per-identity lock holds the identity's key, so two launches that name one person two
 * ways (`--subject jdoe`, `--var accountId=JDoe`, a change set with `Login: jdoe`, the identity's id) meet on it.
 *
 * - `--subject` (LaunchRequest.subject) always makes the launch an update workflow on that subject, as before;
 * - otherwise the launch's variables may name an EXISTING identity: Netwrix `subject`, Waveset `accountId`, a user
 *   view's `user.waveset.accountId`, or a change set (`changes`) naming it by `Id`, `Login` or `EmployeeId`. A name
 *   that is nobody's yet (an onboarding's new login) is not a subject: the onboarding adopts the identity it creates.
 * - A subject that names an identity (by id, login or login key) is keyed by that identity's login key; any other
 *   subject by its own {@link subjectKey}.
 * - A Netwrix workflow named so holds the identity from its launch; a Waveset TaskDefinition is refused while the
 *   identity is held, and holds it itself when it checks the user out (Waveset locks users by checkout).
 */
import type { XValue } from '../expression/env.js';
import type { IdentityReader } from '../identity/identity-store.js';
import { subjectKey } from '../identity/subject-key.js';

export interface LaunchSubject {
  /** As named (what people see). */
  readonly subject: string;
  /** What the lock and listings compare. */
  readonly key: string;
  /**
   * True: the launch is an update workflow on the identity and holds it from its first commit (`--subject`, and a
   * Netwrix workflow's variables). False: a Waveset TaskDefinition that names the user in its variables is refused
   * while another instance holds the user, but takes the lock itself only when it checks the user out
   * (docs/decisions/waveset-checkout-locks.md).
   */
  readonly hold: boolean;
}

/** What the lookups of {@link launchSubject} read besides: the `absences` change counter (PersistReads.absencesMark). */
export interface LaunchSubjectReads {
  absencesMark?: number;
}

type Obj = { readonly [key: string]: XValue };
const isObj = (v: XValue | undefined): v is Obj => v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
const text = (v: XValue | undefined): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);

/** The names of an identity a launch's variables hold, most specific first. */
export function namedInVariables(variables: Readonly<Record<string, XValue>>): { readonly name: string; readonly by: 'idOrLogin' | 'employeeId' }[] {
  const out: { name: string; by: 'idOrLogin' | 'employeeId' }[] = [];
  const add = (v: XValue | undefined, by: 'idOrLogin' | 'employeeId' = 'idOrLogin'): void => {
    const t = text(v);
    if (t !== undefined && !out.some((o) => o.name === t && o.by === by)) out.push({ name: t, by });
  };
  add(variables['subject']);
  add(variables['accountId']);
  const user = variables['user'];
  if (isObj(user) && isObj(user['waveset'])) add(user['waveset']['accountId']);
  const changes = variables['changes'];
  if (isObj(changes)) {
    add(changes['Id']);
    add(changes['Login']);
    add(changes['EmployeeId'], 'employeeId');
  }
  return out;
}

/** The subject of a launch, or undefined when it names no subject and no existing identity. */
export async function launchSubject(
  identities: Pick<IdentityReader, 'findIdentity' | 'findIdentityByEmployeeId' | 'subjectKeyReads'>,
  explicit: string | undefined,
  variables: Readonly<Record<string, XValue>>,
  /** The definition is a Netwrix Workflow (an update workflow on its identity), not a Waveset TaskDefinition. */
  workflow = true,
  /** Filled with what the lookups read besides (the launch's first advance uses it). */
  reads: LaunchSubjectReads = {},
): Promise<LaunchSubject | undefined> {
  // Only the identity's key is wanted: with the store's one-statement lookup, not its records, assignments, accounts.
  const keyOf = async (idOrLogin: string): Promise<string | undefined> => {
    if (!identities.subjectKeyReads) return (await identities.findIdentity(idOrLogin))?.identity.loginKey;
    const found = await identities.subjectKeyReads(idOrLogin);
    reads.absencesMark = found.absencesMark;
    return found.loginKey;
  };
  if (explicit !== undefined) {
    // Refused before any read when it names nobody (SUBJECT_EMPTY, SUBJECT_INVALID).
    const own = subjectKey(explicit);
    return { subject: explicit, key: (await keyOf(explicit)) ?? own, hold: true };
  }
  for (const named of namedInVariables(variables)) {
    // A name that could never be a subject (control characters) names no identity either.
    try {
      subjectKey(named.name);
    } catch {
      continue;
    }
    const key = named.by === 'employeeId' ? (await identities.findIdentityByEmployeeId(named.name))?.loginKey : await keyOf(named.name);
    if (key !== undefined) return { subject: named.name, key, hold: workflow };
  }
  return undefined;
}
