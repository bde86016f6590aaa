/**
 * The tokeniser of the C# subset (docs/csharp-expressions.md). It knows C#'s literal and operator syntax well
 * enough to say precisely what it does not accept; what the subset means is decided by the parser and compiler.
 */

export type TokenKind = 'identifier' | 'keyword' | 'int' | 'real' | 'string' | 'interpolated' | 'char' | 'punct' | 'eof';

/** One piece of an interpolated string: literal text, or an expression's source with its offset. */
export type InterpolationPart = { readonly text: string } | { readonly source: string; readonly offset: number; readonly format?: string };

export interface Token {
  readonly kind: TokenKind;
  /** Identifier or keyword name, operator text, or the decoded value of a string or char literal. */
  readonly text: string;
  /** Offset of the token in the expression text (0-based). */
  readonly offset: number;
  readonly parts?: readonly InterpolationPart[];
}

/** A place in the expression text that the subset does not understand. */
export class CSharpSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export const KEYWORDS = new Set([
  'return', 'if', 'else', 'var', 'true', 'false', 'null', 'new', 'default', 'is', 'as', 'typeof',
  'for', 'foreach', 'while', 'do', 'switch', 'case', 'break', 'continue', 'goto', 'throw', 'try', 'catch', 'finally',
  'using', 'lock', 'unsafe', 'fixed', 'checked', 'unchecked', 'await', 'yield', 'delegate', 'stackalloc', 'sizeof',
  'class', 'struct', 'static', 'this', 'base', 'out', 'ref', 'in',
]);

// Longest first, so that `??` wins over `?` and `=>` over `=`.
const PUNCTUATION = [
  '??=', '<<=', '>>=', '...',
  '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '=>', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<', '::',
  '+', '-', '*', '/', '%', '<', '>', '!', '?', ':', '.', ',', ';', '(', ')', '[', ']', '{', '}', '=', '&', '|', '^', '~', '@', '#',
];

const isIdentStart = (c: string): boolean => /[A-Za-z_]/.test(c);
const isIdentPart = (c: string): boolean => /[A-Za-z0-9_]/.test(c);

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const escape = (at: number): [string, number] => {
    const c = src[at + 1];
    if (c === undefined) throw new CSharpSyntaxError('the text ends inside an escape sequence', at);
    if (Object.hasOwn(ESCAPES, c)) return [ESCAPES[c]!, at + 2];
    if (c === 'u') {
      const hex = src.slice(at + 2, at + 6);
      if (!/^[0-9A-Fa-f]{4}$/.test(hex)) throw new CSharpSyntaxError(`"\\u${hex}" is not a \\uXXXX escape`, at);
      return [String.fromCharCode(parseInt(hex, 16)), at + 6];
    }
    throw new CSharpSyntaxError(`"\\${c}" is not an escape sequence`, at);
  };
  /** A regular "…" string from the quote at `start`; returns the text and the offset after the closing quote. */
  const quoted = (start: number, verbatim: boolean): [string, number] => {
    let j = start + 1;
    let text = '';
    for (;;) {
      const c = src[j];
      if (c === undefined) throw new CSharpSyntaxError('a string is not closed', start);
      if (c === '"') {
        if (verbatim && src[j + 1] === '"') {
          text += '"';
          j += 2;
          continue;
        }
        return [text, j + 1];
      }
      if (c === '\\' && !verbatim) {
        const [t, next] = escape(j);
        text += t;
        j = next;
        continue;
      }
      text += c;
      j++;
    }
  };
  /** `$"…{expr[:format]}…"` from the quote at `start`. */
  const interpolated = (start: number): [InterpolationPart[], number] => {
    const parts: InterpolationPart[] = [];
    let j = start + 1;
    let text = '';
    for (;;) {
      const c = src[j];
      if (c === undefined) throw new CSharpSyntaxError('an interpolated string is not closed', start);
      if (c === '"') {
        if (text) parts.push({ text });
        return [parts, j + 1];
      }
      if ((c === '{' && src[j + 1] === '{') || (c === '}' && src[j + 1] === '}')) {
        text += c;
        j += 2;
        continue;
      }
      if (c === '}') throw new CSharpSyntaxError('a "}" in an interpolated string must be written "}}"', j);
      if (c === '\\') {
        const [t, next] = escape(j);
        text += t;
        j = next;
        continue;
      }
      if (c !== '{') {
        text += c;
        j++;
        continue;
      }
      if (text) parts.push({ text });
      text = '';
      // The hole runs to the matching "}", skipping nested strings and brackets.
      let depth = 0;
      let k = j + 1;
      let colon = -1;
      for (;; k++) {
        const d = src[k];
        if (d === undefined) throw new CSharpSyntaxError('a "{" in an interpolated string is not closed', j);
        if (d === '"') {
          k = quoted(k, false)[1] - 1;
          continue;
        }
        if (d === '(' || d === '[' || d === '{') depth++;
        else if (d === ')' || d === ']') depth--;
        else if (d === '}') {
          if (depth === 0) break;
          depth--;
        } else if (d === ':' && depth === 0 && colon < 0 && src[k - 1] !== '?' && src[k + 1] !== ':') colon = k;
        else if (d === '?' && depth === 0) colon = -2; // a conditional: its ":" is not a format
      }
      const end = colon >= 0 ? colon : k;
      const source = src.slice(j + 1, end);
      if (source.trim() === '') throw new CSharpSyntaxError('an interpolated string has an empty "{}"', j);
      parts.push({ source, offset: j + 1, ...(colon >= 0 ? { format: src.slice(colon + 1, k) } : {}) });
      j = k + 1;
    }
  };

  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new CSharpSyntaxError('a /* comment is not closed', i);
      i = end + 2;
      continue;
    }
    const start = i;
    if (isIdentStart(c)) {
      while (i < src.length && isIdentPart(src[i]!)) i++;
      const word = src.slice(start, i);
      out.push({ kind: KEYWORDS.has(word) ? 'keyword' : 'identifier', text: word, offset: start });
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^(0[xX][0-9A-Fa-f_]+|[0-9][0-9_]*(\.[0-9][0-9_]*)?([eE][+-]?[0-9]+)?)([uUlLfFdDmM]{0,2})/.exec(src.slice(i))!;
      const digits = m[1]!.replace(/_/g, '');
      const real = m[2] !== undefined || m[3] !== undefined || /[fFdDmM]/.test(m[4]!);
      out.push({ kind: real ? 'real' : 'int', text: digits, offset: start });
      i += m[0].length;
      continue;
    }
    if (c === '"' || (c === '@' && src[i + 1] === '"')) {
      const [text, next] = quoted(c === '@' ? i + 1 : i, c === '@');
      out.push({ kind: 'string', text, offset: start });
      i = next;
      continue;
    }
    if (c === '$' && src[i + 1] === '"') {
      const [parts, next] = interpolated(i + 1);
      out.push({ kind: 'interpolated', text: src.slice(start, next), offset: start, parts });
      i = next;
      continue;
    }
    if (c === '$' || (c === '@' && src[i + 1] === '$') || (c === '$' && src[i + 1] === '@')) {
      throw new CSharpSyntaxError('only $"…" interpolated strings are in the subset (not $@"…" or raw strings)', i);
    }
    if (c === "'") {
      let text: string;
      let next: number;
      if (src[i + 1] === '\\') [text, next] = escape(i + 1);
      else [text, next] = [src[i + 1] ?? '', i + 2];
      if (src[next] !== "'" || text === '') throw new CSharpSyntaxError('a character literal holds one character between single quotes', i);
      out.push({ kind: 'char', text, offset: start });
      i = next + 1;
      continue;
    }
    const p = PUNCTUATION.find((q) => src.startsWith(q, i));
    if (!p) throw new CSharpSyntaxError(`"${c}" is not C# syntax`, i);
    out.push({ kind: 'punct', text: p, offset: start });
    i += p.length;
  }
  out.push({ kind: 'eof', text: '', offset: src.length });
  return out;
}
