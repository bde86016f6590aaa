/** Diagnostic codes raised by the load-set validation (src/definition/validate/rules). Documented in docs/errors.md. */
export const ValidationCodes = {
  TRANSITION_TARGET: 'DEF_TRANSITION_TARGET',
  DUPLICATE_NAME: 'DEF_DUPLICATE_NAME',
  NO_START: 'DEF_NO_START',
  START_HAS_ACTIONS: 'DEF_START_HAS_ACTIONS',
  NO_END: 'DEF_NO_END',
  UNREACHABLE: 'DEF_UNREACHABLE',
  SUBPROCESS_UNRESOLVED: 'DEF_SUBPROCESS_UNRESOLVED',
  OPERATION_UNKNOWN: 'DEF_UNKNOWN_OPERATION',
  RULE_UNRESOLVED: 'DEF_RULE_UNRESOLVED',
  AND_JOIN_SINGLE_INPUT: 'DEF_AND_JOIN_SINGLE_INPUT',
  MANUAL_NO_OWNER: 'DEF_MANUAL_NO_OWNER',
  WORKFLOW_LAUNCH_UNRESOLVED: 'DEF_WORKFLOW_LAUNCH_UNRESOLVED',
  MAX_STEPS_CEILING: 'DEF_MAX_STEPS_CEILING',
} as const;

/** `TaskDefinition 'X'`: how a message names the object that carries a process. */
export function describeObject(o: { readonly type: string; readonly name: string }): string {
  return `${o.type} '${o.name}'`;
}

/** True for names computed at run time (`$(var)`), which no static check can resolve. */
export function isDynamicName(name: string): boolean {
  return name.includes('$(');
}
