import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiagnosticBag } from '../src/definition/diagnostic.js';
import { readXml } from '../src/definition/xml/xml-reader.js';

describe('reading XML', () => {
  it('keeps the line and column of every start tag', () => {
    const d = new DiagnosticBag();
    const root = readXml("<?xml version='1.0'?>\n<Waveset>\n  <TaskDefinition name='x'/>\n</Waveset>", 'a.xml', d);
    assert.equal(d.items.length, 0);
    assert.equal(root?.children[0]?.name, 'TaskDefinition');
    assert.deepEqual(root?.children[0]?.location, { file: 'a.xml', line: 3, column: 3 });
  });

  it('accepts the waveset.dtd DOCTYPE without reading it', () => {
    const d = new DiagnosticBag();
    const root = readXml("<!DOCTYPE Waveset PUBLIC 'waveset.dtd' 'waveset.dtd'>\n<Waveset/>", 'a.xml', d);
    assert.equal(root?.name, 'Waveset');
    assert.equal(d.hasErrors(), false);
  });

  it('refuses an external entity declaration', () => {
    const d = new DiagnosticBag();
    const root = readXml('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', 'a.xml', d);
    assert.equal(root, undefined);
    assert.equal(d.errors[0]?.code, 'XML_EXTERNAL_ENTITY');
  });
});
