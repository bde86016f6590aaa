import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import { createOperationRegistry } from '../../src/services/operation-registry.js';

const FILE = fileURLToPath(new URL('../fixtures/waveset/unknown-targets/workflow.xml', import.meta.url));

describe('operations and subprocesses that nothing knows', () => {
  it('load with a warning each, at the action, naming what idflow knows; names computed at run time are not checked', async () => {
    const r = await loadDefinitionFiles([FILE], { operations: createOperationRegistry().names() });
    assert.equal(r.ok, true);
    const found = r.diagnostics.map((d) => `${d.location.line}:${d.location.column} ${d.severity} ${d.code}`);
    assert.deepEqual(found, [
      '8:9 warning DEF_UNKNOWN_OPERATION',
      '9:9 warning DEF_SUBPROCESS_UNRESOLVED',
      '10:9 warning DEF_UNKNOWN_OPERATION',
    ]);
    const [getObject, stock, notfy] = r.diagnostics.map((d) => d.message);
    assert.match(getObject!, /calls the operation 'getObject' of com\.waveset\.session\.WorkflowServices, which idflow does not know; the action will fail when it runs; operations idflow knows: 'audit', .*'notify'/);
    assert.match(stock!, /calls the subprocess 'Stock Provisioning', which is neither in the files given nor in the repository; the action will fail when it runs/);
    assert.match(notfy!, /did you mean 'notify'\?/);
  });
});
