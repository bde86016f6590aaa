/**
 * Diagnostic codes raised while reading the Waveset dialect. Stable: tests and users rely on them
 * (docs/waveset-dialect.md lists them with examples).
 */
export const WavesetCodes = {
  /** An element the dialect does not define where it was found. */
  UNKNOWN_ELEMENT: 'DEF_UNKNOWN_ELEMENT',
  /** A Waveset element idflow recognises but does not use; skipped with a warning. */
  IGNORED_ELEMENT: 'DEF_IGNORED_ELEMENT',
  /** An attribute the element does not define. */
  UNKNOWN_ATTRIBUTE: 'DEF_UNKNOWN_ATTRIBUTE',
  /** A required attribute is absent or empty. */
  MISSING_ATTRIBUTE: 'DEF_MISSING_ATTRIBUTE',
  /** A required child element is absent or empty. */
  MISSING_ELEMENT: 'DEF_MISSING_ELEMENT',
  /** An element that may appear once appears again. */
  DUPLICATE_ELEMENT: 'DEF_DUPLICATE_ELEMENT',
  /** A value of the wrong type or outside its list, or two values that exclude each other. */
  BAD_VALUE: 'DEF_BAD_VALUE',
  /** Text where only elements belong (e.g. `<Transition to='x'>true</Transition>`), which would otherwise be lost. */
  UNEXPECTED_TEXT: 'DEF_UNEXPECTED_TEXT',
  /** Two activities, or two variables of one scope, share a name. */
  DUPLICATE_NAME: 'DEF_DUPLICATE_NAME',
  /** An Action that is not exactly one of service, subprocess, expression, manual. */
  ACTION_KIND: 'DEF_ACTION_KIND',
  /** A TaskDefinition without a WFProcess that names a Java executor: stored, never run (warning). */
  NOT_A_WORKFLOW: 'DEF_NOT_A_WORKFLOW',
} as const;
