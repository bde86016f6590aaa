/**
 * Netwrix objects survive their stored XML: each object of test/fixtures/netwrix/*.xml, re-read from its
 * `LoadedObject.xml` (what the repository keeps and `idflow show --xml` prints) in a configuration file of its own,
 * gives the same model — linked with the rest of its set as the repository links an import (`stored`).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic } from '../../src/definition/diagnostic.js';
import { loadDefinitionFiles, NETWRIX_NAMESPACE, type LoadedObject } from '../../src/definition/load.js';
import { canonicalJson } from '../../src/repository/object-digest.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/netwrix/', import.meta.url));
const files = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.xml'))
  .sort()
  .map((f) => join(FIXTURES, f));

const wrap = (xml: string): string => `<?xml version="1.0" encoding="UTF-8"?>\n<ConfigurationFile xmlns="${NETWRIX_NAMESPACE}">\n${xml}\n</ConfigurationFile>\n`;

describe('Netwrix objects read back from their stored XML', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'idflow-netwrix-round-trip-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const file of files) {
    it(`gives every object of ${file.slice(FIXTURES.length)} the same model`, async () => {
      const original = await loadDefinitionFiles([file]);
      assert.equal(original.ok, true, original.diagnostics.map(formatDiagnostic).join('\n'));
      const kinds = new Set(original.objects.map((o) => o.object.type));
      assert.ok(original.objects.length > 0 && kinds.has('Workflow'), 'the fixture holds workflows');
      let n = 0;
      for (const object of original.objects) {
        const name = `${object.object.type} ${object.object.name}`;
        const single = join(dir, `object-${n++}.xml`);
        writeFileSync(single, wrap(object.xml));
        const stored: LoadedObject[] = original.objects.filter((o) => o !== object);
        // The rest of the set stands for the repository: launches and subprocesses may name its objects.
        const names = new Set(stored.map((o) => o.object.name));
        const again = await loadDefinitionFiles([single], { stored, resolveExternal: (ref) => names.has(ref) });
        assert.deepEqual(again.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), [], name);
        const read = again.objects.filter((o) => o.object.type === object.object.type && o.object.name === object.object.name);
        assert.equal(read.length, 1, `${name} is read back once`);
        assert.equal(canonicalJson(read[0]!.object), canonicalJson(object.object), `${name} has the same model`);
        assert.equal(read[0]!.xml, object.xml, `${name} serialises to the same XML again`);
      }
    });
  }
});
