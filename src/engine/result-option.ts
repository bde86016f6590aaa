import type { TaskParameters } from '../definition/model/task-parameters.js';
import { ConflictError } from '../errors.js';
import type { AuditRecord, InstanceRecord, InstanceWrite } from '../repository/runtime-store.js';
import { auditBase } from './outcome-write.js';

const ended = (i: InstanceRecord): boolean => i.state === 'finished' || i.state === 'terminated';

/**
 * What a launch does to an existing TaskInstance of the same name (resultOption, reference waveset §1.4):
 * - `wait`: refused (`TASK_RESULT_EXISTS`) while the old instance exists, running or not; a schedule skips the run.
 * - `delete`: a finished old instance is deleted; a running one makes the launch fail (`TASK_NAME_IN_USE`).
 * - `rename`: a finished old instance is renamed `<name> #<its id>` (unique, however often the name is reused); a
 *   running one fails.
 * - `terminate`: the old instance is terminated if it still runs, then deleted.
 * The changes are written in the launch's own commit. Audit rows of the old instance stay.
 */
export function planResultOption(
  existing: InstanceRecord | undefined,
  option: TaskParameters['resultOption'],
  actor: string,
  now: number,
): Pick<InstanceWrite, 'deleteInstances' | 'renameInstances'> & { readonly audit: AuditRecord[] } {
  if (!existing) return { audit: [] };
  const details = { name: existing.name, instanceId: existing.id, state: existing.state, resultOption: option };
  if (option === 'wait') {
    throw new ConflictError(
      'TASK_RESULT_EXISTS',
      `a TaskInstance named "${existing.name}" exists (${existing.state}); with resultOption wait a new one starts only once it is deleted or expired`,
      details,
    );
  }
  if (option !== 'terminate' && !ended(existing)) {
    throw new ConflictError(
      'TASK_NAME_IN_USE',
      `the TaskInstance named "${existing.name}" is still ${existing.state}; resultOption ${option} applies only to finished instances`,
      details,
    );
  }
  const base = { ...auditBase(existing), at: now, actor };
  if (option === 'rename') {
    const name = `${existing.name} #${existing.id}`;
    return { renameInstances: [{ id: existing.id, name }], audit: [{ ...base, event: 'renamed', data: { to: name, reason: 'resultOption rename' } }] };
  }
  const audit: AuditRecord[] = [];
  if (!ended(existing)) audit.push({ ...base, event: 'terminated', data: { reason: 'resultOption terminate' } });
  audit.push({ ...base, event: 'deleted', data: { reason: `resultOption ${option}` } });
  return { deleteInstances: [existing.id], audit };
}
