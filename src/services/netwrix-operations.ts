/**
 * The `idflow.netwrix` operations run by the Netwrix system states (reference netwrix §3):
 * - `persist`: applies the change set and triggers provisioning. Until the identity store lands it records the
 *   change set as an AuditEvent `changeset:persisted` with `provisioning: true` (false when the activity has
 *   BlockProvisioning);
 * - `persistOnlyResources`: the same without provisioning (drafts), `provisioning: false`;
 * - `continueWith`: launches the called workflow with the same variables (a `launch` effect).
 * Arguments: `changes`, `subject`, `activity`, `blockProvisioning` (true or 'true'), `entityType` (absent: User), `calledWorkflow` (or
 * `workflow`), `variables` (the workflow's variables; the interpreter adds them and any missing ones).
 */
import type { XValue } from '../expression/env.js';
import type { ServiceCall, ServiceOperation, ServiceResult } from '../engine/interpreter/interpreter-types.js';
import { copyValue } from '../engine/interpreter/variables.js';

/** The application the Netwrix compiler gives its system-state actions (one constant, defined by the compiler). */
export { NETWRIX_APPLICATION } from '../definition/netwrix/compile-workflow.js';

type Obj = { [key: string]: XValue };
const asObj = (v: XValue | undefined): Obj => (v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : {});

function persistWith(provisioningAllowed: boolean): ServiceOperation {
  return (call: ServiceCall): ServiceResult => {
    const block = call.args['blockProvisioning'];
    const provisioning = provisioningAllowed && block !== true && block !== 'true';
    const changes = asObj(call.args['changes']);
    const activity = typeof call.args['activity'] === 'string' ? call.args['activity'] : undefined;
    call.emit({
      kind: 'audit',
      event: 'changeset:persisted',
      ...(activity !== undefined ? { activity } : {}),
      actor: call.launcher,
      // The entity type the change set is for (a workflow over Workflow_Directory_Country persists a country).
      data: { entityType: typeof call.args['entityType'] === 'string' ? call.args['entityType'] : 'User', changes: copyValue(changes), provisioning, idempotencyKey: call.idempotencyKey },
    });
    // `subject` comes back so the workflow keeps working on the same User (a creation gets one from the
    // identity store once it exists; until then it is whatever the workflow was given).
    return { values: { persisted: true, provisioning, subject: call.args['subject'] ?? null } };
  };
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
  persist: persistWith(true),
  persistOnlyResources: persistWith(false),
  continueWith,
});
