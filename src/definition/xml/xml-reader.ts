import { SaxesParser } from 'saxes';
import type { DiagnosticBag, SourceLocation } from '../diagnostic.js';
import type { XmlElement } from './xml-element.js';

/**
 * Limits that keep hostile files from hanging or exhausting the process. Defaults suit real
 * workflow files (the largest stock Waveset files are a few hundred KB).
 */
export interface XmlReadLimits {
  /** Largest accepted file, in bytes. @default 8 MiB */
  maxBytes?: number;
  /** Deepest element nesting. @default 200 */
  maxDepth?: number;
  /** Most elements in one file. @default 250000 */
  maxElements?: number;
  /** Most attributes on one element. @default 256 */
  maxAttributes?: number;
}

const DEFAULT_LIMITS: Required<XmlReadLimits> = {
  maxBytes: 8 * 1024 * 1024,
  maxDepth: 200,
  maxElements: 250_000,
  maxAttributes: 256,
};

/** Diagnostic codes raised while reading XML. Documented in docs/errors.md. */
export const XmlCodes = {
  TOO_LARGE: 'XML_TOO_LARGE',
  ENCODING: 'XML_ENCODING',
  MALFORMED: 'XML_MALFORMED',
  EMPTY: 'XML_EMPTY',
  TOO_DEEP: 'XML_TOO_DEEP',
  TOO_MANY_ELEMENTS: 'XML_TOO_MANY_ELEMENTS',
  TOO_MANY_ATTRIBUTES: 'XML_TOO_MANY_ATTRIBUTES',
  DTD_INTERNAL_SUBSET: 'XML_DTD_INTERNAL_SUBSET',
  ENTITY_DECLARATION: 'XML_ENTITY_DECLARATION',
  EXTERNAL_ENTITY: 'XML_EXTERNAL_ENTITY',
  UNDEFINED_ENTITY: 'XML_UNDEFINED_ENTITY',
  PROCESSING_INSTRUCTION: 'XML_PROCESSING_INSTRUCTION',
} as const;

class StopParsing extends Error {}

interface Building {
  name: string;
  attributes: Map<string, string>;
  attributeLocations: Map<string, SourceLocation>;
  children: XmlElement[];
  text: string;
  hasElementChild: boolean;
  mixed: boolean;
  location: SourceLocation;
}

/**
 * Reads an XML document into an {@link XmlElement} tree, reporting problems into `diags`.
 * Returns undefined when the document cannot be used at all.
 *
 * Safety: no DTD is ever read or fetched. A DOCTYPE naming an external DTD (as Waveset's
 * `<!DOCTYPE Waveset PUBLIC 'waveset.dtd' 'waveset.dtd'>`) is accepted and ignored. An internal subset is
 * refused (`XML_DTD_INTERNAL_SUBSET`, or `XML_ENTITY_DECLARATION` / `XML_EXTERNAL_ENTITY` when it declares
 * entities), so no entity is ever expanded beyond the five predefined ones and character references:
 * entity expansion is bounded by construction, and "billion laughs" style files fail at once.
 */
export function readXml(
  input: string | Uint8Array,
  file: string,
  diags: DiagnosticBag,
  limits: XmlReadLimits = {},
): XmlElement | undefined {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  const at = (line = 1, column = 1): SourceLocation => ({ file, line, column });

  const byteLength = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (byteLength > lim.maxBytes) {
    diags.error(
      XmlCodes.TOO_LARGE,
      `file is ${byteLength} bytes; the limit is ${lim.maxBytes} bytes`,
      at(),
    );
    return undefined;
  }
  const text = typeof input === 'string' ? input : decode(input, file, diags);
  if (text === undefined) return undefined;
  if (text.trim() === '') {
    diags.error(XmlCodes.EMPTY, 'file is empty; expected an XML document', at());
    return undefined;
  }

  const parser = new SaxesParser({ position: true, fileName: file });
  const stack: Building[] = [];
  let root: XmlElement | undefined;
  let elementCount = 0;
  let failed = false;
  let tagStart: SourceLocation = at();
  const pendingAttributeLocations = new Map<string, SourceLocation>();

  const fail = (code: string, message: string, loc: SourceLocation): never => {
    diags.error(code, message, loc);
    failed = true;
    throw new StopParsing();
  };
  const here = (): SourceLocation => at(parser.line, parser.column + 1);

  parser.on('doctype', (doctype) => {
    if (doctype.includes('[')) {
      const subset = doctype.slice(doctype.indexOf('['));
      if (/<!ENTITY[^>]*\b(SYSTEM|PUBLIC)\b/.test(subset)) {
        fail(XmlCodes.EXTERNAL_ENTITY, 'external entities are never resolved; remove the <!ENTITY … SYSTEM> declaration', here());
      }
      if (/<!ENTITY/.test(subset)) {
        fail(XmlCodes.ENTITY_DECLARATION, 'entity declarations are not allowed; idflow expands only the five predefined XML entities', here());
      }
      fail(XmlCodes.DTD_INTERNAL_SUBSET, 'a DOCTYPE with an internal subset is not allowed; a DOCTYPE that only names a DTD is accepted and never fetched', here());
    }
  });
  parser.on('processinginstruction', (pi) => {
    diags.warning(XmlCodes.PROCESSING_INSTRUCTION, `processing instruction <?${pi.target} …?> is ignored`, here());
  });
  parser.on('opentagstart', (tag) => {
    // Called once the character after the name has been read: step back over "<name" and that character.
    tagStart = at(parser.line, Math.max(1, parser.column - tag.name.length - 1));
  });
  parser.on('opentag', (tag) => {
    elementCount++;
    if (elementCount > lim.maxElements) {
      fail(XmlCodes.TOO_MANY_ELEMENTS, `more than ${lim.maxElements} elements`, tagStart);
    }
    if (stack.length + 1 > lim.maxDepth) {
      fail(XmlCodes.TOO_DEEP, `elements are nested more than ${lim.maxDepth} deep`, tagStart);
    }
    const names = Object.keys(tag.attributes);
    if (names.length > lim.maxAttributes) {
      fail(XmlCodes.TOO_MANY_ATTRIBUTES, `<${tag.name}> has ${names.length} attributes; the limit is ${lim.maxAttributes}`, tagStart);
    }
    const attributes = new Map<string, string>();
    const attributeLocations = new Map<string, SourceLocation>();
    for (const n of names) {
      attributes.set(n, String(tag.attributes[n]));
      attributeLocations.set(n, pendingAttributeLocations.get(n) ?? tagStart);
    }
    pendingAttributeLocations.clear();
    const parent = stack[stack.length - 1];
    if (parent) {
      parent.hasElementChild = true;
      if (parent.text.trim() !== '') parent.mixed = true;
    }
    stack.push({
      name: tag.name,
      attributes,
      attributeLocations,
      children: [],
      text: '',
      hasElementChild: false,
      mixed: false,
      location: tagStart,
    });
  });
  parser.on('attribute', (a) => {
    // Attribute events come before opentag (saxes keeps one handler per event); remember where each
    // attribute started so a diagnostic about one attribute points at it.
    pendingAttributeLocations.set(a.name, at(parser.line, Math.max(1, parser.column - a.name.length - a.value.length - 2)));
  });
  const onText = (t: string): void => {
    const top = stack[stack.length - 1];
    if (!top) return;
    if (top.hasElementChild && t.trim() !== '') top.mixed = true;
    top.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const b = stack.pop();
    if (!b) return;
    const el: XmlElement = Object.freeze({
      name: b.name,
      attributes: b.attributes,
      attributeLocations: b.attributeLocations,
      children: Object.freeze(b.children),
      text: b.text,
      mixed: b.mixed,
      location: b.location,
    });
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root = el;
  });
  parser.on('error', (err) => {
    const message = err.message.replace(/^[^:]*:\d+:\d+: /, '').replace(/\.$/, '');
    if (/undefined entity/i.test(message)) {
      fail(XmlCodes.UNDEFINED_ENTITY, `${message}; only &lt; &gt; &amp; &quot; &apos; and character references are allowed`, here());
    }
    fail(XmlCodes.MALFORMED, message, here());
  });

  try {
    parser.write(text).close();
  } catch (e) {
    if (!(e instanceof StopParsing)) {
      diags.error(XmlCodes.MALFORMED, e instanceof Error ? e.message : String(e), here());
    }
    return undefined;
  }
  if (failed) return undefined;
  if (!root) {
    diags.error(XmlCodes.EMPTY, 'no root element', at());
    return undefined;
  }
  return root;
}

function decode(bytes: Uint8Array, file: string, diags: DiagnosticBag): string | undefined {
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe)) {
    diags.error(XmlCodes.ENCODING, 'UTF-16 files are not supported; save the file as UTF-8', { file, line: 1, column: 1 });
    return undefined;
  }
  const head = Buffer.from(bytes.subarray(start, Math.min(bytes.length, start + 200))).toString('latin1');
  const declared = /^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
  if (declared && ['iso-8859-1', 'latin1', 'latin-1', 'windows-1252', 'cp1252'].includes(declared)) {
    return new TextDecoder(declared === 'latin1' || declared === 'latin-1' ? 'iso-8859-1' : declared).decode(bytes.subarray(start));
  }
  if (declared && !['utf-8', 'utf8', 'us-ascii', 'ascii'].includes(declared)) {
    diags.error(XmlCodes.ENCODING, `encoding "${declared}" is not supported; use UTF-8 or ISO-8859-1`, { file, line: 1, column: 1 });
    return undefined;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start));
  } catch {
    diags.error(XmlCodes.ENCODING, 'file is not valid UTF-8', { file, line: 1, column: 1 });
    return undefined;
  }
}
