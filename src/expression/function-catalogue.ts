/**
 * Every XPRESS element idflow knows, with the facts the compiler checks at load time. The evaluator has one
 * handler per name listed here; a test keeps the two in step. docs/xpress.md describes each entry.
 */
export interface FunctionSpec {
  /** Fewest argument expressions. @default 0 */
  readonly min?: number;
  /** Most argument expressions; undefined = any number. */
  readonly max?: number;
  /** Attributes that must be present. */
  readonly required?: readonly string[];
  /**
   * List function with an in-place form: with `name='var'` the list comes from that variable instead of the
   * first argument, so the argument counts shift down by one.
   */
  readonly namedList?: boolean;
  /** The element's text is its value (literals, `<ref>`); other elements must not carry text. */
  readonly text?: boolean;
  /** A break target (`block`, `dolist`, `while`, `and`, `or`). */
  readonly breakTarget?: boolean;
}

const ANY: FunctionSpec = {};
const ONE: FunctionSpec = { min: 1, max: 1 };
const TWO: FunctionSpec = { min: 2, max: 2 };

/** XPRESS functions (lower-case names from the reference's catalogue). */
export const XPRESS_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  // value constructors
  s: { max: 0, text: true },
  i: { max: 0, text: true },
  null: { max: 0 },
  list: ANY,
  array: ANY,
  map: ANY,
  // arithmetic
  add: ANY,
  sub: ANY,
  mult: ANY,
  div: ANY,
  mod: ANY,
  // logic and comparison
  and: { breakTarget: true },
  or: { breakTarget: true },
  not: ONE,
  eq: { min: 1 },
  neq: { min: 1 },
  gt: TWO,
  gte: TWO,
  lt: TWO,
  lte: TWO,
  cmp: TWO,
  ncmp: TWO,
  isnull: ONE,
  notnull: ONE,
  isTrue: ONE,
  isFalse: ONE,
  isEmpty: ONE,
  notEmpty: ONE,
  // strings
  concat: ANY,
  downcase: ONE,
  upcase: ONE,
  indexOf: { min: 2, max: 3 },
  ltrim: ONE,
  rtrim: ONE,
  trim: ONE,
  ztrim: ONE,
  substr: { min: 2, max: 3 },
  split: { min: 1, max: 2 },
  pad: { min: 2, max: 3 },
  match: { min: 2, max: 2, namedList: true },
  message: ANY,
  // lists (and strings for length/contains/expand)
  length: { min: 1, max: 1, namedList: true },
  contains: { min: 2, max: 2, namedList: true },
  expand: { min: 1, max: 1, namedList: true },
  append: { min: 1, namedList: true },
  appendAll: { min: 1, namedList: true },
  containsAll: { min: 2, max: 2, namedList: true },
  containsAny: { min: 2, max: 2, namedList: true },
  filterdup: { min: 1, max: 1, namedList: true },
  filternull: { min: 1, max: 1, namedList: true },
  insert: { min: 3, max: 3, namedList: true },
  remove: { min: 1, namedList: true },
  removeAll: { min: 2, max: 2, namedList: true },
  setlist: { min: 3, max: 3, namedList: true },
  // control
  cond: { min: 2, max: 3 },
  switch: { min: 1 },
  block: { breakTarget: true },
  dolist: { min: 1, required: ['name'], breakTarget: true },
  while: { min: 1, breakTarget: true },
  break: { max: 1 },
  // variables and functions
  defvar: { max: 1, required: ['name'] },
  // Without a name: the object form (object, path, value), checked by compileNamelessSet.
  set: { max: 1, required: ['name'] },
  setvar: { max: 1, required: ['name'] },
  ref: { max: 1, text: true },
  defun: { required: ['name'] },
  call: { required: ['name'] },
  rule: { required: ['name'] },
  select: ANY,
  // objects
  get: TWO,
  putmap: { min: 3, max: 3 },
  instanceof: ONE,
  invoke: { required: ['name'] },
  new: { required: ['class'] },
  // debugging
  trace: { max: 1 },
  print: ANY,
};

/** XML object language elements, allowed wherever an expression is. */
export const XML_OBJECTS: Readonly<Record<string, FunctionSpec>> = {
  String: { max: 0, text: true },
  Integer: { max: 0, text: true },
  Long: { max: 0, text: true },
  Boolean: { max: 0, text: true },
  Date: { max: 0, text: true },
  List: ANY,
  Map: ANY,
  o: ONE,
};

/**
 * Elements that only make sense inside a particular parent; the parent compiles them.
 * Met anywhere else they are `XPRESS_MISPLACED_ELEMENT`.
 */
export const STRUCTURAL_ELEMENTS: Readonly<Record<string, string>> = {
  case: 'switch',
  defarg: 'defun',
  argument: 'rule or call',
  MapEntry: 'Map',
};

export function functionSpec(name: string): FunctionSpec | undefined {
  return Object.hasOwn(XPRESS_FUNCTIONS, name)
    ? XPRESS_FUNCTIONS[name]
    : Object.hasOwn(XML_OBJECTS, name)
      ? XML_OBJECTS[name]
      : undefined;
}
