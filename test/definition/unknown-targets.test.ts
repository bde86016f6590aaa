import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import { createOperationRegistry } from '../../src/services/operation-registry.js';

const FILE = fileURLToPath(new URL('../fixtures/waveset/unknown-targets/workflow.xml', import.meta.url));
const registry = createOperationRegistry();

describe('operations and subprocesses that nothing knows', () => {
  it('load with a warning each, at the action, naming what idflow knows; names computed at run time are not checked', async () => {
    const r = await loadDefinitionFiles([FILE], { operations: (application) => registry.namesFor(application) });
    assert.equal(r.ok, true);
    const found = r.diagnostics.map((d) => `${d.location.line}:${d.location.column} ${d.severity} ${d.code}`);
    assert.deepEqual(found, [
      '8:9 warning DEF_UNKNOWN_OPERATION',
      '9:9 warning DEF_SUBPROCESS_UNRESOLVED',
      '10:9 warning DEF_UNKNOWN_OPERATION',
      '12:9 warning DEF_UNKNOWN_OPERATION',
    ]);
    const [listing, stock, notfy] = r.diagnostics.map((d) => d.message);
    assert.match(
      listing!,
      /calls the operation 'listResourceObjects' of com\.waveset\.session\.WorkflowServices, which idflow does not know; the action will fail when it runs; operations idflow knows: 'audit', .*'notify'/,
    );
    assert.match(stock!, /calls the subprocess 'Stock Provisioning', which is neither in the files given nor in the repository; the action will fail when it runs/);
    assert.match(notfy!, /did you mean 'notify'\?/);
  });

  it('lists every operation idflow knows even when it suggests the closest one', async () => {
    const r = await loadDefinitionFiles([FILE], { operations: (application) => registry.namesFor(application) });
    const notfy = r.diagnostics.find((d) => d.location.line === 10)!;
    assert.match(notfy.message, /did you mean 'notify'\?; operations idflow knows: 'audit', 'auditWorkflow', .*'notify'/);
  });

  it('warns when a Waveset action calls an operation only Netwrix system states have (persist)', async () => {
    const r = await loadDefinitionFiles([FILE], { operations: (application) => registry.namesFor(application) });
    const persist = r.diagnostics.find((d) => d.location.line === 12);
    assert.ok(persist, 'a warning at the action calling persist');
    assert.match(persist.message, /calls the operation 'persist' of com\.waveset\.provision\.WorkflowServices, which idflow does not know/);
    assert.doesNotMatch(persist.message.split('operations idflow knows:')[1]!, /'persist'/);
  });

  it('still accepts one list of names for every action (a library caller)', async () => {
    const r = await loadDefinitionFiles([FILE], { operations: registry.names() });
    assert.deepEqual(
      r.diagnostics.map((d) => `${d.location.line} ${d.code}`),
      ['8 DEF_UNKNOWN_OPERATION', '9 DEF_SUBPROCESS_UNRESOLVED', '10 DEF_UNKNOWN_OPERATION'],
    );
  });
});
