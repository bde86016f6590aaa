/**
 * A recursive-descent parser for the C# subset, with Pratt parsing for operators. It builds the syntax tree of
 * csharp-ast.ts and refuses, with the offset and a reason, every construct outside the subset
 * (docs/csharp-expressions.md): loops, assignments, lambdas other than the whole expression, and so on.
 */
import type { Node, Program, Statement, TypeName } from './csharp-ast.js';
import { CSharpSyntaxError, tokenize, type Token } from './csharp-tokens.js';

/** Binding power of each infix operator (C# precedence, higher binds tighter). */
const INFIX: Readonly<Record<string, number>> = {
  '?': 2,
  '??': 3,
  '||': 4,
  '&&': 5,
  '==': 9,
  '!=': 9,
  '<': 10,
  '>': 10,
  '<=': 10,
  '>=': 10,
  '+': 12,
  '-': 12,
  '*': 13,
  '/': 13,
  '%': 13,
};
const UNARY_BP = 14;

/** Operators C# has and the subset refuses, with the reason given. */
const REFUSED_OPERATORS: Readonly<Record<string, string>> = {
  '=': 'assignment is not in the subset (expressions compute a value; declare a local with var x = …;)',
  '+=': 'assignment is not in the subset', '-=': 'assignment is not in the subset', '*=': 'assignment is not in the subset',
  '/=': 'assignment is not in the subset', '%=': 'assignment is not in the subset', '??=': 'assignment is not in the subset',
  '&=': 'assignment is not in the subset', '|=': 'assignment is not in the subset', '^=': 'assignment is not in the subset',
  '++': 'increment is not in the subset', '--': 'decrement is not in the subset',
  '&': 'bitwise and non-short-circuit & are not in the subset; use &&', '|': 'bitwise and non-short-circuit | are not in the subset; use ||',
  '^': 'exclusive or is not in the subset', '~': 'bitwise complement is not in the subset', '<<': 'shifts are not in the subset',
  '=>': 'a lambda is allowed only as the whole expression (person => …)',
  '::': 'alias qualifiers are not in the subset',
};

const STATEMENT_KEYWORDS: Readonly<Record<string, string>> = {
  for: 'loops are not in the subset: a workflow expression must finish in bounded time',
  foreach: 'loops are not in the subset: a workflow expression must finish in bounded time',
  while: 'loops are not in the subset: a workflow expression must finish in bounded time',
  do: 'loops are not in the subset: a workflow expression must finish in bounded time',
  goto: 'goto is not in the subset',
  switch: 'switch is not in the subset; use if/else or ?:',
  throw: 'throw is not in the subset; an AssertValueAspect refuses a transition with its Message_L1',
  try: 'try/catch is not in the subset',
  using: 'using is not in the subset',
  lock: 'lock is not in the subset',
  unsafe: 'unsafe code is not in the subset',
  fixed: 'unsafe code is not in the subset',
  yield: 'iterators are not in the subset',
  break: 'break is only for loops, which are not in the subset',
  continue: 'continue is only for loops, which are not in the subset',
};

/** Type names a cast or a declaration may use; the others make `(x) y` a parenthesised expression. */
const TYPE_NAMES = new Set([
  'string', 'String', 'int', 'Int32', 'long', 'Int64', 'bool', 'Boolean', 'object', 'Object', 'DateTime', 'Nullable',
  'double', 'Double', 'decimal', 'Decimal', 'float', 'short', 'byte', 'char', 'Guid', 'System.DateTime', 'System.String',
]);

export function parseProgram(src: string, parameter: string | undefined): Program {
  return new Parser(tokenize(src)).program(parameter);
}

/** Deepest nesting of parentheses and operators the parser follows (the compiler has the same bound). */
const MAX_DEPTH = 200;

class Parser {
  #pos = 0;
  #depth = 0;
  constructor(readonly tokens: readonly Token[]) {}

  get #tok(): Token {
    return this.tokens[this.#pos]!;
  }

  #peek(n = 1): Token {
    return this.tokens[Math.min(this.#pos + n, this.tokens.length - 1)]!;
  }

  #atEnd(): boolean {
    return this.#tok.kind === 'eof';
  }

  #next(): Token {
    const t = this.#tok;
    if (t.kind !== 'eof') this.#pos++;
    return t;
  }

  #is(text: string, t: Token = this.#tok): boolean {
    return (t.kind === 'punct' || t.kind === 'keyword') && t.text === text;
  }

  #expect(text: string, what?: string): Token {
    if (!this.#is(text)) throw this.#unexpected(`expected "${text}"${what ? ` ${what}` : ''}`);
    return this.#next();
  }

  #unexpected(expected: string, t: Token = this.#tok): CSharpSyntaxError {
    const found = t.kind === 'eof' ? 'the end of the expression' : `"${t.kind === 'string' ? `"${t.text}"` : t.text}"`;
    if ((t.kind === 'punct' || t.kind === 'keyword') && Object.hasOwn(REFUSED_OPERATORS, t.text)) {
      return new CSharpSyntaxError(`"${t.text}": ${REFUSED_OPERATORS[t.text]}`, t.offset);
    }
    return new CSharpSyntaxError(`${expected}, found ${found}`, t.offset);
  }

  program(parameter: string | undefined): Program {
    // `person => expr` or `person => { … }`: an expression-bodied lambda names its parameter itself.
    if (this.#tok.kind === 'identifier' && this.#is('=>', this.#peek())) {
      if (parameter !== undefined) {
        throw new CSharpSyntaxError(`the parameter is named twice: "C#:${parameter}:" and the lambda "${this.#tok.text} =>"; keep one`, this.#tok.offset);
      }
      const name = this.#next().text;
      this.#next();
      const body = this.#is('{') ? this.#block() : this.#expressionBody();
      if (!this.#atEnd()) throw this.#unexpected('expected the end of the expression');
      return { parameter: name, body };
    }
    const body = this.#startsStatement() ? this.#statements(false) : this.#expressionBody();
    if (this.#tok.kind !== 'eof') throw this.#unexpected('expected the end of the expression');
    return { parameter, body };
  }

  /** A bare expression, with or without a final `;`, is its own return value. */
  #expressionBody(): Statement[] {
    const offset = this.#tok.offset;
    const value = this.#expression(0);
    if (this.#is(';')) this.#next();
    return [{ k: 'return', value, offset }];
  }

  #startsStatement(): boolean {
    const t = this.#tok;
    if (t.kind === 'keyword' && (['return', 'if', 'var'].includes(t.text) || Object.hasOwn(STATEMENT_KEYWORDS, t.text))) return true;
    if (this.#is('{')) return true;
    return this.#declarationAhead() || this.tokens.some((x) => x.kind === 'punct' && x.text === ';' && x !== this.tokens[this.tokens.length - 2]);
  }

  /** `string x =`, `DateTime? d =`, `Nullable<DateTime> d =`: a typed local declaration starts here. */
  #declarationAhead(): boolean {
    if (this.#tok.kind !== 'identifier' || !TYPE_NAMES.has(this.#tok.text)) return false;
    const save = this.#pos;
    try {
      this.#type();
      return this.#tok.kind === 'identifier' && this.#is('=', this.#peek());
    } catch {
      return false;
    } finally {
      this.#pos = save;
    }
  }

  #block(): Statement[] {
    this.#expect('{');
    const body = this.#statements(true);
    this.#expect('}', 'to close the block');
    return body;
  }

  #statements(inBlock: boolean): Statement[] {
    const out: Statement[] = [];
    while (this.#tok.kind !== 'eof' && !(inBlock && this.#is('}'))) out.push(...this.#statement());
    return out;
  }

  #statement(): Statement[] {
    const t = this.#tok;
    if (this.#is('{')) return this.#block();
    if (this.#is(';')) {
      this.#next();
      return [];
    }
    if (t.kind === 'keyword' && Object.hasOwn(STATEMENT_KEYWORDS, t.text)) throw new CSharpSyntaxError(`"${t.text}": ${STATEMENT_KEYWORDS[t.text]}`, t.offset);
    if (this.#is('return')) {
      this.#next();
      const value = this.#is(';') ? undefined : this.#expression(0);
      this.#expect(';', 'after the returned value');
      return [{ k: 'return', value, offset: t.offset }];
    }
    if (this.#is('if')) {
      this.#next();
      this.#expect('(', 'after if');
      const test = this.#expression(0);
      this.#expect(')', 'to close the condition of if');
      const then = this.#statement();
      let otherwise: Statement[] | undefined;
      if (this.#is('else')) {
        this.#next();
        otherwise = this.#statement();
      }
      return [{ k: 'if', test, then, otherwise, offset: t.offset }];
    }
    if (this.#is('var') || this.#declarationAhead()) {
      if (this.#is('var')) this.#next();
      else this.#type();
      const name = this.#tok;
      if (name.kind !== 'identifier') throw this.#unexpected('expected the name of the local variable');
      this.#next();
      this.#expect('=', `after "${name.text}": a local must be given its value where it is declared`);
      const init = this.#expression(0);
      this.#expect(';', 'after the declaration');
      return [{ k: 'declare', name: name.text, init, offset: name.offset }];
    }
    this.#expression(0);
    if (Object.hasOwn(REFUSED_OPERATORS, this.#tok.text) && this.#tok.kind === 'punct') throw this.#unexpected('');
    throw new CSharpSyntaxError(
      'a statement must be return, if/else or a local declaration (var x = …;); a call whose result is not used (such as logger.LogDebug) has no effect and is not in the subset',
      t.offset,
    );
  }

  #type(): TypeName {
    const t = this.#tok;
    if (t.kind !== 'identifier') throw this.#unexpected('expected a type name');
    let name = this.#next().text;
    while (this.#is('.') && this.#peek().kind === 'identifier') {
      this.#next();
      name += `.${this.#next().text}`;
    }
    const args: TypeName[] = [];
    if (this.#is('<')) {
      this.#next();
      args.push(this.#type());
      while (this.#is(',')) {
        this.#next();
        args.push(this.#type());
      }
      this.#expect('>', 'to close the type arguments');
    }
    let nullable = false;
    if (this.#is('?')) {
      this.#next();
      nullable = true;
    }
    return { name, args, nullable };
  }

  /** After `(`: a cast `(Type) operand` when a known type is followed by `)` and something an operand starts with. */
  #tryCast(): TypeName | undefined {
    if (this.#tok.kind !== 'identifier' || !TYPE_NAMES.has(this.#tok.text)) return undefined;
    const save = this.#pos;
    try {
      const type = this.#type();
      if (!this.#is(')')) throw new Error('not a cast');
      const after = this.#peek();
      const startsOperand =
        after.kind === 'identifier' || after.kind === 'int' || after.kind === 'string' || after.kind === 'interpolated' ||
        after.kind === 'char' || (after.kind === 'keyword' && ['true', 'false', 'null', 'new', 'default'].includes(after.text)) ||
        (after.kind === 'punct' && (after.text === '(' || after.text === '!'));
      if (!startsOperand) throw new Error('not a cast');
      this.#next();
      return type;
    } catch {
      this.#pos = save;
      return undefined;
    }
  }

  #expression(minBp: number): Node {
    if (++this.#depth > MAX_DEPTH) throw new CSharpSyntaxError(`the expression nests deeper than ${MAX_DEPTH} levels; simplify it`, this.#tok.offset);
    try {
      return this.#expressionAt(minBp);
    } finally {
      this.#depth--;
    }
  }

  #expressionAt(minBp: number): Node {
    let left = this.#prefix();
    for (;;) {
      const t = this.#tok;
      if (t.kind !== 'punct') break;
      if (Object.hasOwn(REFUSED_OPERATORS, t.text) && !Object.hasOwn(INFIX, t.text)) {
        if (t.text === '=>' || t.text === '=' || t.text.endsWith('=') || t.text === '++' || t.text === '--' || ['&', '|', '^', '<<'].includes(t.text)) {
          throw this.#unexpected('');
        }
        break;
      }
      const bp = Object.hasOwn(INFIX, t.text) ? INFIX[t.text]! : undefined;
      if (bp === undefined || bp < minBp) break;
      this.#next();
      if (t.text === '?') {
        const then = this.#expression(0);
        this.#expect(':', 'in a conditional a ? b : c');
        const otherwise = this.#expression(bp);
        left = { k: 'conditional', test: left, then, otherwise, offset: t.offset };
      } else if (t.text === '??') {
        left = { k: 'binary', op: '??', left, right: this.#expression(bp), offset: t.offset };
      } else {
        left = { k: 'binary', op: t.text, left, right: this.#expression(bp + 1), offset: t.offset };
      }
    }
    return left;
  }

  #prefix(): Node {
    const t = this.#tok;
    if (t.kind === 'punct' && (t.text === '!' || t.text === '-' || t.text === '+')) {
      this.#next();
      return { k: 'unary', op: t.text, operand: this.#expression(UNARY_BP), offset: t.offset };
    }
    return this.#postfix(this.#primary());
  }

  #primary(): Node {
    const t = this.#tok;
    switch (t.kind) {
      case 'int': {
        this.#next();
        const n = Number(t.text);
        if (!Number.isSafeInteger(n)) throw new CSharpSyntaxError(`${t.text} is outside the integers idflow computes with`, t.offset);
        return { k: 'literal', value: n, offset: t.offset };
      }
      case 'real':
        throw new CSharpSyntaxError(`"${t.text}": numbers with a fraction are not in the subset; idflow computes with integers`, t.offset);
      case 'string':
        this.#next();
        return { k: 'literal', value: t.text, offset: t.offset };
      case 'char':
        this.#next();
        return { k: 'literal', value: t.text, char: true, offset: t.offset };
      case 'interpolated': {
        this.#next();
        const parts = (t.parts ?? []).map((p) => {
          if ('text' in p) return p.text;
          // The hole's own tokens, offsets shifted to the expression text.
          const inner = new Parser(tokenize(p.source).map((x) => ({ ...x, offset: x.offset + p.offset })));
          const expr = inner.#expression(0);
          if (inner.#tok.kind !== 'eof') throw inner.#unexpected('expected "}" after the interpolated expression');
          return { expr, ...(p.format !== undefined ? { format: p.format } : {}) };
        });
        return { k: 'interpolated', parts, offset: t.offset };
      }
      case 'identifier':
        this.#next();
        return { k: 'name', name: t.text, offset: t.offset };
      case 'keyword':
        if (t.text === 'true' || t.text === 'false') {
          this.#next();
          return { k: 'literal', value: t.text === 'true', offset: t.offset };
        }
        if (t.text === 'null' || t.text === 'default') {
          this.#next();
          if (t.text === 'default' && this.#is('(')) throw new CSharpSyntaxError('default(T) is not in the subset; write null', t.offset);
          return { k: 'literal', value: null, offset: t.offset };
        }
        if (t.text === 'new') {
          this.#next();
          const type = this.#type();
          this.#expect('(', `after new ${type.name}`);
          return { k: 'new', type, args: this.#arguments(), offset: t.offset };
        }
        if (t.text === 'string') {
          // `string.IsNullOrEmpty(…)`: the keyword names the class System.String.
          this.#next();
          return { k: 'name', name: 'string', offset: t.offset };
        }
        throw new CSharpSyntaxError(`"${t.text}" is not in the subset`, t.offset);
      case 'punct':
        if (t.text === '(') {
          this.#next();
          const type = this.#tryCast();
          if (type) return { k: 'cast', type, operand: this.#expression(UNARY_BP), offset: t.offset };
          const inner = this.#expression(0);
          this.#expect(')', 'to close the parenthesis');
          return inner;
        }
        throw this.#unexpected('expected a value');
      default:
        throw this.#unexpected('expected a value');
    }
  }

  #arguments(): Node[] {
    const args: Node[] = [];
    if (this.#is(')')) {
      this.#next();
      return args;
    }
    for (;;) {
      if (this.#tok.kind === 'keyword' && (this.#tok.text === 'out' || this.#tok.text === 'ref')) {
        throw new CSharpSyntaxError(`"${this.#tok.text}" arguments are not in the subset`, this.#tok.offset);
      }
      if (this.#tok.kind === 'identifier' && this.#is('=>', this.#peek())) {
        throw new CSharpSyntaxError('lambdas passed to methods (LINQ such as Where(x => …)) are not in the subset', this.#tok.offset);
      }
      args.push(this.#expression(0));
      if (this.#is(')')) {
        this.#next();
        return args;
      }
      this.#expect(',', 'between arguments');
    }
  }

  #postfix(node: Node): Node {
    for (;;) {
      const t = this.#tok;
      if (this.#is('.') || this.#is('?.')) {
        this.#next();
        const name = this.#tok;
        if (name.kind !== 'identifier') throw this.#unexpected(`expected a member name after "${t.text}"`);
        this.#next();
        if (this.#is('<') && this.#peek().kind === 'identifier' && this.#is('>', this.#peek(2)) && this.#is('(', this.#peek(3))) {
          throw new CSharpSyntaxError(`generic methods such as ${name.text}<…>() are not in the subset`, name.offset);
        }
        node = { k: 'member', target: node, name: name.text, nullSafe: t.text === '?.', offset: name.offset };
      } else if (this.#is('(')) {
        this.#next();
        node = { k: 'call', callee: node, args: this.#arguments(), offset: t.offset };
      } else if (this.#is('[')) {
        this.#next();
        const index = this.#expression(0);
        this.#expect(']', 'to close the index');
        node = { k: 'index', target: node, index, nullSafe: false, offset: t.offset };
      } else if (this.#is('?') && this.#is('[', this.#peek())) {
        this.#next();
        this.#next();
        const index = this.#expression(0);
        this.#expect(']', 'to close the index');
        node = { k: 'index', target: node, index, nullSafe: true, offset: t.offset };
      } else if (this.#is('++') || this.#is('--')) {
        throw this.#unexpected('');
      } else return node;
    }
  }
}
