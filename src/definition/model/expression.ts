/**
 * A compiled XPRESS expression: plain JSON, stored inside the process model.
 *
 * XPRESS is XML, so an expression is a tree of calls: `<add><i>1</i><ref>x</ref></add>` becomes
 * `{ op: 'add', args: [{ op: 'i', text: '1' }, { op: 'ref', text: 'x' }] }`. The XML object forms
 * (`<String>`, `<Integer>`, `<Boolean>`, `<List>`, `<Map>`, `<Date>`, …) are compiled to the same shape with
 * their element name as `op`. `src/expression/` compiles and evaluates these trees; nothing else interprets them.
 */
export interface Expr {
  /** Function or literal name: `add`, `ref`, `s`, `i`, `String`, `Map`, … */
  readonly op: string;
  /** XML attributes of the call that matter to it (`name`, `class`, `default`, `value`, …). */
  readonly attrs?: Readonly<Record<string, string>>;
  /** Sub-expressions in document order. */
  readonly args?: readonly Expr[];
  /** Text content, for literals (`<s>abc</s>`) and for `<ref>name</ref>`. */
  readonly text?: string;
  /** 1-based line and column of the element, kept for runtime error messages. */
  readonly line?: number;
  readonly column?: number;
}
