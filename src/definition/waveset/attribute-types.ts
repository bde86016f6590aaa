import type { LoadContext } from '../load-context.js';
import { attrLocation, type XmlElement } from '../xml/xml-element.js';
import { WavesetCodes } from './waveset-codes.js';

/**
 * Typed reading of Waveset attributes. Every reader reports a bad value at the attribute itself and falls back
 * to the default, so one pass over a file finds every problem.
 */

/**
 * Attributes Waveset writes on every repository object (TaskDefinition, Configuration, Rule, TaskSchedule).
 * idflow keeps them as written and gives them no meaning.
 */
export const REPOSITORY_ATTRIBUTES = [
  'id',
  'createDate',
  'creator',
  'lastModifier',
  'lastModDate',
  'lastMod',
  'repoMod',
  'primaryObjectClass',
  'authType',
  'extensionClass',
  'description',
  'displayName',
  'subtype',
  'wstype',
  'MemberObjectGroups',
] as const;

/** How an element is named in messages: `<Activity 'Approve'>`, or `<Activity>` when it has no name. */
export function describeElement(el: XmlElement): string {
  const name = el.attributes.get('name');
  return name ? `<${el.name} '${name}'>` : `<${el.name}>`;
}

/** Reports every attribute of `el` that is not in `allowed`. */
export function checkAttributes(el: XmlElement, allowed: readonly string[], ctx: LoadContext): void {
  for (const name of el.attributes.keys()) {
    if (!allowed.includes(name)) {
      ctx.diags.error(
        WavesetCodes.UNKNOWN_ATTRIBUTE,
        `<${el.name}> has no attribute "${name}"; allowed: ${allowed.join(', ')}`,
        attrLocation(el, name),
      );
    }
  }
}

/** The attribute as written, or undefined. */
export function stringAttr(el: XmlElement, name: string): string | undefined {
  return el.attributes.get(name);
}

/** A required, non-blank attribute; reports DEF_MISSING_ATTRIBUTE at the element when absent. */
export function requiredAttr(el: XmlElement, name: string, ctx: LoadContext, why = ''): string | undefined {
  const v = el.attributes.get(name);
  if (v === undefined || v.trim() === '') {
    ctx.diags.error(
      WavesetCodes.MISSING_ATTRIBUTE,
      `${describeElement(el)} needs a${/^[aeiou]/i.test(name) ? 'n' : ''} ${name} attribute${why ? ` (${why})` : ''}`,
      v === undefined ? el.location : attrLocation(el, name),
    );
    return undefined;
  }
  return v;
}

function badValue(el: XmlElement, name: string, value: string, expected: string, ctx: LoadContext): void {
  ctx.diags.error(
    WavesetCodes.BAD_VALUE,
    `${name}='${value}' on <${el.name}> is not valid; expected ${expected}`,
    attrLocation(el, name),
  );
}

/** `true`/`false` (any case); anything else is DEF_BAD_VALUE and gives `dflt`. */
export function booleanAttr(el: XmlElement, name: string, ctx: LoadContext, dflt: boolean): boolean {
  const v = el.attributes.get(name);
  if (v === undefined) return dflt;
  const t = v.trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  badValue(el, name, v, 'true or false', ctx);
  return dflt;
}

/** Parses a whole number written in decimal, with an optional sign. */
export function parseInteger(v: string): number | undefined {
  const t = v.trim();
  if (!/^[+-]?\d{1,15}$/.test(t)) return undefined;
  return Number(t);
}

/** A whole number at least `min`; anything else is DEF_BAD_VALUE and gives `dflt`. */
export function integerAttr(el: XmlElement, name: string, ctx: LoadContext, dflt: number, min?: number): number;
export function integerAttr(el: XmlElement, name: string, ctx: LoadContext, dflt: undefined, min?: number): number | undefined;
export function integerAttr(el: XmlElement, name: string, ctx: LoadContext, dflt: number | undefined, min?: number): number | undefined {
  const v = el.attributes.get(name);
  if (v === undefined) return dflt;
  const n = parseInteger(v);
  if (n === undefined || (min !== undefined && n < min)) {
    badValue(el, name, v, min === undefined ? 'a whole number' : `a whole number of at least ${min}`, ctx);
    return dflt;
  }
  return n;
}

/** One of `values` (matched without regard to case, returned as listed); anything else is DEF_BAD_VALUE. */
export function enumAttr<T extends string>(el: XmlElement, name: string, values: readonly T[], ctx: LoadContext, dflt: T): T;
export function enumAttr<T extends string>(el: XmlElement, name: string, values: readonly T[], ctx: LoadContext, dflt: undefined): T | undefined;
export function enumAttr<T extends string>(el: XmlElement, name: string, values: readonly T[], ctx: LoadContext, dflt: T | undefined): T | undefined {
  const v = el.attributes.get(name);
  if (v === undefined) return dflt;
  const found = values.find((x) => x.toLowerCase() === v.trim().toLowerCase());
  if (found === undefined) {
    badValue(el, name, v, `one of ${values.join(', ')}`, ctx);
    return dflt;
  }
  return found;
}

/** Attributes of `el` not in `exclude`, as a plain record (attribute order kept). */
export function otherAttributes(el: XmlElement, exclude: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of el.attributes) if (!exclude.includes(k)) out[k] = v;
  return out;
}

/**
 * A copy of `o` without the keys whose value is undefined. The model is plain JSON, and an undefined-valued key
 * would not survive `JSON.stringify`, so the round trip would not give back an equal object.
 */
export function compact<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
