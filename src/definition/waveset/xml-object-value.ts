import type { LoadContext } from '../load-context.js';
import { attrLocation, type XmlElement } from '../xml/xml-element.js';
import { checkAttributes, parseInteger } from './attribute-types.js';
import { reportUnknownElement, textOf } from './child-elements.js';
import { WavesetCodes } from './waveset-codes.js';

/** A value of Waveset's XML object language as plain JSON. */
export type XmlObjectValue = string | number | boolean | null | XmlObjectValue[] | { [key: string]: XmlObjectValue };

const XML_OBJECT_ELEMENTS = ['String', 'Integer', 'Long', 'Boolean', 'Date', 'List', 'Map', 'null'] as const;

/**
 * Converts static data written in the XML object language (`<String>`, `<Integer>`, `<Long>`, `<Boolean>`,
 * `<Date>` kept as written, `<List>`, `<Map><MapEntry key value/>`, `<null/>`) into plain JSON. Used where a
 * value is data rather than an expression to evaluate (a TaskSchedule's initial variables).
 */
export function readXmlObjectValue(el: XmlElement, ctx: LoadContext): XmlObjectValue | undefined {
  switch (el.name) {
    case 'String':
    case 'Date':
      checkAttributes(el, [], ctx);
      return el.text;
    case 'Integer':
    case 'Long': {
      checkAttributes(el, [], ctx);
      const n = parseInteger(el.text);
      if (n === undefined) {
        ctx.diags.error(WavesetCodes.BAD_VALUE, `<${el.name}>${textOf(el)}</${el.name}> is not a whole number`, el.location);
        return undefined;
      }
      return n;
    }
    case 'Boolean': {
      checkAttributes(el, [], ctx);
      const t = textOf(el).toLowerCase();
      if (t !== 'true' && t !== 'false') {
        ctx.diags.error(WavesetCodes.BAD_VALUE, `<Boolean>${textOf(el)}</Boolean> must be true or false`, el.location);
        return undefined;
      }
      return t === 'true';
    }
    case 'null':
      checkAttributes(el, [], ctx);
      return null;
    case 'List':
      checkAttributes(el, [], ctx);
      return el.children.map((c) => readXmlObjectValue(c, ctx)).filter((v): v is XmlObjectValue => v !== undefined);
    case 'Map':
      checkAttributes(el, [], ctx);
      return readMap(el, ctx);
    default:
      return undefined;
  }
}

/** True for the element names {@link readXmlObjectValue} understands. */
export function isXmlObjectElement(el: XmlElement): boolean {
  return (XML_OBJECT_ELEMENTS as readonly string[]).includes(el.name);
}

/** `<Map><MapEntry key='k' value='v'/><MapEntry key='k2'><List>…</List></MapEntry></Map>`. */
export function readMap(el: XmlElement, ctx: LoadContext): Record<string, XmlObjectValue> {
  const out: Record<string, XmlObjectValue> = {};
  for (const entry of el.children) {
    if (entry.name !== 'MapEntry') {
      reportUnknownElement(entry, el, ['MapEntry'], ctx);
      continue;
    }
    checkAttributes(entry, ['key', 'value'], ctx);
    const key = entry.attributes.get('key');
    if (key === undefined) {
      ctx.diags.error(WavesetCodes.MISSING_ATTRIBUTE, `<MapEntry> needs a key attribute`, entry.location);
      continue;
    }
    if (key === '__proto__') {
      // Assigned into a plain object it would replace the map's prototype, and the entry would vanish.
      ctx.diags.error(WavesetCodes.BAD_VALUE, `<MapEntry key='__proto__'> is refused: __proto__ cannot be a map key`, attrLocation(entry, 'key'));
      continue;
    }
    const attrValue = entry.attributes.get('value');
    const [first, ...rest] = entry.children;
    for (const extra of rest) reportUnknownElement(extra, entry, ['one value element'], ctx);
    if (first && attrValue !== undefined) {
      ctx.diags.error(WavesetCodes.BAD_VALUE, `<MapEntry key='${key}'> has both a value attribute and a value element; keep one`, first.location);
    }
    let value: XmlObjectValue | undefined = attrValue ?? null;
    if (first) {
      if (isXmlObjectElement(first)) value = readXmlObjectValue(first, ctx);
      else reportUnknownElement(first, entry, XML_OBJECT_ELEMENTS, ctx, 'initial values are static data, not XPRESS');
    }
    if (value !== undefined) out[key] = value;
  }
  return out;
}
