import type { DefinitionObject } from '../../model/objects.js';
import { ValidationCodes, describeObject } from '../validation-codes.js';
import type { ValidationRule } from '../validation-rule.js';

/** One load set holds at most one object of a type and name: an import would not know which one wins. */
export const duplicateObjectNameRule: ValidationRule = {
  id: 'duplicate-object-name',
  codes: [ValidationCodes.DUPLICATE_NAME],
  check(ctx) {
    const first = new Map<string, DefinitionObject>();
    for (const object of ctx.objects) {
      const key = `${object.type}\u0000${object.name}`;
      const earlier = first.get(key);
      if (!earlier) {
        first.set(key, object);
        continue;
      }
      const where = earlier.location.file === object.location.file ? `line ${earlier.location.line}` : `${earlier.location.file}:${earlier.location.line}`;
      ctx.diags.error(
        ValidationCodes.DUPLICATE_NAME,
        `${describeObject(object)} is defined twice in the files given (the first at ${where}); keep one`,
        object.location,
      );
    }
  },
};
