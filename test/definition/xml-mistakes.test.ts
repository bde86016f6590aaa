import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadDefinitionFiles } from '../../src/definition/load.js';

const DIR = fileURLToPath(new URL('../fixtures/xml-mistakes/', import.meta.url));

/** What the XML parser would have said: none of it may reach a user. */
const JARGON = /whitespace between attributes|unquoted attribute value|text data outside of root|root node|disallowed character in attribute name|not valid UTF-8|attribute without value/;

async function firstError(file: string): Promise<{ where: string; code: string; message: string }> {
  const r = await loadDefinitionFiles([DIR + file]);
  const d = r.diagnostics.find((x) => x.severity === 'error');
  assert.ok(d, `${file}: no error`);
  assert.doesNotMatch(d.message, JARGON, `${file}: ${d.message}`);
  return { where: `${d.location.line}:${d.location.column}`, code: d.code, message: d.message };
}

describe('hand-editing mistakes in XML get plain words at the right column', () => {
  it('a bare && in an attribute: at the first &, saying how to write it', async () => {
    const e = await firstError('bare-ampersands.xml');
    assert.deepEqual([e.where, e.code], ['2:32', 'XML_MALFORMED']);
    assert.match(e.message, /"&&" is "&amp;&amp;"; in an XPRESS condition, use <and>/);
  });

  it('an unescaped double quote inside an attribute: at the quote that ends the value early', async () => {
    const e = await firstError('quote-in-attribute.xml');
    assert.deepEqual([e.where, e.code], ['2:17', 'XML_MALFORMED']);
    assert.match(e.message, /the value of title= ends at this ", and `hi" now"` follows it: a " inside a value must be written &quot;/);
  });

  it('an apostrophe inside a single-quoted attribute: at the apostrophe', async () => {
    const e = await firstError('apostrophe-in-attribute.xml');
    assert.deepEqual([e.where, e.code], ['1:15', 'XML_MALFORMED']);
    assert.match(e.message, /written &apos;, or the whole value put between " quotes/);
  });

  it('a placeholder left from an example, <PointCut Activity=... >: at the placeholder', async () => {
    const e = await firstError('placeholder-attribute.xml');
    assert.deepEqual([e.where, e.code], ['3:24', 'XML_MALFORMED']);
    assert.match(e.message, /^Activity=\.\.\. is a placeholder, not a value: write the real value between quotes, Activity="…"$/);
  });

  it('a value without quotes: shows it quoted', async () => {
    const e = await firstError('unquoted-value.xml');
    assert.deepEqual([e.where, e.code], ['1:12', 'XML_MALFORMED']);
    assert.match(e.message, /the value of name= must be between quotes: name="r"/);
  });

  it('a JSON file: FILE_NOT_XML, saying what it starts with', async () => {
    const e = await firstError('workflow-as-json.xml');
    assert.deepEqual([e.where, e.code], ['1:1', 'FILE_NOT_XML']);
    assert.match(e.message, /^workflow-as-json\.xml is not XML: it starts with `\{` \(JSON\?\); give the workflow's \.xml file$/);
  });

  it('an empty file and a binary file each say what they are', async () => {
    const empty = await firstError('empty.xml');
    assert.deepEqual([empty.code, empty.message], ['XML_EMPTY', 'file is empty; expected an XML document']);
    const picture = await firstError('picture.xml');
    assert.deepEqual([picture.where, picture.code], ['1:1', 'FILE_NOT_XML']);
    assert.match(picture.message, /picture\.xml is not XML: it is a binary file \(a PNG image\?\)/);
  });
});
