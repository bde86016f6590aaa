import type { Expr } from '../definition/model/expression.js';

/**
 * An expression written back as compact XPRESS (`<eq><ref>decision</ref><s>approve</s></eq>`), the form
 * Waveset administrators read, cut to `max` characters for one-line summaries.
 */
export function formatExpr(expr: Expr, max = 100): string {
  const text = render(expr);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function render(e: Expr): string {
  const attrs = Object.entries(e.attrs ?? {})
    .map(([k, v]) => ` ${k}='${escape(v)}'`)
    .join('');
  const inner = `${e.text !== undefined ? escape(e.text) : ''}${(e.args ?? []).map(render).join('')}`;
  return inner === '' ? `<${e.op}${attrs}/>` : `<${e.op}${attrs}>${inner}</${e.op}>`;
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&apos;');
}
