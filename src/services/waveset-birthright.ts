/**
 * The Waveset-side `birthright` operation (docs/waveset-services.md): which resources the birthright rules kept on
 * the resources (src/identity/birthright.ts) grant to a person of given attributes. It reads and never writes: the
 * default Waveset workflows use it to show a manager what a new person will get, and to compare the old and the new
 * position of a move (docs/decisions/waveset-default-workflows.md). The write that follows applies the rules again
 * (planChangeSet), so what it shows and what is given cannot drift apart.
 */
import type { XValue } from '../expression/env.js';
import type { ServiceOperation } from '../engine/interpreter/interpreter-types.js';
import { birthrightAttributes, birthrightFor } from '../identity/birthright.js';
import type { IdentityView } from '../identity/identity-view.js';
import { NotFoundError, UnsupportedError } from '../errors.js';
import { GLOBAL_ATTRIBUTES } from './waveset-user-view.js';

type Obj = { [key: string]: XValue };

const isObj = (v: XValue | undefined): v is Obj => v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);

/** The neutral name of a `global.*` attribute of a view (Waveset spells three of them its own way). */
const neutralOf = (name: string): string => GLOBAL_ATTRIBUTES[name]?.neutral ?? name;

export const birthright: ServiceOperation = async (call) => {
  const reader = call.identities;
  if (!reader) throw new UnsupportedError('WAVESET_STORE_UNAVAILABLE', 'birthright needs the identity store, and this run has no repository', { op: call.op });
  const tested = birthrightAttributes();
  let organization: string | null = null;
  const attributes: Record<string, XValue> = {};
  // Lowest precedence first: a stored user, then a view, then the explicit arguments.
  const name = [call.args['accountId'], call.args['name']].find((v): v is string => typeof v === 'string' && v.trim() !== '');
  if (name !== undefined) {
    const snapshot = await reader.findIdentity(name);
    if (!snapshot) throw new NotFoundError('WAVESET_OBJECT_NOT_FOUND', `no user ${name} in the identity store`, { type: 'User', name });
    const at = call.now ?? Date.now();
    const live = snapshot.records.filter((r) => !r.draft && r.validFrom <= at && (r.validUntil === null || r.validUntil > at));
    organization = snapshot.identity.organization;
    for (const r of live.sort((a, b) => a.validFrom - b.validFrom)) for (const [k, v] of Object.entries(r.data)) if (v !== null) attributes[k] = v;
  }
  const view = call.args['view'];
  if (isObj(view)) {
    const waveset = view['waveset'];
    if (isObj(waveset) && Object.hasOwn(waveset, 'organization')) organization = typeof waveset['organization'] === 'string' ? waveset['organization'] : null;
    const global = view['global'];
    if (isObj(global)) for (const [k, v] of Object.entries(global)) attributes[neutralOf(k)] = v ?? null;
  }
  for (const attribute of tested) {
    const v = call.args[attribute];
    if (v === undefined || v === null || v === '') continue;
    if (attribute === 'organization') organization = String(v);
    else attributes[attribute] = v;
  }
  const person: IdentityView = { login: name ?? '', employeeId: null, organization, manager: null, attributes };
  // A reader made elsewhere may keep no rules (the store always does): then nothing is granted.
  const resources = birthrightFor((await reader.birthrightResources?.()) ?? [], person).map((r) => r.name);
  return { values: { resources, count: resources.length } };
};
