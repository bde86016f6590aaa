/**
 * Entry point of the C# subset: `C#:person:return person.Vehicle_Requested;` → an XPRESS expression tree, or the
 * reason it is outside the subset with where it stands. docs/csharp-expressions.md documents the subset.
 */
import type { Expr } from '../../model/expression.js';
import { compileProgram } from './csharp-compile.js';
import { parseProgram } from './csharp-parser.js';
import { CSharpSyntaxError } from './csharp-tokens.js';

const PREFIX = /^\s*C#:/i;
/** `C#:person:` names the parameter; `C#:return …` has none. */
const PARAMETER = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:(?!:)/;

export type CSharpResult =
  | { readonly ok: true; readonly expr: Expr; readonly parameter: string | undefined }
  | { readonly ok: false; readonly message: string; /** 0-based offset in the whole attribute value. */ readonly offset: number };

/** True when an attribute value is a Netwrix C# expression. */
export function isCSharp(value: string): boolean {
  return PREFIX.test(value);
}

/**
 * Compiles one attribute value written `C#:[parameter:]body`. The parameter is bound at run time to the name
 * `parameterBinding` (the object at the aspect's ExpressionBinding, `record`).
 */
export function compileCSharp(value: string, parameterBinding = 'record'): CSharpResult {
  const prefix = PREFIX.exec(value);
  if (!prefix) return { ok: false, message: 'a C# expression starts with "C#:"', offset: 0 };
  let start = prefix[0].length;
  let parameter: string | undefined;
  const p = PARAMETER.exec(value.slice(start));
  if (p && p[1] !== 'return') {
    parameter = p[1];
    start += p[0].length;
  }
  const body = value.slice(start);
  try {
    const program = parseProgram(body, parameter);
    return { ok: true, expr: compileProgram(program, { parameterBinding }), parameter: program.parameter };
  } catch (err) {
    if (err instanceof CSharpSyntaxError) return { ok: false, message: err.message, offset: start + err.offset };
    if (err instanceof RangeError) return { ok: false, message: 'the expression nests too deeply', offset: start };
    throw err;
  }
}

/** `…text around the offset…`, for a diagnostic that says what was not understood. */
export function excerpt(value: string, offset: number): string {
  const flat = value.replace(/\s+/g, ' ');
  const from = Math.max(0, offset - 15);
  const text = flat.slice(from, offset + 25);
  return `${from > 0 ? '…' : ''}${text}${offset + 25 < flat.length ? '…' : ''}`;
}
