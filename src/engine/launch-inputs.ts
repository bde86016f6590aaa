import { InvalidInputError } from '../errors.js';
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
  // Variables become keys of plain objects; "__proto__" would replace a scope's prototype instead of naming a variable.
  if (Object.hasOwn(given, '__proto__')) {
    throw new InvalidInputError('ENGINE_BAD_VARIABLE_NAME', '"__proto__" cannot be a variable name', { name: '__proto__' });
  }
  if (request.subject === undefined || Object.hasOwn(given, SUBJECT_VARIABLE)) return given;
  const declared = definition.object.process?.variables.some((v) => v.name === SUBJECT_VARIABLE) ?? false;
  return declared ? { ...given, [SUBJECT_VARIABLE]: request.subject } : given;
}
