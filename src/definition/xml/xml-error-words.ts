/**
 * Plain words for the XML mistakes people make when they edit a definition by hand: what is wrong, where, and how
 * to fix it, instead of the parser's own message ("no whitespace between attributes", "unquoted attribute value").
 * Only used on the error path; every search is bounded, so a hostile file stays linear.
 */

/** A message and the index in the text it points at. */
export interface XmlErrorWords {
  readonly message: string;
  readonly index: number;
}

const NAME_CHAR = /[A-Za-z0-9_:.-]/;
const LOOK_BACK = 2_000;

/** The attribute name that ends just before `end` (skipping `=` and white space), and where it starts. */
function attributeNameBefore(text: string, end: number): { name: string; index: number } | undefined {
  let k = end - 1;
  while (k >= 0 && end - k < LOOK_BACK && /[\s=]/.test(text[k]!)) k--;
  const last = k;
  while (k >= 0 && last - k < 200 && NAME_CHAR.test(text[k]!)) k--;
  return last > k ? { name: text.slice(k + 1, last + 1), index: k + 1 } : undefined;
}

/** `...`, `…`, `XXX`, `<name>`-like or `$…$` values: left from an example or a template, not a real value. */
function looksLikePlaceholder(token: string): boolean {
  return /^(\.{2,}|…+|_{2,}|x{3,}|X{3,}|\?+|TODO|TBD|\$\{?.*|%.*%|\[.*\]?|\{.*\}?)$/.test(token);
}

const show = (s: string): string => (s.length > 30 ? `${s.slice(0, 30)}…` : s);

/**
 * Words for a saxes error `message` raised with the parser at `position` (just after the character it stopped on),
 * or undefined to keep the generic handling.
 */
export function xmlErrorWords(message: string, text: string, position: number): XmlErrorWords | undefined {
  const stop = position - 1;
  switch (message) {
    case 'no whitespace between attributes': {
      // `title="say "hi" now"`: the value ended at the inner quote and `hi"` follows it.
      const quote = text[stop - 1];
      if (quote !== '"' && quote !== "'") return { message: 'attributes must be separated by a space: write name="…" other="…"', index: stop };
      const open = text.lastIndexOf(quote, stop - 2);
      const attr = open !== -1 && stop - open < LOOK_BACK ? attributeNameBefore(text, open) : undefined;
      const rest = `\`${/^[^\n>]{0,20}/.exec(text.slice(stop, stop + 20))?.[0] ?? ''}\``;
      const other = quote === '"' ? "'" : '"';
      const entity = quote === '"' ? '&quot;' : '&apos;';
      return {
        message:
          `the value of ${attr ? `${attr.name}=` : 'this attribute'} ends at this ${quote}, and ${rest} follows it: a ${quote} inside a value must be ` +
          `written ${entity}, or the whole value put between ${other} quotes`,
        index: stop - 1,
      };
    }
    case 'unquoted attribute value':
    case 'value must be quoted': {
      // `<PointCut Activity=... >` or `name=r`: the value starts where the parser stopped.
      const attr = attributeNameBefore(text, stop);
      const token = /^[^\s>/]*/.exec(text.slice(stop, stop + 200))?.[0] ?? '';
      const name = attr ? attr.name : 'the attribute';
      if (token === '' || looksLikePlaceholder(token)) {
        return {
          message: `${name}=${token} is a placeholder, not a value: write the real value between quotes, ${name}="…"`,
          index: stop,
        };
      }
      return { message: `the value of ${name}= must be between quotes: ${name}="${show(token)}"`, index: stop };
    }
    case 'attribute without value':
    case 'disallowed character in attribute name': {
      const attr = attributeNameBefore(text, stop);
      if (attr) return { message: `${attr.name} has no value: write ${attr.name}="…" (every attribute needs a value between quotes)`, index: attr.index };
      return { message: `this is not an attribute: attributes are written name="value"`, index: stop };
    }
    case 'forward-slash in opening tag not followed by >':
      return { message: 'a "/" in a tag must be the last thing before ">": write <Name/> or <Name attr="…"/>', index: stop };
    case 'disallowed character in tag name':
    case 'disallowed character in closing tag':
      return { message: `"${text[stop] ?? ''}" cannot stand in an element name; a literal "<" in text is written &lt;`, index: stop };
    case 'unexpected end':
      return { message: 'the file ends in the middle of a tag; is it truncated?', index: Math.max(0, text.length - 1) };
    case 'documents may contain only one root':
      return { message: 'a second root element: a file holds one root element (wrap several objects in <Waveset>)', index: text.lastIndexOf('<', stop) };
    case 'malformed character entity':
      return { message: 'a character reference is written &#65; or &#x41;; a literal "&" is written &amp;', index: text.lastIndexOf('&', stop) };
    default: {
      const dup = /^duplicate attribute: (.*)$/.exec(message);
      if (dup) return { message: `${dup[1]}= is written twice on this element; keep one`, index: stop };
      return undefined;
    }
  }
}

/**
 * When `text` cannot be an XML document because its first character (after white space) is not `<`, that character
 * as a message fragment (`` `{` (JSON?) ``); undefined otherwise.
 */
export function notXmlStartText(text: string): string | undefined {
  const i = text.search(/\S/);
  if (i === -1 || text[i] === '<') return undefined;
  const head = text.slice(i, i + 16);
  const guess = /^[[{]/.test(head) ? ' (JSON?)' : /^(---|%YAML)/.test(head) ? ' (YAML?)' : '';
  return `\`${head[0]}\`${guess}`;
}
