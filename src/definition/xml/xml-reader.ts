import { basename } from 'node:path';
import { SaxesParser } from 'saxes';
import type { DiagnosticBag, SourceLocation } from '../diagnostic.js';
import type { XmlElement } from './xml-element.js';
import { notXmlStartText, xmlErrorWords } from './xml-error-words.js';

/**
 * Limits that keep hostile files from hanging or exhausting the process. Defaults suit real
 * workflow files (the largest stock Waveset files are a few hundred KB).
 */
export interface XmlReadLimits {
  /** Largest accepted file, in bytes. @default 8 MiB */
  maxBytes?: number;
  /** Deepest element nesting. @default 200 */
  maxDepth?: number;
  /** Most elements in one file. @default 100000 (a large real workflow file has a few thousand) */
  maxElements?: number;
  /** Most attributes on one element. @default 256 */
  maxAttributes?: number;
}

/** The limits a read uses where the caller sets none. */
export const DEFAULT_XML_LIMITS: Readonly<Required<XmlReadLimits>> = {
  maxBytes: 8 * 1024 * 1024,
  maxDepth: 200,
  maxElements: 100_000,
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
  /** The file is no XML at all: JSON, YAML, a binary file (told here only; loadDefinitionFiles has no check of its own). */
  NOT_XML: 'FILE_NOT_XML',
} as const;

class StopParsing extends Error {}

/** An element while its content is still being read. */
interface Building {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly attributeLocations: ReadonlyMap<string, SourceLocation>;
  readonly children: XmlElement[];
  /** Text pieces, joined once at the close tag (appending to one string per chunk is fine, trimming it is not). */
  readonly text: string[];
  /** Seen non-whitespace text: decided per chunk, so that elements with many children stay linear. */
  hasContent: boolean;
  readonly location: SourceLocation;
  /** String index of the `<` of the start tag. */
  readonly start: number;
}

// Most elements have no attributes; sharing one empty map keeps a 250,000-element file cheap.
const NO_ATTRIBUTES: ReadonlyMap<string, string> = new Map();
const NO_ATTRIBUTE_LOCATIONS: ReadonlyMap<string, SourceLocation> = new Map();
const NON_WHITESPACE = /\S/;

/**
 * Reads an XML document into an {@link XmlElement} tree, reporting problems into `diags`.
 * Returns undefined when the document cannot be used at all.
 *
 * Safety: no DTD is ever read or fetched. A DOCTYPE naming an external DTD (as Waveset's
 * `<!DOCTYPE Waveset PUBLIC 'waveset.dtd' 'waveset.dtd'>`) is accepted and ignored. An internal subset is
 * refused (`XML_DTD_INTERNAL_SUBSET`, or `XML_ENTITY_DECLARATION` / `XML_EXTERNAL_ENTITY` when it declares
 * entities), so no entity is ever expanded beyond the five predefined ones and character references:
 * entity expansion is bounded by construction, and "billion laughs" style files fail at once.
 *
 * Cost: linear in the size of the input. Every limit is checked while reading, so a hostile file stops at
 * the first element past a limit instead of being read whole.
 */
export function readXml(
  input: string | Uint8Array,
  file: string,
  diags: DiagnosticBag,
  limits: XmlReadLimits = {},
): XmlElement | undefined {
  const lim = { ...DEFAULT_XML_LIMITS, ...limits };
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
    diags.error(XmlCodes.EMPTY, text === '' ? 'file is empty; expected an XML document' : 'file holds only whitespace; expected an XML document', at());
    return undefined;
  }
  const notXml = notXmlStartText(text);
  if (notXml !== undefined) {
    diags.error(XmlCodes.NOT_XML, `${basename(file)} is not XML: it starts with ${notXml}; give the workflow's .xml file`, locationOf(text, file, text.search(/\S/)));
    return undefined;
  }

  // Fail fast on files with too many elements: counting "<name" takes milliseconds, parsing 100,000 elements
  // a third of a second. The count may be too high ("<x" inside CDATA or a comment counts too), so a file
  // under the limit is refused here only when its CDATA and comments hold thousands of "<name" texts.
  const excess = nthStartTag(text, lim.maxElements + 1);
  if (excess !== -1) {
    diags.error(XmlCodes.TOO_MANY_ELEMENTS, `the file has more than ${lim.maxElements} elements`, locationOf(text, file, excess));
    return undefined;
  }

  const parser = new SaxesParser({ position: true, fileName: file });
  const stack: Building[] = [];
  let root: XmlElement | undefined;
  let elementCount = 0;
  let failed = false;
  let tagStart: SourceLocation = at();
  let tagStartIndex = 0;
  let lastClosed: Building | undefined;
  let rootEnd = -1;
  let pendingAttributeLocations: Map<string, SourceLocation> | undefined;

  const fail = (code: string, message: string, loc: SourceLocation): never => {
    diags.error(code, message, loc);
    failed = true;
    throw new StopParsing();
  };
  const here = (): SourceLocation => at(parser.line, parser.column + 1);
  const describe = (b: Building): string => `<${b.name}> (line ${b.location.line}, column ${b.location.column})`;

  parser.on('doctype', (doctype) => {
    const open = doctype.indexOf('[');
    if (open === -1) return;
    const subset = doctype.slice(open);
    // Point at the declaration itself rather than the end of the DOCTYPE, which may be far below.
    const doctypeStart = text.indexOf('<!DOCTYPE');
    const locate = (offsetInSubset: number): SourceLocation =>
      doctypeStart === -1 ? here() : locationOf(text, file, doctypeStart + '<!DOCTYPE'.length + open + offsetInSubset);
    // Plain searches only: a regular expression with backtracking over a hostile subset could take minutes.
    const entity = subset.indexOf('<!ENTITY');
    if (entity !== -1) {
      const rest = subset.slice(entity);
      if (rest.includes('SYSTEM') || rest.includes('PUBLIC')) {
        fail(XmlCodes.EXTERNAL_ENTITY, 'external entities are never resolved; remove the <!ENTITY … SYSTEM> declaration and the DOCTYPE\'s internal subset', locate(entity));
      }
      fail(XmlCodes.ENTITY_DECLARATION, 'entity declarations are not allowed; idflow expands only the five predefined XML entities (&lt; &gt; &amp; &quot; &apos;) and character references', locate(entity));
    }
    fail(XmlCodes.DTD_INTERNAL_SUBSET, 'a DOCTYPE with an internal subset [ … ] is not allowed; a DOCTYPE that only names a DTD is accepted and never fetched', locate(0));
  });
  parser.on('processinginstruction', (pi) => {
    diags.warning(XmlCodes.PROCESSING_INSTRUCTION, `processing instruction <?${pi.target} …?> is ignored`, here());
  });
  parser.on('opentagstart', (tag) => {
    // Called once the character after the name has been read: step back over "<name" and that character.
    tagStart = at(parser.line, Math.max(1, parser.column - tag.name.length - 1));
    tagStartIndex = Math.max(0, text.lastIndexOf('<', parser.position - 1));
  });
  // Where the attribute that has just been read starts. The parser stands right after its closing quote; the
  // raw value may differ from the decoded one (entities), so measure in the text, not with the value's length.
  const attributeStart = (name: string): SourceLocation => {
    const end = parser.position;
    const open = text.lastIndexOf(text[end - 1] ?? '"', end - 2);
    let k = open - 1;
    while (k > 0 && /[\s=]/.test(text[k]!)) k--;
    const start = k - name.length + 1;
    if (open === -1 || start < 0 || end - start > 10_000) return tagStart;
    // Look only between start and end: any search beyond them would make a one-line file quadratic.
    let newlines = 0;
    for (let i = start; i < end; i++) if (text.charCodeAt(i) === 10) newlines++;
    if (newlines === 0) return at(parser.line, Math.max(1, parser.column - (end - start) + 1));
    // Rare (a value spanning lines): find the start's column by walking back to its line start.
    let lineStart = start;
    while (lineStart > 0 && text.charCodeAt(lineStart - 1) !== 10) lineStart--;
    return at(parser.line - newlines, start - lineStart + 1);
  };
  parser.on('attribute', (a) => {
    // Attribute events come before opentag (saxes keeps one handler per event); remember where each
    // attribute started so a diagnostic about one attribute points at it.
    pendingAttributeLocations ??= new Map();
    if (pendingAttributeLocations.size >= lim.maxAttributes) {
      fail(XmlCodes.TOO_MANY_ATTRIBUTES, `an element has more than ${lim.maxAttributes} attributes`, tagStart);
    }
    pendingAttributeLocations.set(a.name, attributeStart(a.name));
  });
  parser.on('opentag', (tag) => {
    elementCount++;
    if (elementCount > lim.maxElements) {
      fail(XmlCodes.TOO_MANY_ELEMENTS, `the file has more than ${lim.maxElements} elements`, tagStart);
    }
    if (stack.length + 1 > lim.maxDepth) {
      fail(XmlCodes.TOO_DEEP, `elements are nested more than ${lim.maxDepth} deep (in <${tag.name}>)`, tagStart);
    }
    let attributes = NO_ATTRIBUTES;
    let attributeLocations = NO_ATTRIBUTE_LOCATIONS;
    const names = Object.keys(tag.attributes);
    if (names.length > lim.maxAttributes) {
      fail(XmlCodes.TOO_MANY_ATTRIBUTES, `<${tag.name}> has ${names.length} attributes; the limit is ${lim.maxAttributes}`, tagStart);
    }
    if (names.length > 0) {
      const values = new Map<string, string>();
      const locations = new Map<string, SourceLocation>();
      for (const n of names) {
        values.set(n, String(tag.attributes[n]));
        locations.set(n, pendingAttributeLocations?.get(n) ?? tagStart);
      }
      attributes = values;
      attributeLocations = locations;
    }
    pendingAttributeLocations = undefined;
    stack.push({ name: tag.name, attributes, attributeLocations, children: [], text: [], hasContent: false, location: tagStart, start: tagStartIndex });
  });
  const onText = (t: string): void => {
    const top = stack[stack.length - 1];
    if (!top) return;
    if (!top.hasContent && NON_WHITESPACE.test(t)) top.hasContent = true;
    top.text.push(t);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const b = stack.pop();
    if (!b) return;
    lastClosed = b;
    const el: XmlElement = Object.freeze({
      name: b.name,
      attributes: b.attributes,
      attributeLocations: b.attributeLocations,
      children: b.children,
      text: b.text.length === 1 ? b.text[0]! : b.text.join(''),
      // Non-whitespace text interleaved with child elements.
      mixed: b.hasContent && b.children.length > 0,
      location: b.location,
      span: { start: b.start, end: parser.position },
      ...(stack.length === 0 && { source: text }),
    });
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else {
      root = el;
      rootEnd = parser.position;
    }
  });
  parser.on('error', (err) => {
    const message = err.message.replace(/^[^:]*:\d+:\d+: /, '').replace(/\.$/, '');
    if (/undefined entity/i.test(message)) {
      const ref = entityBefore(text, parser.position);
      fail(
        XmlCodes.UNDEFINED_ENTITY,
        `${ref ? `&${ref.name}; is an undefined entity` : message}; only &lt; &gt; &amp; &quot; &apos; and character references are allowed (write &amp; for a literal "&")`,
        ref ? locationOf(text, file, ref.index) : here(),
      );
    }
    if (message === 'unexpected close tag' && lastClosed) {
      const name = closeTagNameBefore(text, parser.position);
      fail(XmlCodes.MALFORMED, `${name ? `</${name}>` : 'a close tag'} does not match ${describe(lastClosed)}`, here());
    }
    if (/outside of root/.test(message) && rootEnd !== -1) {
      // saxes notices at the end of the text; point at where the stray text starts instead.
      const stray = text.slice(rootEnd).search(NON_WHITESPACE);
      if (stray !== -1) fail(XmlCodes.MALFORMED, 'text after the root element; a document has exactly one root element and nothing after it but comments', locationOf(text, file, rootEnd + stray));
    }
    if (message === 'disallowed character' && parser.position > 0) {
      // saxes has just read the offending character: name it, and point at it rather than past it.
      const code = text.codePointAt(parser.position - 1) ?? 0;
      const where = at(parser.line, Math.max(1, parser.column));
      if (code === 0x3c) fail(XmlCodes.MALFORMED, '"<" is not allowed here (inside an attribute value?); is a closing quote missing?', where);
      const hex = code.toString(16).toUpperCase().padStart(4, '0');
      fail(XmlCodes.MALFORMED, `the character U+${hex} is not allowed in XML${code < 0x20 ? ' (a control character: is this a binary file?)' : ''}`, where);
    }
    const unclosed = /^unclosed tag: (.*)$/.exec(message);
    const open = stack[stack.length - 1];
    if (unclosed && open) {
      // A comment or CDATA section that never ends swallows the rest of the file: say so, where it starts.
      for (const [start, end, what] of [['<!--', '-->', 'comment'], ['<![CDATA[', ']]>', 'CDATA section']] as const) {
        const from = text.lastIndexOf(start);
        if (from !== -1 && text.indexOf(end, from + start.length) === -1) {
          fail(XmlCodes.MALFORMED, `this ${what} is never closed with ${end}, so it runs to the end of the file`, locationOf(text, file, from));
        }
      }
      // saxes reads a bare "&" as the start of an entity name and runs to the end of the file.
      const bare = /&(?![A-Za-z_:#][^\s&;<]*;)/.exec(text);
      if (bare) {
        fail(XmlCodes.MALFORMED, 'a bare "&" must be written &amp; (so "&&" is "&amp;&amp;"; in an XPRESS condition, use <and>…</and>)', locationOf(text, file, bare.index));
      }
      fail(XmlCodes.MALFORMED, `the file ends before ${describe(open)} is closed; is it truncated?`, here());
    }
    const words = xmlErrorWords(message, text, parser.position);
    if (words) fail(XmlCodes.MALFORMED, words.message, locationOf(text, file, Math.max(0, words.index)));
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

/** Index of the `n`th `<` that starts a tag name, or -1 when there are fewer. */
function nthStartTag(text: string, n: number): number {
  let count = 0;
  for (let i = text.indexOf('<'); i !== -1; i = text.indexOf('<', i + 1)) {
    const c = text.charCodeAt(i + 1);
    // A name starts with a letter, "_", ":" or any non-ASCII character; "</", "<!" and "<?" are not elements.
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 58 || c >= 128) {
      if (++count === n) return i;
    }
  }
  return -1;
}

/** Line and column (from 1) of a string index. Only used on the error path. */
function locationOf(text: string, file: string, index: number): SourceLocation {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { file, line, column: index - lineStart + 1 };
}

/** The name in `</name>` that ends just before `position`, for messages. */
function closeTagNameBefore(text: string, position: number): string | undefined {
  const start = text.lastIndexOf('</', position - 1);
  if (start === -1 || position - start > 300) return undefined;
  return /^<\/\s*([^\s>]+)/.exec(text.slice(start, position))?.[1];
}

/** The `&name;` reference that ends just before `position` (its name and where it starts), for messages. */
function entityBefore(text: string, position: number): { name: string; index: number } | undefined {
  const index = text.lastIndexOf('&', position - 1);
  if (index === -1 || position - index > 300) return undefined;
  const name = /^&([^\s;&<]+);/.exec(text.slice(index, position))?.[1];
  return name === undefined ? undefined : { name, index };
}

function decode(bytes: Uint8Array, file: string, diags: DiagnosticBag): string | undefined {
  const start1 = { file, line: 1, column: 1 };
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe)) {
    diags.error(XmlCodes.ENCODING, 'UTF-16 files are not supported; save the file as UTF-8', start1);
    return undefined;
  }
  // UTF-16 without a byte order mark: "<" followed by a zero byte, or the reverse.
  if ((bytes[0] === 0x3c && bytes[1] === 0x00) || (bytes[0] === 0x00 && bytes[1] === 0x3c)) {
    diags.error(XmlCodes.ENCODING, 'the file looks like UTF-16 (zero bytes between characters); save it as UTF-8', start1);
    return undefined;
  }
  const binary = binaryKind(bytes);
  if (binary !== undefined) {
    diags.error(XmlCodes.NOT_XML, `${basename(file)} is not XML: it is a binary file${binary}; give the workflow's .xml file`, start1);
    return undefined;
  }
  const head = Buffer.from(bytes.subarray(start, Math.min(bytes.length, start + 200))).toString('latin1');
  const declared = /^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
  if (declared && ['iso-8859-1', 'latin1', 'latin-1', 'windows-1252', 'cp1252'].includes(declared)) {
    return new TextDecoder(declared === 'latin1' || declared === 'latin-1' ? 'iso-8859-1' : declared).decode(bytes.subarray(start));
  }
  if (declared && !['utf-8', 'utf8', 'us-ascii', 'ascii'].includes(declared)) {
    diags.error(XmlCodes.ENCODING, `encoding "${declared}" is not supported; use UTF-8 or ISO-8859-1`, start1);
    return undefined;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start));
  } catch {
    const bad = firstInvalidUtf8(bytes, start);
    diags.error(
      XmlCodes.ENCODING,
      `file is not valid UTF-8${bad ? ` (byte 0x${bad.byte.toString(16).padStart(2, '0')} at offset ${bad.offset})` : ''}; save it as UTF-8 or declare encoding="ISO-8859-1"`,
      bad ? { file, line: bad.line, column: 1 } : start1,
    );
    return undefined;
  }
}

/** Finds the first byte that breaks UTF-8, with its line, so the message can point at it. */
function firstInvalidUtf8(bytes: Uint8Array, from: number): { offset: number; byte: number; line: number } | undefined {
  let line = 1;
  let i = from;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b === 0x0a) line++;
    let need: number;
    if (b < 0x80) need = 0;
    else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) need = 2;
    else if (b >= 0xf0 && b <= 0xf4) need = 3;
    else return { offset: i, byte: b, line };
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return { offset: i, byte: b, line };
    }
    i += need + 1;
  }
  return undefined;
}

/**
 * ` (a PNG image?)`, ` (a ZIP archive?)`, … or '' when the bytes are binary (a known signature, or a zero byte among
 * the first 1024 of bytes that do not start with "<"); undefined when they may be text. UTF-16 is checked before this.
 */
function binaryKind(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 8)).toString('latin1');
  if (head.startsWith('\x89PNG')) return ' (a PNG image?)';
  if (head.startsWith('PK\x03\x04')) return ' (a ZIP archive or an Office document?)';
  if (head.startsWith('%PDF')) return ' (a PDF?)';
  if (head.startsWith('GIF8')) return ' (a GIF image?)';
  if (head.startsWith('\xff\xd8\xff')) return ' (a JPEG image?)';
  if (head.startsWith('\x1f\x8b')) return ' (a gzip archive?)';
  // A file that starts like XML and holds a zero byte further on is reported at that byte, with its line.
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  if (bytes[i] === 0x3c) return undefined;
  const n = Math.min(bytes.length, 1024);
  for (let k = 0; k < n; k++) if (bytes[k] === 0) return '';
  return undefined;
}
