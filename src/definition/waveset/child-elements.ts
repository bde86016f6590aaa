import { compileExpressionBody, isXpressElementName } from '../../expression/index.js';
import type { LoadContext } from '../load-context.js';
import type { Expr } from '../model/expression.js';
import type { XmlElement } from '../xml/xml-element.js';
import { describeElement } from './attribute-types.js';
import { WavesetCodes } from './waveset-codes.js';

/** Reports `child` as an element `parent` does not define, naming what is allowed there. */
export function reportUnknownElement(
  child: XmlElement,
  parent: XmlElement,
  allowed: readonly string[],
  ctx: LoadContext,
  hint = '',
): void {
  ctx.diags.error(
    WavesetCodes.UNKNOWN_ELEMENT,
    `<${child.name}> is not allowed in ${describeElement(parent)}; allowed here: ${allowed.join(', ')}${hint ? `. ${hint}` : ''}`,
    child.location,
  );
}

/** Warns that a known Waveset element is skipped because idflow gives it no meaning. */
export function reportIgnoredElement(child: XmlElement, parent: XmlElement, ctx: LoadContext, why: string): void {
  ctx.diags.warning(
    WavesetCodes.IGNORED_ELEMENT,
    `<${child.name}> in ${describeElement(parent)} is ignored: ${why}`,
    child.location,
  );
}

/** Reports a second occurrence of an element that may appear once; true when `seen` already held one. */
export function reportIfRepeated(child: XmlElement, parent: XmlElement, seen: XmlElement | undefined, ctx: LoadContext): boolean {
  if (!seen) return false;
  ctx.diags.error(
    WavesetCodes.DUPLICATE_ELEMENT,
    `${describeElement(parent)} may hold one <${child.name}>; the first is at line ${seen.location.line}`,
    child.location,
  );
  return true;
}

/**
 * Reports text written directly in an element that holds only elements. Silently dropping it could change behaviour:
 * `<Transition to='x'>false</Transition>` would become an unconditional transition.
 */
export function reportStrayText(el: XmlElement, ctx: LoadContext): void {
  const t = el.text.trim();
  if (t === '') return;
  const shown = t.length > 40 ? `${t.slice(0, 40)}…` : t;
  ctx.diags.error(
    WavesetCodes.UNEXPECTED_TEXT,
    `text "${shown}" directly in ${describeElement(el)} is not allowed; values go in attributes or elements (a literal is <s>text</s> or <i>1</i>)`,
    el.location,
  );
}

/** Trimmed text of an element (`<Comments>`, `<Description>`, `<String>`). */
export function textOf(el: XmlElement): string {
  return el.text.trim();
}

/** The text of several `<Comments>` elements, joined by blank lines; undefined when there is none. */
export function joinTexts(els: readonly XmlElement[]): string | undefined {
  const parts = els.map(textOf).filter((t) => t !== '');
  return parts.length ? parts.join('\n\n') : undefined;
}

/** True when an element of this name may stand where an expression is expected (XPRESS or XML object). */
export function isExpressionElement(el: XmlElement): boolean {
  return isXpressElementName(el.name);
}

/**
 * Compiles the expression held in `kids` (children of `parent`) as the body of `parent`: a single expression, or an
 * implicit block of several. Other children of `parent` (comments, arguments, …) are left out of the body.
 */
export function compileBody(parent: XmlElement, kids: readonly XmlElement[], ctx: LoadContext): Expr | undefined {
  if (kids.length === 0) return undefined;
  // compileExpressionBody reads a container's children; give it a container that holds only the expression.
  const container: XmlElement = { ...parent, children: kids, text: '', mixed: false };
  return compileExpressionBody(container, ctx);
}

/**
 * Where a value may be given either as `<expression>…</expression>` or as XPRESS/XML-object children directly
 * (`<Variable>`, `<Argument>`): compiles whichever is present. `exprKids` are the children already sorted out by
 * the caller as expression material. Reports an `<expression>` next to other expressions, or an empty one.
 */
export function compileValueChildren(parent: XmlElement, exprKids: readonly XmlElement[], ctx: LoadContext): Expr | undefined {
  if (exprKids.length === 0) return undefined;
  const wrappers = exprKids.filter((k) => k.name === 'expression');
  if (wrappers.length > 0) {
    if (exprKids.length > 1) {
      const extra = exprKids.find((k) => k !== wrappers[0]) ?? exprKids[1]!;
      ctx.diags.error(
        WavesetCodes.DUPLICATE_ELEMENT,
        `${describeElement(parent)} may hold one <expression> and nothing else as its value; move <${extra.name}> inside the <expression>`,
        extra.location,
      );
    }
    return compileExpressionWrapper(wrappers[0]!, ctx);
  }
  return compileBody(parent, exprKids, ctx);
}

/** Compiles `<expression>…</expression>`; an empty one is DEF_MISSING_ELEMENT. */
export function compileExpressionWrapper(wrapper: XmlElement, ctx: LoadContext): Expr | undefined {
  if (wrapper.children.length === 0) {
    ctx.diags.error(
      WavesetCodes.MISSING_ELEMENT,
      `<expression> holds no expression; put an XPRESS element inside it (e.g. <ref>x</ref>)`,
      wrapper.location,
    );
    return undefined;
  }
  return compileExpressionBody(wrapper, ctx);
}
