/**
 * The `idflow.netwrix` operations run by the Netwrix system states (reference netwrix §3):
 * - `persist`: applies the change set (docs/change-sets.md) to the identity store in the step's own commit, with the
 *   provisioning orders it implies (none when the activity has BlockProvisioning), and records it as an AuditEvent
 *   `changeset:persisted`. Returns `subject` (the identity's login: an onboarding's instance takes it as its
 *   subject), `identity` (its id), `orders` (the order ids), `birthright` ({ add, remove }: docs/lifecycle.md) and
 *   `changes` (for a draft, the change set with the birthright recalculation merged into its Resources lists). A bad change set is the action's error, naming the
 *   attribute, and nothing of it is written;
 * - `persistOnlyResources`: the same as a draft (draft records, no provisioning: docs/decisions/decline-keeps-drafts.md);
 * - `continueWith`: launches the called workflow with the same variables (a `launch` effect).
 * Arguments: `changes`, `subject`, `activity`, `blockProvisioning` (true or 'true'), `entityType` (absent: User), `calledWorkflow` (or
 * `workflow`), `variables` (the workflow's variables; the interpreter adds them and any missing ones).
 */
import type { XValue } from '../expression/env.js';
import type { ServiceCall, ServiceOperation, ServiceResult } from '../engine/interpreter/interpreter-types.js';
import { copyValue } from '../engine/interpreter/variables.js';
import { IdflowError } from '../errors.js';
import { IdentityOverlay } from '../identity/identity-overlay.js';
import type { ChangeSet } from '../identity/change-set.js';
import type { IdentityWrite } from '../identity/identity-write.js';
import { readNetwrixChangeSet } from '../identity/netwrix-change-set.js';
import { planChangeSetWithBirthright, type BirthrightDelta } from '../identity/plan-change-set.js';
import { tellManagerOfDeparture } from './lifecycle-operations.js';

/** The application the Netwrix compiler gives its system-state actions (one constant, defined by the compiler). */
export { NETWRIX_APPLICATION } from '../definition/netwrix/compile-workflow.js';

type Obj = { [key: string]: XValue };
const asObj = (v: XValue | undefined): Obj => (v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : {});

function persistWith(mode: 'persist' | 'draft'): ServiceOperation {
  return async (call: ServiceCall): Promise<ServiceResult> => {
    const block = call.args['blockProvisioning'];
    const provisioning = mode === 'persist' && block !== true && block !== 'true';
    const changes = asObj(call.args['changes']);
    const activity = typeof call.args['activity'] === 'string' ? call.args['activity'] : undefined;
    const entityType = typeof call.args['entityType'] === 'string' ? call.args['entityType'] : 'User';
    const subject = call.subject ?? (typeof call.args['subject'] === 'string' && call.args['subject'] !== '' ? call.args['subject'] : undefined);
    const values: Record<string, XValue> = { persisted: true, provisioning, subject: subject ?? null };
    let waitFor: string[] | undefined;
    // Only a workflow over a User changes identities; other entity types are recorded only. Where no identity store
    // is open (the bare interpreter), the change set is recorded only as well.
    if (entityType === 'User' && call.identities !== undefined) {
      let write: IdentityWrite;
      let birthright: BirthrightDelta;
      let changeSet: ChangeSet;
      try {
        changeSet = readNetwrixChangeSet(call.args['changes']);
        ({ write, birthright } = await planChangeSetWithBirthright(call.identities, changeSet, {
          now: call.now ?? Date.now(),
          idempotencyKey: call.idempotencyKey,
          instanceId: call.instanceId,
          ...(subject !== undefined && { subject }),
          mode,
          provisioning,
          wait: call.args['wait'] === true || call.args['wait'] === 'true',
        }));
      } catch (e) {
        // A refused change set is the action's error (WF_ACTION_ERROR), with its code and the attribute it names.
        if (!(e instanceof IdflowError)) throw e;
        // On record too: the workflow goes on (WF_ACTION_ERROR is set), and the audit says which attribute was refused.
        call.emit({
          kind: 'audit',
          event: 'changeset:refused',
          ...(activity !== undefined ? { activity } : {}),
          actor: call.launcher,
          data: { code: e.code, message: e.message, attribute: typeof e.details['attribute'] === 'string' ? e.details['attribute'] : null, draft: mode === 'draft' },
        });
        return { error: `${e.code}: ${e.message}` };
      }
      call.emit({ kind: 'identity', write });
      if (mode === 'persist') await tellManagerOfDeparture(call, write, changeSet);
      if (call.identities instanceof IdentityOverlay) await call.identities.stage(write);
      values['subject'] = write.identity.login;
      values['identity'] = write.identity.id;
      values['orders'] = (write.orders ?? []).map((o) => o.id);
      values['birthright'] = { add: [...birthright.add], remove: [...birthright.remove] };
      // A draft hands the next activities (a Review) the change set with the birthright recalculation written into
      // it: what the job grants in Resources.Add, what only the job before granted in Resources.Remove. The reviewer
      // sees (and may edit) the removal list; the Persist after the review applies what is left of it.
      if (mode === 'draft') values['changes'] = withBirthright(changes, birthright);
      // With `wait`, the action waits until its orders are settled (docs/decisions/provisioning-waits.md).
      const waited = (write.orders ?? []).filter((o) => o.wait).map((o) => o.id);
      if (waited.length > 0) waitFor = waited;
    }
    if (values['changes'] === undefined) values['changes'] = copyValue(changes);
    call.emit({
      kind: 'audit',
      event: 'changeset:persisted',
      ...(activity !== undefined ? { activity } : {}),
      actor: call.launcher,
      // The entity type the change set is for (a workflow over Workflow_Directory_Country persists a country).
      data: { entityType, changes: copyValue(changes), provisioning, draft: mode === 'draft', idempotencyKey: call.idempotencyKey },
    });
    return waitFor ? { values, waitFor } : { values };
  };
}

/**
 * `changes` with the birthright delta merged into its `Resources` lists (names already listed stay once). Both lists
 * are always there, empty or not, so the reviewer sees that nothing is removed as plainly as what is.
 */
export function withBirthright(changes: Obj, delta: BirthrightDelta): Obj {
  const out = copyValue(changes) as Obj;
  const resources = asObj(out['Resources']);
  const named = (v: XValue): string => (typeof v === 'string' ? v : typeof asObj(v)['Resource'] === 'string' ? (asObj(v)['Resource'] as string) : '');
  const merge = (list: XValue | undefined, extra: readonly string[]): XValue[] => {
    const have = Array.isArray(list) ? [...list] : [];
    const keys = new Set(have.map((v) => named(v).toLowerCase()));
    for (const name of extra) if (!keys.has(name.toLowerCase())) have.push(name);
    return have;
  };
  const removing = new Set((Array.isArray(resources['Remove']) ? resources['Remove'] : []).map((v) => named(v).toLowerCase()));
  out['Resources'] = {
    ...resources,
    Add: merge(resources['Add'], delta.add.filter((n) => !removing.has(n.toLowerCase()))),
    Remove: merge(resources['Remove'], delta.remove),
  };
  return out;
}

const continueWith: ServiceOperation = (call) => {
  const workflow = call.args['workflow'] ?? call.args['calledWorkflow'];
  if (typeof workflow !== 'string' || workflow === '') return { error: 'continueWith needs the workflow to continue with' };
  const variables = asObj(call.args['variables']);
  call.emit({
    kind: 'launch',
    definition: workflow,
    variables: Object.keys(variables).length > 0 ? variables : { changes: asObj(call.args['changes']) },
    launcher: call.launcher,
    ...(call.subject !== undefined ? { subject: call.subject } : {}),
  });
  return { values: { launched: workflow } };
};

export const NETWRIX_OPERATIONS: Readonly<Record<string, ServiceOperation>> = Object.freeze({
  persist: persistWith('persist'),
  persistOnlyResources: persistWith('draft'),
  continueWith,
});
