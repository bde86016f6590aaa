import type { DiagnosticBag } from '../diagnostic.js';
import type { DefinitionObject } from '../model/objects.js';

/** Resolves a process name (subprocess reference) against objects outside the current load set, e.g. the repository. */
export type ExternalProcessResolver = (name: string) => boolean;

/**
 * PLACEHOLDER — implemented by the validation work.
 * Checks a whole load set: graph rules per process (start, end, reachability, targets, duplicates) and
 * references across objects (subprocesses, rules, aspects' PointCuts).
 */
export function validateObjects(objects: readonly DefinitionObject[], diags: DiagnosticBag, resolveExternal?: ExternalProcessResolver): void {
  void objects;
  void diags;
  void resolveExternal;
}
