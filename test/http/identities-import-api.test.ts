/**
 * Identities, resources, provisioning orders and definition import over HTTP: what an administrator sees of people and their records
 * "as of" a date, pages that continue where they stopped, and an upload that imports all of its documents or none.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { ResourceRow } from '../../src/identity/identity-rows.js';
import { readNetwrixChangeSet } from '../../src/identity/netwrix-change-set.js';
import { planChangeSet } from '../../src/identity/plan-change-set.js';
import { subjectKey } from '../../src/identity/subject-key.js';
import type { XValue } from '../../src/expression/env.js';
import { openHttpWorld, type HttpWorld, type Signed } from './http-harness.js';

const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);
const NOW = day('2026-02-15');

function resource(name: string): ResourceRow {
  return { id: `res-${name}`, kind: 'application', name, nameKey: subjectKey(name), displayName: null, description: null, connector: null, targetKey: null, owners: [], createdAt: NOW, updatedAt: NOW };
}

const GRANT_ROLE = readFileSync(new URL('../../examples/waveset/grant-role.xml', import.meta.url), 'utf8');

describe('identities, resources and import over HTTP', () => {
  let w: HttpWorld;
  let ada: Signed;
  let step = 0;
  const persist = async (changes: Record<string, XValue>, over: { subject?: string; now?: number } = {}) => {
    const write = await planChangeSet(w.repository.identities, readNetwrixChangeSet(changes), {
      now: over.now ?? NOW,
      idempotencyKey: `inst-1:${++step}:Persist:0`,
      instanceId: 'inst-1',
      mode: 'persist',
      provisioning: false,
      ...(over.subject !== undefined && { subject: over.subject }),
    });
    assert.deepEqual(await w.repository.identities.apply([write]), ['committed']);
  };

  before(async () => {
    w = await openHttpWorld();
    ada = await w.signIn('ada');
    await w.repository.identities.putResource(resource('crm'));
    await persist({ Login: 'jdoe', LastName: 'Doe', Resources: { Add: ['crm'] } });
    await persist({ LastName: 'Smith' }, { subject: 'jdoe', now: day('2026-03-01') });
    for (const login of ['a1', 'a2', 'a3']) await persist({ Login: login, LastName: login });
  });
  after(() => w.close());

  it('shows an identity by login with its records as they were on a date, and its whole history', async () => {
    const before = await w.call(ada, 'GET', '/api/v1/identities/jdoe?asOf=2026-02-20T00:00:00Z');
    assert.equal(before.statusCode, 200, before.body);
    const b = before.json() as { identity: { login: string }; records: { data: Record<string, unknown> }[]; assignments: unknown[] };
    assert.equal(b.identity.login, 'jdoe');
    assert.ok(JSON.stringify(b.records).includes('Doe') && !JSON.stringify(b.records).includes('Smith'), before.body);
    assert.equal(b.assignments.length, 1, 'the crm assignment');
    const later = await w.call(ada, 'GET', '/api/v1/identities/jdoe?asOf=2026-03-02T00:00:00Z');
    assert.ok(later.body.includes('Smith'), later.body);
    const history = await w.call(ada, 'GET', '/api/v1/identities/jdoe/history');
    assert.equal(history.statusCode, 200, history.body);
    const records = (history.json() as { records: { supersededAt: string | null }[] }).records;
    assert.ok(records.length >= 2 && records.some((r) => r.supersededAt !== null), history.body);
  });

  it('lists identities page by page without repeating or skipping one', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await w.call(ada, 'GET', `/api/v1/identities?limit=2&order=asc${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.statusCode, 200, r.body);
      const p = r.json() as { items: { login: string }[]; nextCursor: string | null };
      seen.push(...p.items.map((i) => i.login));
      cursor = p.nextCursor;
    } while (cursor);
    assert.deepEqual([...seen].sort(), ['a1', 'a2', 'a3', 'jdoe']);
    assert.equal(new Set(seen).size, seen.length);
  });

  it('answers an unknown identity or resource with its not-found code', async () => {
    assert.equal((await w.call(ada, 'GET', '/api/v1/identities/nobody')).json().error.code, 'IDENTITY_NOT_FOUND');
    assert.equal((await w.call(ada, 'GET', '/api/v1/resources/nothing')).json().error.code, 'RESOURCE_NOT_FOUND');
  });

  it('lists resources by kind and shows one with who is assigned to it', async () => {
    const list = await w.call(ada, 'GET', '/api/v1/resources?kind=application');
    assert.deepEqual((list.json() as { items: { name: string }[] }).items.map((r) => r.name), ['crm']);
    assert.equal((await w.call(ada, 'GET', '/api/v1/resources?kind=group')).json().items.length, 0);
    const one = await w.call(ada, 'GET', '/api/v1/resources/crm');
    assert.equal(one.statusCode, 200, one.body);
    assert.equal((one.json() as { assignments: unknown[] }).assignments.length, 1);
  });

  it('imports uploaded definitions for an administrator, under the uploaded file name', async () => {
    const r = await w.call(ada, 'POST', '/api/v1/imports', { files: [{ name: 'roles/grant-role.xml', xml: GRANT_ROLE }] });
    assert.equal(r.statusCode, 200, r.body);
    const imported = (r.json() as { imported: { name: string; file: string; status: string }[] }).imported;
    assert.ok(imported.length >= 1 && imported.every((i) => i.file === 'roles/grant-role.xml'), r.body);
    const defs = await w.call(ada, 'GET', '/api/v1/definitions');
    assert.ok(defs.body.includes(imported[0]!.name), defs.body);
  });

  it('imports nothing when one uploaded document has an error, and says where as idflow import does', async () => {
    const good = GRANT_ROLE.replace(/name='([^']+)'/, "name='$1 Copy'");
    const bad = "<?xml version='1.0'?>\n<Waveset>\n  <TaskDefinition name='Broken'>\n</Waveset>\n";
    const r = await w.call(ada, 'POST', '/api/v1/imports', { files: [{ name: 'good.xml', xml: good }, { name: 'bad.xml', xml: bad }] });
    assert.equal(r.statusCode, 400, r.body);
    const error = (r.json() as { error: { code: string; details: { diagnostics: string[] } } }).error;
    assert.equal(error.code, 'IMPORT_REFUSED');
    assert.ok(error.details.diagnostics.some((d) => /^bad\.xml:\d+:\d+: error /.test(d)), error.details.diagnostics.join('\n'));
    const defs = await w.call(ada, 'GET', '/api/v1/definitions');
    assert.ok(!defs.body.includes('Copy'), 'the good document of the refused upload is not imported either');
  });

  it('lists provisioning orders by state, retries one in error and refuses to retry one that is pending', async () => {
    const jdoe = (await w.repository.identities.findIdentity('jdoe'))!.identity.id;
    const base = { identityId: jdoe, connector: 'badges', operation: 'create' as const, createdAt: w.now(), payload: { attributes: { login: 'jdoe' } } };
    await w.repository.provisioning.enqueue([
      { ...base, id: 'po-1', idempotencyKey: 'po-key-1' },
      { ...base, connector: 'crm', id: 'po-2', idempotencyKey: 'po-key-2' },
    ]);
    const [claimed] = await w.repository.provisioning.claim('test-worker', w.now() + 1, 60_000, 1);
    assert.ok(claimed);
    assert.ok(await w.repository.provisioning.fail('test-worker', claimed.id, { errorCode: 'CONNECTOR_REFUSED', message: 'no such group' }, w.now()));
    const errors = await w.call(ada, 'GET', '/api/v1/provisioning/orders?state=error&identity=jdoe');
    assert.equal(errors.statusCode, 200, errors.body);
    const items = (errors.json() as { items: { id: string; errorCode: string }[] }).items;
    assert.deepEqual(items.map((o) => [o.id, o.errorCode]), [[claimed.id, 'CONNECTOR_REFUSED']]);
    const ada2 = await w.signIn('ada');
    const retried = await w.call(ada2, 'POST', `/api/v1/provisioning/orders/${claimed.id}/retry`);
    assert.equal(retried.statusCode, 200, retried.body);
    assert.equal((retried.json() as { order: { state: string; attempts: number } }).order.state, 'pending');
    const other = claimed.id === 'po-1' ? 'po-2' : 'po-1';
    const refused = await w.call(ada2, 'POST', `/api/v1/provisioning/orders/${other}/retry`);
    assert.equal(refused.json().error.code, 'PROVISIONING_ORDER_NOT_RETRYABLE', refused.body);
    assert.equal((await w.call(ada, 'GET', '/api/v1/provisioning/orders/nope')).json().error.code, 'PROVISIONING_ORDER_NOT_FOUND');
  });

  it('lists HR runs newest first page by page and shows one with its plan', async () => {
    for (const [i, outcome] of (['applied', 'refused', 'dry-run'] as const).entries()) {
      await w.repository.hr.recordRun({ id: `run-${i}`, source: 'workday', at: NOW + i * 1000, file: `hr-${i}.csv`, outcome, plan: { starts: i } }, []);
    }
    const first = await w.call(ada, 'GET', '/api/v1/hr/runs?source=workday&limit=2');
    assert.equal(first.statusCode, 200, first.body);
    const p1 = first.json() as { items: { id: string; plan?: unknown }[]; nextCursor: string };
    assert.deepEqual(p1.items.map((r) => r.id), ['run-2', 'run-1']);
    assert.ok(p1.items.every((r) => r.plan === undefined), 'lists leave the plans out');
    const second = (await w.call(ada, 'GET', `/api/v1/hr/runs?source=workday&limit=2&cursor=${p1.nextCursor}`)).json() as { items: { id: string }[]; nextCursor: string | null };
    assert.deepEqual(second.items.map((r) => r.id), ['run-0']);
    assert.equal(second.nextCursor, null);
    assert.deepEqual((await w.call(ada, 'GET', '/api/v1/hr/runs?outcome=refused')).json().items.map((r: { id: string }) => r.id), ['run-1']);
    const one = await w.call(ada, 'GET', '/api/v1/hr/runs/run-0');
    assert.deepEqual((one.json() as { run: { plan: unknown } }).run.plan, { starts: 0 });
    assert.equal((await w.call(ada, 'GET', '/api/v1/hr/runs/nope')).json().error.code, 'HR_RUN_NOT_FOUND');
  });

  it('refuses an upload larger than the import limit', async () => {
    const r = await w.call(ada, 'POST', '/api/v1/imports', { files: [{ name: 'huge.xml', xml: 'x'.repeat(9 * 1024 * 1024) }] });
    assert.equal(r.statusCode, 413, r.body);
  });
});
