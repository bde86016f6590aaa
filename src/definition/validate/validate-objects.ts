import type { DiagnosticBag, SourceLocation } from '../diagnostic.js';
import type { DefinitionObject } from '../model/objects.js';
import { andJoinInputsRule } from './rules/and-join-inputs.js';
import { duplicateActivityNameRule } from './rules/duplicate-activity-name.js';
import { duplicateObjectNameRule } from './rules/duplicate-object-name.js';
import { endActivityRule } from './rules/end-activity.js';
import { launchReferenceRule } from './rules/launch-reference.js';
import { manualOwnerRule } from './rules/manual-owner.js';
import { DEFAULT_MAX_STEPS_CEILING, maxStepsCeilingRule } from './rules/max-steps-ceiling.js';
import { reachabilityRule } from './rules/reachability.js';
import { ruleReferenceRule } from './rules/rule-reference.js';
import { startActivityRule } from './rules/start-activity.js';
import { startHasActionsRule } from './rules/start-has-actions.js';
import { serviceOperationRule } from './rules/service-operation.js';
import { subprocessReferenceRule } from './rules/subprocess-reference.js';
import { transitionTargetRule } from './rules/transition-target.js';
import type { DiagnosticSink, ExternalProcessResolver, KnownOperations, ProcessEntry, ValidationContext, ValidationRule } from './validation-rule.js';

export type { DiagnosticSink, ExternalProcessResolver, ExternalReferenceKind, ValidationContext, ValidationRule } from './validation-rule.js';
export { ValidationCodes } from './validation-codes.js';

/** Every rule, in the order their findings are most useful (structure first, then references). */
export const validationRules: readonly ValidationRule[] = [
  duplicateObjectNameRule,
  duplicateActivityNameRule,
  startActivityRule,
  startHasActionsRule,
  transitionTargetRule,
  endActivityRule,
  reachabilityRule,
  andJoinInputsRule,
  maxStepsCeilingRule,
  manualOwnerRule,
  subprocessReferenceRule,
  serviceOperationRule,
  ruleReferenceRule,
  launchReferenceRule,
];

/**
 * Checks a whole load set: graph rules per process (start, end, reachability, transition targets, duplicate
 * names, AND-joins, manual-action owners) and references across objects (subprocesses, rules, launched
 * definitions). References resolve within `objects` first, then through `resolveExternal` (the repository).
 * Findings go to `diags` with the location of the offending element; nothing is thrown. A finding a loader
 * already reported (same code, same place) is not repeated. Aspects' PointCuts are checked by the Netwrix set
 * linker (netwrix/link-netwrix-set.ts), which runs before this.
 *
 * The rules see only the process model, so they apply to both dialects alike.
 */
export function validateObjects(
  objects: readonly DefinitionObject[],
  diags: DiagnosticBag,
  resolveExternal?: ExternalProcessResolver,
  options: ValidateOptions = {},
): void {
  const base = createContext(objects, diags, resolveExternal, options.maxStepsCeiling ?? DEFAULT_MAX_STEPS_CEILING);
  const ctx = options.operations ? { ...base, operations: options.operations } : base;
  for (const rule of validationRules) rule.check(ctx);
}

/** Limits the checks apply, from the engine's configuration. */
export interface ValidateOptions {
  /** Highest maxSteps a process may set; the engine's `limits.maxStepsCeiling`. @default 100_000 */
  readonly maxStepsCeiling?: number;
  /**
   * The service operations the engine knows (`createOperationRegistry().namesFor`, or one list for every action): a
   * service action calling another gets a `DEF_UNKNOWN_OPERATION` warning. Not given: not checked.
   */
  readonly operations?: KnownOperations;
}

function createContext(
  objects: readonly DefinitionObject[],
  diags: DiagnosticBag,
  resolveExternal: ExternalProcessResolver | undefined,
  maxStepsCeiling: number,
): ValidationContext {
  const processes: ProcessEntry[] = [];
  const processNames = new Set<string>();
  const definitionNames = new Set<string>();
  const ruleNames = new Set<string>();
  for (const object of objects) {
    if (object.type === 'TaskDefinition' && object.javaExecutor !== undefined) {
      // A Java task has no process to check or call as a subprocess; launching it is refused at run time.
      definitionNames.add(object.name);
    } else if (object.type === 'TaskDefinition' || object.type === 'Workflow' || (object.type === 'Configuration' && object.process)) {
      const process = object.process!;
      processes.push({ object, process });
      processNames.add(object.name);
      // `<Action process=…>` may name the WFProcess itself when it differs from its carrier's name.
      if (process.name) processNames.add(process.name);
      if (object.type !== 'Configuration') definitionNames.add(object.name);
    } else if (object.type === 'Rule') {
      ruleNames.add(object.name);
    }
  }
  const external = (name: string, kind: 'process' | 'rule'): boolean => {
    try {
      return resolveExternal?.(name, kind) === true;
    } catch {
      // A failing resolver (repository unavailable) must not abort validation; the name counts as unknown.
      return false;
    }
  };
  return {
    objects,
    diags: sinkSkippingKnown(diags),
    processes,
    processNames: [...processNames],
    definitionNames: [...definitionNames],
    ruleNames: [...ruleNames],
    maxStepsCeiling,
    resolvesProcess: (name) => processNames.has(name) || external(name, 'process'),
    resolvesDefinition: (name) => definitionNames.has(name) || external(name, 'process'),
    resolvesRule: (name) => ruleNames.has(name) || external(name, 'rule'),
  };
}

/** Reports into `diags`, dropping what a loader already reported with the same code at the same place. */
function sinkSkippingKnown(diags: DiagnosticBag): DiagnosticSink {
  const key = (code: string, l: SourceLocation): string => `${code}\u0000${l.file}\u0000${l.line}\u0000${l.column}`;
  const known = new Set(diags.items.map((d) => key(d.code, d.location)));
  return {
    error: (code, message, location) => {
      if (!known.has(key(code, location))) diags.error(code, message, location);
    },
    warning: (code, message, location) => {
      if (!known.has(key(code, location))) diags.warning(code, message, location);
    },
  };
}
