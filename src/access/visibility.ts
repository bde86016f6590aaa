import type { TaskParameters } from '../definition/model/task-parameters.js';
import { NotAuthorizedError } from '../errors.js';

/** How a launch was asked for: by name (CLI, API), by a TaskSchedule, or by the engine itself (launch effects). */
export type LaunchSource = 'run' | 'schedule' | 'internal';

/**
 * visibility (reference waveset §1.2; the value spellings are idflow's decision):
 * - `runschedule` (default): launched by name and by schedules;
 * - `run`: launched by name only; a schedule naming it fails;
 * - `schedule`: scheduled only; `idflow run` refuses it;
 * - `invisible`: neither; only other processes start it (launch effects: ContinueWith, InvokeWorkflowAspect) or
 *   call it as a subprocess.
 * Refusals are `LAUNCH_NOT_VISIBLE`.
 */
export function checkVisibility(name: string, visibility: TaskParameters['visibility'], source: LaunchSource): void {
  if (source === 'internal') return;
  const allowed = visibility === 'runschedule' || visibility === source;
  if (allowed) return;
  const how = source === 'run' ? 'launched by name' : 'scheduled';
  const hint =
    visibility === 'invisible'
      ? 'it is invisible: only other processes may start it'
      : visibility === 'schedule'
        ? 'it may only be scheduled'
        : 'it may only be launched by name';
  throw new NotAuthorizedError('LAUNCH_NOT_VISIBLE', `"${name}" cannot be ${how}: ${hint} (visibility ${visibility})`, { definition: name, visibility, source });
}
