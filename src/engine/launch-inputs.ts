import type { XValue } from '../expression/env.js';
import type { LaunchRequest } from './engine-api.js';
import type { LoadedDefinition } from './definition-cache.js';

/** The process variable a launch's subject fills when the definition declares it (Netwrix workflows do). */
export const SUBJECT_VARIABLE = 'subject';

/**
 * The variables a launch starts with: the caller's, plus `subject` from {@link LaunchRequest.subject} when the
 * definition declares a process variable of that name and the caller did not set it. So `idflow run WF --subject
 * jdoe` reaches a Netwrix workflow's `subject` (the User it works on) as it reaches the subject lock.
 */
export function launchInputs(definition: LoadedDefinition, request: Pick<LaunchRequest, 'variables' | 'subject'>): Readonly<Record<string, XValue>> {
  const given = request.variables ?? {};
  if (request.subject === undefined || Object.hasOwn(given, SUBJECT_VARIABLE)) return given;
  const declared = definition.object.process?.variables.some((v) => v.name === SUBJECT_VARIABLE) ?? false;
  return declared ? { ...given, [SUBJECT_VARIABLE]: request.subject } : given;
}
