import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DiagnosticBag, formatDiagnostic } from '../../src/definition/diagnostic.js';
import { loadDefinitionFiles, loadDocument } from '../../src/definition/load.js';
import { canonicalJson } from '../../src/repository/object-digest.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/waveset/', import.meta.url));
const files = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.xml'))
  .sort()
  .map((f) => `${FIXTURES}${f}`);

/** Loads one document, failing on any diagnostic; the models without source positions. */
function models(xml: string, file = 'inline.xml'): string[] {
  const diags = new DiagnosticBag();
  const loaded = loadDocument(xml, file, diags);
  assert.deepEqual(diags.sorted().map(formatDiagnostic), []);
  return loaded.map((o) => canonicalJson(o.object));
}

const PROCESS = `<Extension>
    <WFProcess name='P'>
      <Activity id='0' name='start'><Transition to='end'/></Activity>
      <Activity id='1' name='end'/>
    </WFProcess>
  </Extension>`;
const DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>\n";

describe('Waveset documents end to end', () => {
  it('loads every Waveset fixture through loadDefinitionFiles, cross-object validation included, without a diagnostic', async () => {
    const result = await loadDefinitionFiles(files);
    assert.deepEqual(result.diagnostics.map(formatDiagnostic), []);
    assert.equal(result.ok, true);
    assert.ok(result.objects.some((o) => o.object.name === 'Update User With Approval'), 'every-element.xml was loaded');
    for (const { object } of result.objects) assert.deepEqual(JSON.parse(JSON.stringify(object)), object);
  });

  it('reads every object back from its stored XML into the same model', async () => {
    const result = await loadDefinitionFiles(files);
    assert.ok(result.objects.length >= files.length, `only ${result.objects.length} objects from ${files.length} files`);
    for (const { object, xml } of result.objects) {
      assert.deepEqual(models(xml), [canonicalJson(object)], `${object.type} ${object.name}`);
    }
  });

  it('reads a TaskDefinition the same wrapped in <Waveset> or bare, with or without the DOCTYPE', () => {
    const td = `<TaskDefinition name='T' execMode='sync'>\n  ${PROCESS}\n</TaskDefinition>`;
    const bare = models(td);
    assert.equal(bare.length, 1);
    assert.deepEqual(models(`${DECLARATION}<!DOCTYPE TaskDefinition PUBLIC 'waveset.dtd' 'waveset.dtd'>\n${td}`), bare);
    assert.deepEqual(models(`<Waveset>\n${td}\n</Waveset>`), bare);
    assert.deepEqual(models(`${DECLARATION}<!DOCTYPE Waveset PUBLIC 'waveset.dtd' 'waveset.dtd'>\n<Waveset>\n${td}\n</Waveset>`), bare);
  });

  it('reads a <Configuration><Extension><WFProcess> the same with or without the DOCTYPE', () => {
    const cfg = `<Configuration name='P' wstype='WFProcess'>\n  ${PROCESS}\n</Configuration>`;
    const bare = models(cfg);
    assert.equal(bare.length, 1);
    assert.match(bare[0]!, /"type":"Configuration"/);
    assert.match(bare[0]!, /"process":\{/);
    assert.deepEqual(models(`${DECLARATION}<!DOCTYPE Configuration PUBLIC 'waveset.dtd' 'waveset.dtd'>\n${cfg}`), bare);
    assert.deepEqual(models(`<Waveset>${cfg}</Waveset>`), bare);
  });
});
