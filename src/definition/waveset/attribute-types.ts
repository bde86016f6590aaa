import {
  booleanAttribute,
  checkAttributes as checkKnownAttributes,
  enumAttribute,
  integerAttribute,
  requireAttribute,
} from '../attributes.js';
import type { LoadContext } from '../load-context.js';
import type { XmlElement } from '../xml/xml-element.js';

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

export { describeElement, parseInteger } from '../attributes.js';

/*
 * The typed readers below keep the Waveset readers' argument order (context before default); the checks and
 * messages are the ones both dialects share (../attributes.ts).
 */

/** Reports every attribute of `el` that is not in `allowed`. */
export function checkAttributes(el: XmlElement, allowed: readonly string[], ctx: LoadContext): void {
  checkKnownAttributes(el, { known: allowed }, ctx);
}

/** The attribute as written, or undefined. */
export function stringAttr(el: XmlElement, name: string): string | undefined {
  return el.attributes.get(name);
}

/** A required, non-blank attribute; reports DEF_MISSING_ATTRIBUTE when absent or blank. */
export function requiredAttr(el: XmlElement, name: string, ctx: LoadContext, why = ''): string | undefined {
  return requireAttribute(el, name, ctx, why);
}

/** `true`/`false` (any case); anything else is DEF_BAD_VALUE and gives `dflt`. */
export function booleanAttr(el: XmlElement, name: string, ctx: LoadContext, dflt: boolean): boolean {
  return booleanAttribute(el, name, dflt, ctx);
}

/** A whole number at least `min`; anything else is DEF_BAD_VALUE and gives `dflt`. */
export function integerAttr(el: XmlElement, name: string, ctx: LoadContext, dflt: number, min?: number): number;
export function integerAttr(el: XmlElement, name: string, ctx: LoadContext, dflt: undefined, min?: number): number | undefined;
export function integerAttr(el: XmlElement, name: string, ctx: LoadContext, dflt: number | undefined, min?: number): number | undefined {
  return integerAttribute(el, name, dflt, ctx, min);
}

/** One of `values` (matched without regard to case, returned as listed); anything else is DEF_BAD_VALUE. */
export function enumAttr<T extends string>(el: XmlElement, name: string, values: readonly T[], ctx: LoadContext, dflt: T): T;
export function enumAttr<T extends string>(el: XmlElement, name: string, values: readonly T[], ctx: LoadContext, dflt: undefined): T | undefined;
export function enumAttr<T extends string>(el: XmlElement, name: string, values: readonly T[], ctx: LoadContext, dflt: T | undefined): T | undefined {
  return enumAttribute(el, name, values, dflt, ctx);
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
