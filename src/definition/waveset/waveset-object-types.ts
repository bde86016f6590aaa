/**
 * The Waveset repository object types, as element names of an export (`lh export`, the console's "Export
 * Configuration"). A real export is a directory of files holding all of them; idflow reads its workflows and
 * accounts for the rest instead of refusing the file.
 */

/** Object types idflow reads and stores. `ProvisioningTask` is read as a TaskDefinition (the Create User workflow is one). */
export const READ_OBJECT_TYPES = ['TaskDefinition', 'ProvisioningTask', 'Configuration', 'Rule', 'TaskSchedule'] as const;

/**
 * Object types idflow recognises but does not run: skipped with a warning (`DEF_IGNORED_ELEMENT`) wherever they stand,
 * at the root of a file or inside `<Waveset>`. Listed from the Waveset object model; the export of any Waveset
 * release holds only types from this list.
 */
export const SKIPPED_OBJECT_TYPES = [
  'Account',
  'AdminGroup',
  'AdminRole',
  'AttrParse',
  'AttributeDefinition',
  'AuditConfig',
  'AuditPolicy',
  'AuditQuery',
  'Capability',
  'ComplianceViolation',
  'EmailTemplate',
  'EncryptionKey',
  'EndUserTask',
  'Entitlement',
  'Form',
  'ImportCommand',
  'Library',
  'LoginApp',
  'LoginConfig',
  'LoginModGroup',
  'ObjectGroup',
  'Policy',
  'ReconcileConfig',
  'ReconcilePolicy',
  'RemediationPolicy',
  'Resource',
  'ResourceAction',
  'ResourceForm',
  'Role',
  'RuleLibrary',
  'SPMLConfig',
  'SummaryReport',
  'TaskInstance',
  'TaskResult',
  'TaskTemplate',
  'Type',
  'User',
  'UserForm',
  'WorkItem',
  'XmlData',
] as const;

export function isReadObjectType(name: string): boolean {
  return (READ_OBJECT_TYPES as readonly string[]).includes(name);
}

export function isSkippedObjectType(name: string): boolean {
  return (SKIPPED_OBJECT_TYPES as readonly string[]).includes(name);
}

/** True when `name` is a Waveset object type, read or skipped: such an element may be the root of a file. */
export function isWavesetObjectType(name: string): boolean {
  return isReadObjectType(name) || isSkippedObjectType(name);
}

/** What became of one object of a file: read (and stored when the import succeeds), skipped, or refused (errors). */
export type ObjectOutcome = 'read' | 'skipped' | 'refused';

/** One object element of a file and what became of it, for the import summary. */
export interface ObjectAccount {
  /** The element name as written (`Resource`, `ProvisioningTask`, `TaskDefinition`, …). */
  readonly type: string;
  readonly name?: string;
  readonly outcome: ObjectOutcome;
  readonly file: string;
  readonly line: number;
}
