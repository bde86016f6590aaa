/**
 * What the Netwrix element readers add to the shared attribute reading (../attributes.ts): the localized
 * `_L1`…`_L16` families, and booleans that may be written `1`/`0` as Netwrix files do.
 */
import { booleanAttribute as sharedBoolean, checkAttributes as sharedCheck, type AttributeSpec } from '../attributes.js';
import type { LoadContext } from '../load-context.js';
import type { XmlElement } from '../xml/xml-element.js';

export { integerAttribute, requireAttribute, type AttributeSpec } from '../attributes.js';

/** `DisplayName_L1` … `DisplayName_L16` and the like. */
export const localized = (base: string): RegExp => new RegExp(`^${base}_L([1-9]|1[0-6])$`);

/** Reports unknown and ignored attributes; namespace declarations are always allowed in a configuration file. */
export function checkAttributes(el: XmlElement, spec: AttributeSpec, ctx: LoadContext): void {
  sharedCheck(el, { ...spec, namespaces: true }, ctx);
}

/** `true`/`false` (any case) or `1`/`0`; anything else is `DEF_BAD_VALUE` and yields the default. */
export function booleanAttribute(el: XmlElement, name: string, fallback: boolean, ctx: LoadContext): boolean {
  return sharedBoolean(el, name, fallback, ctx, true);
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
