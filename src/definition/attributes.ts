/**
 * Typed reading of XML attributes, shared by the Waveset and Netwrix readers so both dialects report the same
 * problems with the same codes and wording. Every reader reports a bad value at the attribute itself
 * (`DEF_BAD_VALUE`) and falls back to the default, so one pass over a file finds every problem.
 */
import type { LoadContext } from './load-context.js';
import { attrLocation, type XmlElement } from './xml/xml-element.js';

/** Which attributes an element may carry. */
export interface AttributeSpec {
  /** Attributes the reader acts on: names, or patterns for families such as `DisplayName_L1` … `_L16`. */
  readonly known: readonly (string | RegExp)[];
  /**
   * Attributes the dialect's references describe but idflow does not act on, with the reason: a warning says so,
   * where the error for an unknown attribute would otherwise stop the load.
   */
  readonly ignored?: Readonly<Record<string, string>>;
  /** Namespace declarations (`xmlns`, `xmlns:*`) are allowed (the Netwrix dialect declares one). */
  readonly namespaces?: boolean;
}

/** How an element is named in messages: `<Activity 'Approve'>`, or `<Activity>` when it has no name. */
export function describeElement(el: XmlElement): string {
  const name = el.attributes.get('name');
  return name ? `<${el.name} '${name}'>` : `<${el.name}>`;
}

const matches = (name: string, list: readonly (string | RegExp)[]): boolean =>
  list.some((k) => (typeof k === 'string' ? k === name : k.test(name)));

/** `DisplayName_L1…L16` for the pattern `^DisplayName_L(…)$`: patterns read as the family they stand for. */
const describeKnown = (list: readonly (string | RegExp)[]): string =>
  list.map((k) => (typeof k === 'string' ? k : k.source.replace(/^\^/, '').replace(/_L\(.*$/, '_L1…L16'))).join(', ');

/** Reports every attribute of `el` that is neither known nor ignored (error) and every ignored one (warning). */
export function checkAttributes(el: XmlElement, spec: AttributeSpec, ctx: LoadContext): void {
  for (const name of el.attributes.keys()) {
    if (matches(name, spec.known)) continue;
    if (spec.namespaces && (name === 'xmlns' || name.startsWith('xmlns:'))) continue;
    // Own keys only: an attribute called `constructor` is not a reason found on Object.prototype.
    if (spec.ignored && Object.hasOwn(spec.ignored, name)) {
      ctx.diags.warning('DEF_UNKNOWN_ATTRIBUTE', `<${el.name}> attribute ${name} is accepted but ignored: ${spec.ignored[name]}`, attrLocation(el, name));
      continue;
    }
    const allowed = [describeKnown(spec.known), ...Object.keys(spec.ignored ?? {})].filter((s) => s !== '').join(', ');
    ctx.diags.error(
      'DEF_UNKNOWN_ATTRIBUTE',
      `<${el.name}> has no attribute "${name}"; ${allowed ? `allowed: ${allowed}` : 'it takes no attributes'}`,
      attrLocation(el, name),
    );
  }
}

/**
 * The attribute's value; `DEF_MISSING_ATTRIBUTE` when it is absent (reported at the element) or blank (at the
 * attribute). `hint` says what the value should be.
 */
export function requireAttribute(el: XmlElement, name: string, ctx: LoadContext, hint = ''): string | undefined {
  const v = el.attributes.get(name);
  if (v === undefined || v.trim() === '') {
    ctx.diags.error(
      'DEF_MISSING_ATTRIBUTE',
      `${describeElement(el)} needs a${/^[aeiou]/i.test(name) ? 'n' : ''} ${name} attribute${hint ? ` (${hint})` : ''}`,
      v === undefined ? el.location : attrLocation(el, name),
    );
    return undefined;
  }
  return v;
}

function badValue(el: XmlElement, name: string, value: string, expected: string, ctx: LoadContext): void {
  ctx.diags.error('DEF_BAD_VALUE', `${name}='${value}' on <${el.name}> is not valid; expected ${expected}`, attrLocation(el, name));
}

/**
 * `true`/`false` in any case, and `1`/`0` too when `digits` is set (Netwrix files write both). Anything else is
 * `DEF_BAD_VALUE` and gives `fallback`.
 */
export function booleanAttribute(el: XmlElement, name: string, fallback: boolean, ctx: LoadContext, digits = false): boolean {
  const v = el.attributes.get(name);
  if (v === undefined) return fallback;
  const t = v.trim().toLowerCase();
  if (t === 'true' || (digits && t === '1')) return true;
  if (t === 'false' || (digits && t === '0')) return false;
  badValue(el, name, v, digits ? 'true, false, 1 or 0' : 'true or false', ctx);
  return fallback;
}

/** A whole number written in decimal with an optional sign, within the safe integer range; else undefined. */
export function parseInteger(v: string): number | undefined {
  const t = v.trim();
  if (!/^[+-]?\d{1,16}$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A whole number of at least `min` (when given); anything else is `DEF_BAD_VALUE` and gives `fallback`. */
export function integerAttribute(el: XmlElement, name: string, fallback: number, ctx: LoadContext, min?: number): number;
export function integerAttribute(el: XmlElement, name: string, fallback: number | undefined, ctx: LoadContext, min?: number): number | undefined;
export function integerAttribute(el: XmlElement, name: string, fallback: number | undefined, ctx: LoadContext, min?: number): number | undefined {
  const v = el.attributes.get(name);
  if (v === undefined) return fallback;
  const n = parseInteger(v);
  if (n === undefined || (min !== undefined && n < min)) {
    badValue(el, name, v, min === undefined ? 'a whole number' : `a whole number of at least ${min}`, ctx);
    return fallback;
  }
  return n;
}

/** One of `values` (matched without regard to case, returned as listed); anything else is `DEF_BAD_VALUE`. */
export function enumAttribute<T extends string>(el: XmlElement, name: string, values: readonly T[], fallback: T, ctx: LoadContext): T;
export function enumAttribute<T extends string>(el: XmlElement, name: string, values: readonly T[], fallback: T | undefined, ctx: LoadContext): T | undefined;
export function enumAttribute<T extends string>(el: XmlElement, name: string, values: readonly T[], fallback: T | undefined, ctx: LoadContext): T | undefined {
  const v = el.attributes.get(name);
  if (v === undefined) return fallback;
  const found = values.find((x) => x.toLowerCase() === v.trim().toLowerCase());
  if (found === undefined) {
    badValue(el, name, v, `one of ${values.join(', ')}`, ctx);
    return fallback;
  }
  return found;
}
