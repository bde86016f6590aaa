import { ObjectTypes, type ObjectType } from '../definition/model/objects.js';
import { nearestNames } from '../definition/validate/suggest.js';
import { escapeControls } from '../identity/subject-key.js';
import { UsageError } from './usage-error.js';

/** Reads an object type from the command line, ignoring case (`taskdefinition` works). */
export function parseObjectType(text: string): ObjectType {
  const found = ObjectTypes.find((t) => t.toLowerCase() === text.toLowerCase());
  if (!found) {
    const near = nearestNames(text, ObjectTypes);
    const hint = near.length > 0 ? `; did you mean ${near.join(' or ')}? The types are` : '; the types are';
    throw new UsageError('CLI_UNKNOWN_TYPE', `unknown object type "${escapeControls(text)}"${hint} ${ObjectTypes.join(', ')}`, {
      type: escapeControls(text),
      types: [...ObjectTypes],
    });
  }
  return found;
}
