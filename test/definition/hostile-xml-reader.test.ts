import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiagnosticBag, type Diagnostic } from '../../src/definition/diagnostic.js';
import { readXml, type XmlReadLimits } from '../../src/definition/xml/xml-reader.js';
import { serializeXml } from '../../src/definition/xml/xml-serialize.js';

/** Reads `input` and returns the root and the single diagnostic (asserting there is at most one). */
function read(input: string | Uint8Array, limits?: XmlReadLimits) {
  const diags = new DiagnosticBag();
  const root = readXml(input, 'f.xml', diags, limits);
  assert.ok(diags.items.length <= 1, `more than one diagnostic: ${diags.items.map((d) => d.message).join(' | ')}`);
  return { root, d: diags.items[0] as Diagnostic | undefined };
}

function where(d: Diagnostic | undefined): [string | undefined, number | undefined, number | undefined] {
  return [d?.code, d?.location.line, d?.location.column];
}

describe('the XML reader on well-formed input', () => {
  it('keeps text as written and marks only text interleaved with elements as mixed', () => {
    const { root } = read('<a>\n  <b> x </b>\n  <c/>\n</a>');
    assert.equal(root?.mixed, false);
    assert.equal(root?.text, '\n  \n  \n');
    assert.equal(root?.children[0]?.text, ' x ');
    assert.equal(read('<a>x<b/></a>').root?.mixed, true);
    assert.equal(read('<a><b/>y</a>').root?.mixed, true);
  });

  it('gives each attribute its value and its own location', () => {
    const { root } = read(`<a one='1'\n   two="&lt;2&gt;"/>`);
    assert.deepEqual([...root!.attributes], [['one', '1'], ['two', '<2>']]);
    assert.deepEqual(root!.attributeLocations.get('two'), { file: 'f.xml', line: 2, column: 4 });
  });

  it('applies the limits it is given', () => {
    assert.equal(read('<a><b/><c/><d/></a>', { maxElements: 3 }).d?.code, 'XML_TOO_MANY_ELEMENTS');
    assert.equal(read('<a><b><c/></b></a>', { maxDepth: 2 }).d?.code, 'XML_TOO_DEEP');
    assert.equal(read("<a x='1' y='2'/>", { maxAttributes: 1 }).d?.code, 'XML_TOO_MANY_ATTRIBUTES');
    assert.equal(read('<a/>', { maxBytes: 3 }).d?.code, 'XML_TOO_LARGE');
  });

  it('accepts a file that reaches a limit exactly; only one past it is refused', () => {
    const atDepth = read('<a><b><c/></b></a>', { maxDepth: 3 });
    assert.equal(atDepth.d, undefined);
    assert.equal(atDepth.root?.children[0]?.children[0]?.name, 'c');
    assert.equal(read('<a><b/><c/></a>', { maxElements: 3 }).d, undefined);
    assert.equal(read("<a x='1' y='2'/>", { maxAttributes: 2 }).d, undefined);
    assert.equal(read('<a/>', { maxBytes: 4 }).d, undefined);
  });
});

describe('the XML reader on broken input', () => {
  it('names both tags when a close tag does not match', () => {
    const { root, d } = read('<a>\n  <b>\n</a>');
    assert.equal(root, undefined);
    assert.deepEqual(where(d), ['XML_MALFORMED', 3, 5]);
    assert.match(d!.message, /<\/a> does not match <b> \(line 2, column 3\)/);
  });

  it('says which element is still open when the file ends', () => {
    const { d } = read('<Waveset>\n  <Rule name="r">');
    assert.match(d!.message, /ends before <Rule> \(line 2, column 3\) is closed/);
  });

  it('points at a bare ampersand', () => {
    assert.deepEqual(where(read('<a>\n  Sales & Marketing\n</a>').d), ['XML_MALFORMED', 2, 9]);
  });

  it('points at the start of an undefined entity and names it', () => {
    const { d } = read('<a>\n  x&nbsp;y\n</a>');
    assert.deepEqual(where(d), ['XML_UNDEFINED_ENTITY', 2, 4]);
    assert.match(d!.message, /&nbsp;/);
  });

  it('points at text after the root element where it starts', () => {
    assert.deepEqual(where(read('<a/>\n\n  stray\n').d), ['XML_MALFORMED', 3, 3]);
  });

  it('names a control character and points at it', () => {
    const { d } = read('<a>ab\u0001</a>');
    assert.deepEqual(where(d), ['XML_MALFORMED', 1, 6]);
    assert.match(d!.message, /U\+0001/);
  });

  it('points at the entity declaration, not at the end of the DOCTYPE', () => {
    const { d } = read('<!DOCTYPE a [\n  <!ELEMENT a ANY>\n  <!ENTITY e "x">\n]>\n<a>&e;</a>');
    assert.deepEqual(where(d), ['XML_ENTITY_DECLARATION', 3, 3]);
  });

  it('recognises UTF-16 without a byte order mark', () => {
    assert.equal(read(Buffer.from('<a/>', 'utf16le')).d?.code, 'XML_ENCODING');
  });

  it('names the first byte that is not UTF-8 and its line', () => {
    const { d } = read(Buffer.concat([Buffer.from('<a>\n<b>'), Buffer.from([0xe9]), Buffer.from('</b></a>')]));
    assert.deepEqual(where(d), ['XML_ENCODING', 2, 1]);
    assert.match(d!.message, /0xe9 at offset 7/);
  });

  it('reads ISO-8859-1 when the declaration says so', () => {
    const bytes = Buffer.concat([Buffer.from("<?xml version='1.0' encoding='ISO-8859-1'?><a>"), Buffer.from([0xe9]), Buffer.from('</a>')]);
    assert.equal(read(bytes).root?.text, 'é');
  });
});

describe('writing XML back', () => {
  it('keeps tabs, line feeds and carriage returns in attributes and text through a round trip', () => {
    const { root } = read('<a b="x&#9;y&#10;z&#13;w">t&#13;u<c d="&quot;&amp;&lt;"/></a>');
    const again = read(serializeXml(root!)).root!;
    assert.equal(again.attributes.get('b'), 'x\ty\nz\rw');
    assert.equal(again.text, 't\ru');
    assert.equal(again.children[0]!.attributes.get('d'), '"&<');
  });
});
