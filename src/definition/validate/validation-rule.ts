import type { SourceLocation } from '../diagnostic.js';
import type { DefinitionObject, ProcessObject } from '../model/objects.js';
import type { ProcessModel } from '../model/process.js';

/** What a name found outside the load set may be. */
export type ExternalReferenceKind = 'process' | 'rule';

/**
 * Answers whether a name exists outside the current load set (usually: in the repository).
 * `kind` is absent or `'process'` for subprocesses and launched definitions, `'rule'` for `<rule name=…>` calls;
 * a resolver that ignores `kind` answers every question as a process question.
 */
export type ExternalProcessResolver = (name: string, kind?: ExternalReferenceKind) => boolean;

/** A process in the load set together with the object that carries it. */
export interface ProcessEntry {
  readonly object: ProcessObject;
  readonly process: ProcessModel;
}

/** Where rules report. */
export interface DiagnosticSink {
  error(code: string, message: string, location: SourceLocation): void;
  warning(code: string, message: string, location: SourceLocation): void;
}

/** What every rule sees: the whole load set, indexes over it, and where to report. */
export interface ValidationContext {
  readonly objects: readonly DefinitionObject[];
  /**
   * Where to report. A finding with the same code and location as one a loader already reported is dropped,
   * so a check both a loader and a rule make (duplicate activity names) is reported once.
   */
  readonly diags: DiagnosticSink;
  /** Every process in the set (TaskDefinitions, Workflows, Configurations with a WFProcess). */
  readonly processes: readonly ProcessEntry[];
  /** True when `name` is a process in the set (by object or process name) or known to the resolver. */
  resolvesProcess(name: string): boolean;
  /** True when `name` is a launchable definition (TaskDefinition or Workflow) in the set or known to the resolver. */
  resolvesDefinition(name: string): boolean;
  /** True when `name` is a Rule in the set or known to the resolver. */
  resolvesRule(name: string): boolean;
  /** Names of the processes in the set, for suggestions. */
  readonly processNames: readonly string[];
  /** Names of the launchable definitions in the set, for suggestions. */
  readonly definitionNames: readonly string[];
  /** Names of the Rules in the set, for suggestions. */
  readonly ruleNames: readonly string[];
  /** Highest maxSteps a process may set (the engine's `limits.maxStepsCeiling`). */
  readonly maxStepsCeiling: number;
  /** The service operations idflow knows, when the caller gives them; undefined = not checked. */
  readonly operations?: KnownOperations;
}

/**
 * The service operations idflow knows: one list for every action, or the names an action of one application/class
 * resolves (the `idflow.netwrix` operations are known to Netwrix system states only).
 */
export type KnownOperations = readonly string[] | ((application: string | undefined) => readonly string[]);

/** One check over a load set. Rules only add diagnostics; they never change the objects. */
export interface ValidationRule {
  /** Short kebab-case name, for documentation and debugging. */
  readonly id: string;
  /** The diagnostic codes the rule may raise. */
  readonly codes: readonly string[];
  check(ctx: ValidationContext): void;
}
