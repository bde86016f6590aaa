/**
 * The Netwrix checks and linking that need a whole load set rather than one file. `loadDefinitionFiles` calls this
 * before validation; an import into the repository should call it over the import set plus the repository's
 * Netwrix workflows and aspects.
 */
import type { DiagnosticBag } from '../diagnostic.js';
import type { DefinitionObject } from '../model/objects.js';
import { linkAspects } from './link-aspects.js';
import { checkPermissionTargets } from './permission-targets.js';

export function linkNetwrixSet(objects: readonly DefinitionObject[], diags: DiagnosticBag): void {
  linkAspects(objects, diags);
  checkPermissionTargets(objects, diags);
}
