import type { ApprovalModel } from './action.js';
import type { SourceLocation } from '../diagnostic.js';
import type { AspectModel } from './aspect.js';
import type { Expr } from './expression.js';
import type { ProcessModel } from './process.js';
import type { TaskParameters } from './task-parameters.js';

/**
 * The repository object types. Every object is versioned: importing a changed object stores a new version
 * with a new generated id; importing an identical one changes nothing.
 */
export const ObjectTypes = [
  'TaskDefinition',
  'Workflow',
  'Configuration',
  'Rule',
  'AccessControlRule',
  'Aspect',
  'TaskSchedule',
  'Connector',
] as const;
export type ObjectType = (typeof ObjectTypes)[number];

interface ObjectBase {
  readonly name: string;
  /** Where the object starts in its file. */
  readonly location: SourceLocation;
}

/** Waveset `<TaskDefinition>`: a launchable process with its parameters. */
export interface TaskDefinitionObject extends ObjectBase {
  readonly type: 'TaskDefinition';
  readonly dialect: 'waveset';
  readonly parameters: TaskParameters;
  readonly process: ProcessModel;
  /** Other attributes as written (`id`, `authType`, `createDate`, `primaryObjectClass`, …). */
  readonly attributes: Readonly<Record<string, string>>;
  /**
   * Set when the definition has no WFProcess and names a Java executor (`com.waveset.rpc.SpmlExecutor`, a report
   * executor): it is stored for the record, `process` is empty, and launching it is refused (`TASK_EXECUTOR_UNSUPPORTED`).
   */
  readonly javaExecutor?: string;
}

/** One `<Activity Template=…>` of a Netwrix workflow, as declared. */
export interface NetwrixActivityDecl {
  readonly identifier: string;
  readonly displayNames: Readonly<Record<string, string>>;
  readonly template: string;
  readonly blockProvisioning: boolean;
  readonly calledWorkflow?: string;
  readonly overviewDisabled: boolean;
  /** idflow's `Approval…` attributes on a Review or ReviewWithFeedback (docs/approvals.md). */
  readonly approval?: ApprovalModel & { readonly timeout?: number };
  readonly location: SourceLocation;
}

/** Netwrix `<Workflow>`, compiled into template state machines. Launchable like a TaskDefinition. */
export interface WorkflowObject extends ObjectBase {
  readonly type: 'Workflow';
  readonly dialect: 'netwrix';
  readonly displayNames: Readonly<Record<string, string>>;
  /** `Workflow_<EntityType>`. */
  readonly variablesType: string;
  /** `User` for `Workflow_User` and `Workflow_Directory_User`. */
  readonly entityType: string;
  readonly identifierPrefix?: string;
  readonly activities: readonly NetwrixActivityDecl[];
  readonly parameters: TaskParameters;
  readonly process: ProcessModel;
}

/** Waveset `<Configuration>`; with a `<WFProcess>` extension it is a process usable as a subprocess. */
export interface ConfigurationObject extends ObjectBase {
  readonly type: 'Configuration';
  readonly dialect: 'waveset';
  readonly process?: ProcessModel;
  readonly attributes: Readonly<Record<string, string>>;
}

/** Waveset `<Rule>`: a named XPRESS function called with `<rule name=…>`. */
export interface RuleObject extends ObjectBase {
  readonly type: 'Rule';
  readonly dialect: 'waveset';
  readonly arguments: readonly { readonly name: string; readonly value?: string }[];
  readonly localScope: boolean;
  readonly body: Expr;
}

/** Netwrix `<AccessControlRule>`: grants permissions to a profile. */
export interface AccessControlRuleObject extends ObjectBase {
  readonly type: 'AccessControlRule';
  readonly dialect: 'netwrix';
  readonly profile: string;
  readonly entityType?: string;
  readonly displayNames: Readonly<Record<string, string>>;
  readonly entries: readonly { readonly permission: string; readonly canExecute: boolean; readonly location: SourceLocation }[];
}

/** A Netwrix aspect, stored on its own as well as linked into the workflows its PointCuts name. */
export interface AspectObject extends ObjectBase {
  readonly type: 'Aspect';
  readonly dialect: 'netwrix';
  readonly aspect: AspectModel;
}

/** A TaskSchedule (issue 3): runs a definition on a timetable. */
export interface TaskScheduleObject extends ObjectBase {
  readonly type: 'TaskSchedule';
  readonly dialect: 'waveset';
  readonly definition: string;
  /** ISO 8601 instant of the first run. */
  readonly start: string;
  /** Repeat period in seconds; 0 = run once (or `cron` decides). */
  readonly repeatSeconds: number;
  /** A cron expression (5 or 6 fields) for the runs at and after `start`, instead of a repeat period. */
  readonly cron?: string;
  /** IANA time zone the cron expression's times are in (default UTC). */
  readonly timezone?: string;
  readonly repeatCount?: number;
  readonly disabled: boolean;
  readonly skipMissed: boolean;
  readonly resultOption?: TaskParameters['resultOption'];
  readonly taskName?: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * An idflow `<Connector name=… kind=…>`: the settings of one target system (an LDAP directory, a SCIM service, a
 * CSV drop). Resources and provisioning orders name it; the connector registry builds the live connector from it.
 * `settings` are as written (strings, lists of strings for repeated settings, nested maps), already accepted by the
 * kind's `parseSettings` at import. Secrets are never here: settings name the environment variable that holds one.
 */
export interface ConnectorObject extends ObjectBase {
  readonly type: 'Connector';
  readonly dialect: 'idflow';
  /** `ldap`, `scim`, `csv`: the factory in the connector registry that builds it. */
  readonly kind: string;
  readonly description?: string;
  readonly settings: Readonly<Record<string, ConnectorSettingValue>>;
}

/** A setting as written: text, a repeated setting's values, or a group of settings. */
export type ConnectorSettingValue = string | readonly string[] | { readonly [name: string]: ConnectorSettingValue };

export type DefinitionObject =
  | TaskDefinitionObject
  | WorkflowObject
  | ConfigurationObject
  | RuleObject
  | AccessControlRuleObject
  | AspectObject
  | TaskScheduleObject
  | ConnectorObject;

/** Objects that carry a process and can be launched or called as a subprocess. */
export type ProcessObject = TaskDefinitionObject | WorkflowObject | ConfigurationObject;
