import { ObjectTypes, type ObjectType } from '../definition/model/objects.js';
import { UsageError } from './usage-error.js';

/** Reads an object type from the command line, ignoring case (`taskdefinition` works). */
export function parseObjectType(text: string): ObjectType {
  const found = ObjectTypes.find((t) => t.toLowerCase() === text.toLowerCase());
  if (!found) {
    throw new UsageError('CLI_UNKNOWN_TYPE', `unknown object type "${text}"; the types are ${ObjectTypes.join(', ')}`, {
      type: text,
      types: [...ObjectTypes],
    });
  }
  return found;
}
