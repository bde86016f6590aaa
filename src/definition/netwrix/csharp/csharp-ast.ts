/** The syntax tree of the C# subset, before it is compiled into an XPRESS expression tree. */

export type Node =
  | { readonly k: 'literal'; readonly value: string | number | boolean | null; readonly char?: boolean; readonly offset: number }
  | { readonly k: 'name'; readonly name: string; readonly offset: number }
  | { readonly k: 'member'; readonly target: Node; readonly name: string; readonly nullSafe: boolean; readonly offset: number }
  | { readonly k: 'index'; readonly target: Node; readonly index: Node; readonly nullSafe: boolean; readonly offset: number }
  | { readonly k: 'call'; readonly callee: Node; readonly args: readonly Node[]; readonly offset: number }
  | { readonly k: 'unary'; readonly op: '!' | '-' | '+'; readonly operand: Node; readonly offset: number }
  | { readonly k: 'binary'; readonly op: string; readonly left: Node; readonly right: Node; readonly offset: number }
  | { readonly k: 'conditional'; readonly test: Node; readonly then: Node; readonly otherwise: Node; readonly offset: number }
  | { readonly k: 'cast'; readonly type: TypeName; readonly operand: Node; readonly offset: number }
  | { readonly k: 'interpolated'; readonly parts: readonly (string | { readonly expr: Node; readonly format?: string })[]; readonly offset: number }
  | { readonly k: 'new'; readonly type: TypeName; readonly args: readonly Node[]; readonly offset: number };

/** A type as written in a cast, a declaration or `new`: `DateTime`, `Nullable<DateTime>`, `int?`. */
export interface TypeName {
  readonly name: string;
  readonly args: readonly TypeName[];
  readonly nullable: boolean;
}

export type Statement =
  | { readonly k: 'return'; readonly value: Node | undefined; readonly offset: number }
  | { readonly k: 'if'; readonly test: Node; readonly then: readonly Statement[]; readonly otherwise: readonly Statement[] | undefined; readonly offset: number }
  | { readonly k: 'declare'; readonly name: string; readonly init: Node; readonly offset: number }
  /** Inserted by the compiler after a branch's statements: the branch's locals go out of scope here. */
  | { readonly k: 'end-scope'; readonly locals: number; readonly offset: number };

/** A whole expression attribute: the parameter's name (`C#:person:` or `person => …`) and the body. */
export interface Program {
  readonly parameter: string | undefined;
  readonly body: readonly Statement[];
}

export function typeText(t: TypeName): string {
  return `${t.name}${t.args.length ? `<${t.args.map(typeText).join(', ')}>` : ''}${t.nullable ? '?' : ''}`;
}
