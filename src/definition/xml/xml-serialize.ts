import type { XmlElement } from './xml-element.js';

// A carriage return written as is would come back as a line feed, and a tab or line feed inside an attribute
// as a space (XML end-of-line and attribute-value normalisation): write them as character references.
const escapeText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
const escapeAttr = (s: string): string => escapeText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');

/**
 * Writes an element back as XML (what `idflow show --xml --reformat` prints). Attribute order and text are kept;
 * indentation is normalised for elements without text.
 */
export function serializeXml(el: XmlElement, indent = ''): string {
  const attrs = [...el.attributes].map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('');
  const text = el.text.trim();
  if (el.children.length === 0) {
    return text === '' ? `${indent}<${el.name}${attrs}/>` : `${indent}<${el.name}${attrs}>${escapeText(el.text)}</${el.name}>`;
  }
  if (el.mixed) {
    // Keep mixed content on one line so no whitespace is invented.
    return `${indent}<${el.name}${attrs}>${escapeText(el.text)}${el.children.map((c) => serializeXml(c)).join('')}</${el.name}>`;
  }
  const inner = el.children.map((c) => serializeXml(c, indent + '  ')).join('\n');
  return `${indent}<${el.name}${attrs}>\n${inner}\n${indent}</${el.name}>`;
}
