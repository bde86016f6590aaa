/**
 * Attribute reading shared by the Netwrix element readers: which attributes an element may carry, typed values
 * with `DEF_BAD_VALUE`, required ones with `DEF_MISSING_ATTRIBUTE`, and localized `_L1`…`_L16` families.
 */
import type { LoadContext } from '../load-context.js';
import { attrLocation, type XmlElement } from '../xml/xml-element.js';

/** `DisplayName_L1` … `DisplayName_L16` and the like. */
export const localized = (base: string): RegExp => new RegExp(`^${base}_L([1-9]|1[0-6])$`);

export interface AttributeSpec {
  /** Attributes idflow reads. */
  readonly known: readonly (string | RegExp)[];
  /**
   * Attributes the Netwrix references describe but idflow does not act on: a warning says so, the value is kept
   * where the model has room for it.
   */
  readonly ignored?: Readonly<Record<string, string>>;
}

const matches = (name: string, list: readonly (string | RegExp)[]): boolean =>
  list.some((k) => (typeof k === 'string' ? k === name : k.test(name)));

const describe = (list: readonly (string | RegExp)[]): string =>
  list.map((k) => (typeof k === 'string' ? k : k.source.replace(/^\^/, '').replace(/_L\(.*$/, '_L1…L16'))).join(', ');

/**
 * Reports every attribute of `el` that is neither known nor ignored (error) and every ignored one (warning).
 * Namespace declarations are always allowed.
 */
export function checkAttributes(el: XmlElement, spec: AttributeSpec, ctx: LoadContext): void {
  for (const name of el.attributes.keys()) {
    if (name === 'xmlns' || name.startsWith('xmlns:') || matches(name, spec.known)) continue;
    const why = spec.ignored?.[name];
    if (why !== undefined) {
      ctx.diags.warning('DEF_UNKNOWN_ATTRIBUTE', `<${el.name}> attribute ${name} is accepted but ignored: ${why}`, attrLocation(el, name));
    } else {
      ctx.diags.error(
        'DEF_UNKNOWN_ATTRIBUTE',
        `<${el.name}> has no attribute ${name}; allowed: ${describe(spec.known)}${spec.ignored ? `, ${Object.keys(spec.ignored).join(', ')}` : ''}`,
        attrLocation(el, name),
      );
    }
  }
}

/** The attribute's value, or an error naming it when absent or empty. */
export function requireAttribute(el: XmlElement, name: string, ctx: LoadContext, what = ''): string | undefined {
  const v = el.attributes.get(name);
  if (v === undefined || v.trim() === '') {
    ctx.diags.error('DEF_MISSING_ATTRIBUTE', `<${el.name}> needs ${name}${what ? ` (${what})` : ''}`, el.location);
    return undefined;
  }
  return v;
}

/**
 * A boolean attribute: `true`/`false` (any case) or `1`/`0`, as Netwrix files write them. Anything else is
 * `DEF_BAD_VALUE` and yields the default.
 */
export function booleanAttribute(el: XmlElement, name: string, fallback: boolean, ctx: LoadContext): boolean {
  const v = el.attributes.get(name);
  if (v === undefined) return fallback;
  const t = v.trim().toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  ctx.diags.error('DEF_BAD_VALUE', `<${el.name}> ${name}="${v}" is not a boolean; write true, false, 1 or 0`, attrLocation(el, name));
  return fallback;
}

/** An integer attribute (may be negative). Anything else is `DEF_BAD_VALUE` and yields the default. */
export function integerAttribute(el: XmlElement, name: string, fallback: number, ctx: LoadContext): number {
  const v = el.attributes.get(name);
  if (v === undefined) return fallback;
  if (!/^\s*[+-]?\d+\s*$/.test(v) || !Number.isSafeInteger(Number(v))) {
    ctx.diags.error('DEF_BAD_VALUE', `<${el.name}> ${name}="${v}" is not an integer`, attrLocation(el, name));
    return fallback;
  }
  return Number(v);
}

/** `{ L1: …, L2: … }` from `<base>_L1` … `<base>_L16`, in language order. */
export function localizedValues(el: XmlElement, base: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; i <= 16; i++) {
    const v = el.attributes.get(`${base}_L${i}`);
    if (v !== undefined) out[`L${i}`] = v;
  }
  return out;
}
