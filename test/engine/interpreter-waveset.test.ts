import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DiagnosticBag } from '../../src/definition/diagnostic.js';
import { loadDocument } from '../../src/definition/load.js';
import type { ProcessObject } from '../../src/definition/model/objects.js';
import { activity, Harness, processModel, subprocess, T0, taskDefinition, variable } from './interpreter-harness.js';

function loadFixture(name: string): ProcessObject[] {
  const diags = new DiagnosticBag();
  const text = readFileSync(new URL(`../fixtures/waveset/${name}`, import.meta.url), 'utf8');
  const objects = loadDocument(text, name, diags).map((o) => o.object);
  assert.deepEqual(diags.items.filter((d) => d.severity === 'error'), []);
  return objects.filter((o): o is ProcessObject => o.type === 'TaskDefinition' || o.type === 'Configuration' || o.type === 'Workflow');
}

describe('interpreter: Waveset definitions loaded from XML', () => {
  const [roleApproval] = loadFixture('approval.xml');

  it('runs the documentation’s approval: the owner’s APPROVAL comes back through Return and picks the transition', async () => {
    const h = new Harness(roleApproval!);
    const o = await h.start({ APPROVER: 'carol' });
    assert.equal(o.status, 'waiting');
    const item = h.item();
    assert.equal(item.owner, 'carol');
    assert.equal(item.request, 'Awaiting approval from carol');
    assert.equal(item.dueAt, T0 + 180 * 60_000);
    const done = await h.decide(item.id, item.decisions[0]!.name, { actor: 'carol', variables: { APPROVAL: 'true' } });
    assert.equal(done.status, 'finished');
    assert.equal(h.vars()['APPROVED'], 'true');
    const records = h.raw()['records'] as Array<{ activity: string }>;
    assert.deepEqual(records.map((r) => r.activity), ['Wait']);
  });

  it('escalates on timeout to a confirmation that ignores its own timeout and ends rejected', async () => {
    const h = new Harness(roleApproval!);
    await h.start({ APPROVER: 'carol' });
    const escalated = await h.timer(T0 + 180 * 60_000);
    assert.deepEqual(escalated.position, ['Escalate']);
    assert.equal(h.item().owner, 'Configurator');
    assert.equal(escalated.wakeAt, T0 + 180 * 60_000 + 5000);
    const done = await h.timer(T0 + 181 * 60_000);
    assert.equal(done.status, 'finished');
    assert.equal(h.vars()['APPROVED'], 'false');
  });

  it('calls the Provision configuration as a subprocess with a computed op', async () => {
    const [provision] = loadFixture('provision-subprocess.xml');
    const calls: string[] = [];
    const parent = taskDefinition(
      processModel('Caller', [activity('start', { actions: [subprocess('Provision', { op: 'reProvision', accountId: '$(who)' })] })], {
        variables: [variable('result', { output: true })],
      }),
    );
    const h = new Harness(parent, {
      processes: [provision!],
      operations: {
        reProvision: (c) => {
          calls.push(`${c.op}:${String(c.args['accountId'])}:${c.application}`);
          return { values: { result: 'ok' } };
        },
      },
    });
    const o = await h.start({ who: 'jdoe' });
    assert.equal(o.status, 'finished');
    assert.deepEqual(calls, ['reProvision:jdoe:com.waveset.provision.WorkflowServices']);
    assert.deepEqual(o.result?.outputs, { result: 'ok' });
  });
});
