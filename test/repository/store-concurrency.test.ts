/**
 * The store contract under concurrency, on every database: several repository handles on one database stand for
 * several idflow processes. Nothing here may rely on a single writer, on rowid order or on a cache that another
 * process cannot invalidate (DESIGN decision 10).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadDefinitionFiles, type LoadedObject } from '../../src/definition/load.js';
import { openEngine, type RuntimeEngine } from '../../src/engine/engine.js';
import { openRepository } from '../../src/repository/open-repository.js';
import type { Repository } from '../../src/repository/repository.js';
import type { InstanceRecord } from '../../src/repository/runtime-store.js';
import { parseBirthrightRule } from '../../src/identity/birthright.js';
import { readNetwrixChangeSet } from '../../src/identity/netwrix-change-set.js';
import { planChangeSetWithBirthright } from '../../src/identity/plan-change-set.js';
import { DATABASES } from './repository-factory.js';

const T0 = Date.UTC(2030, 0, 1);
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/engine/${name}`, import.meta.url));

async function load(...names: string[]): Promise<readonly LoadedObject[]> {
  return (await loadDefinitionFiles(names.map(fixture))).objects;
}

for (const database of DATABASES) {
  describe(`${database.name}: several processes on one repository`, () => {
    let dir: string;
    let target: { readonly db: string; dispose(): Promise<void> };
    const handles: Repository[] = [];
    const engines: RuntimeEngine[] = [];
    const open = async (): Promise<Repository> => {
      const r = await openRepository({ db: target.db, env: {} });
      handles.push(r);
      return r;
    };
    const engineOn = async (repository: Repository, workerId: string): Promise<RuntimeEngine> => {
      const e = await openEngine({ repository, clock: () => T0, workerId });
      engines.push(e);
      return e;
    };
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'idflow-concurrency-'));
      target = await database.location(dir);
    });
    after(async () => {
      for (const e of engines) await e.close();
      for (const r of handles) await r.close();
      await target.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('brings one new database up to date when several processes open it at once', async () => {
      const opened = await Promise.all([open(), open(), open(), open()]);
      assert.equal(opened.length, 4);
      assert.deepEqual(await opened[3]!.objects.list('TaskDefinition'), []);
    });

    it('imports the same definition from two processes at once without a raw unique violation', async () => {
      const [a, b] = [handles[0]!, handles[1]!];
      const objects = await load('task-parameters.xml');
      const [ra, rb] = await Promise.all([a.objects.putMany(objects), b.objects.putMany(objects)]);
      const statuses = [...new Set([...ra, ...rb].map((r) => r.status))].sort();
      assert.deepEqual(statuses, ['created', 'unchanged'], 'one stored each definition, the other found it unchanged');
      for (const o of objects) assert.equal((await a.objects.versions(o.object.type, o.object.name)).length, 1, o.object.name);
    });

    it('moves the change mark that other processes see with every import that stores something, and only then', async () => {
      const [a, b, c] = [handles[0]!, handles[1]!, handles[2]!];
      const before = await c.objects.changeMark();
      await a.objects.putMany(await load('task-parameters.xml'));
      assert.equal(await c.objects.changeMark(), before, 'an unchanged import changes nothing');
      await Promise.all([a.objects.putMany(await load('engine-gaps.xml')), b.objects.putMany(await load('history.xml'))]);
      const after = await c.objects.changeMark();
      assert.notEqual(after, before);
      // A process whose cache was filled before both imports sees both definitions in its next launch.
      const engine = await engineOn(c, 'cache-check');
      assert.equal((await engine.launch({ definition: 'Printer', launcher: 'bob', variables: { who: 'x' } })).instance.state, 'finished');
    });

    it('lets exactly one of several simultaneous launches on one subject take it; the others are told the subject is busy', async () => {
      const [e1, e2] = [await engineOn(handles[0]!, 'w1'), await engineOn(handles[1]!, 'w2')];
      const launches = [e1, e2, e1, e2, e1, e2].map((e) => e.launch({ definition: 'Approval', launcher: 'bob', subject: 'jdoe', variables: { approver: 'alice' } }));
      const settled = await Promise.allSettled(launches);
      const won = settled.filter((s) => s.status === 'fulfilled');
      const codes = settled.flatMap((s) => (s.status === 'rejected' ? [(s.reason as { code?: string }).code] : []));
      assert.equal(won.length, 1, JSON.stringify(codes));
      assert.deepEqual(codes, Array(5).fill('SUBJECT_BUSY'));
      const holder = (won[0] as PromiseFulfilledResult<{ instance: { id: string } }>).value.instance.id;
      assert.equal(await handles[2]!.runtime.subjectHolder('jdoe'), holder);
    });

    it('never gives one instance to two workers claiming at the same time', async () => {
      const e1 = await engineOn(handles[0]!, 'launcher');
      for (let i = 0; i < 40; i++) await e1.launch({ definition: 'Auto Default', launcher: 'bob', variables: { who: `c${i}` } });
      const claims = await Promise.all(
        handles.slice(0, 4).map((h, k) => h.runtime.claim(`worker-${k}`, T0, T0 + 60_000, 15)),
      );
      const ids = claims.flatMap((c: InstanceRecord[]) => c.map((i) => i.id));
      assert.equal(new Set(ids).size, ids.length, 'no instance claimed twice');
      assert.equal(ids.length, 40, 'every due instance claimed by someone');
      for (const [k, c] of claims.entries()) assert.ok(c.every((i) => i.leaseOwner === `worker-${k}`));
      assert.equal((await handles[0]!.runtime.claim('late', T0, T0 + 60_000, 10)).length, 0, 'leased rows are not claimable');
      for (const k of [0, 1, 2, 3]) await handles[0]!.runtime.releaseLeases(`worker-${k}`);
    });

    it('advances every due instance exactly once when several workers run rounds at once', async () => {
      const workers = await Promise.all(handles.slice(0, 3).map((h, k) => engineOn(h, `round-${k}`)));
      let advanced = 0;
      for (let round = 0; round < 5; round++) {
        const r = await Promise.all(workers.map((w) => w.runWorkerOnce()));
        advanced += r.reduce((n, x) => n + x.advanced, 0);
      }
      assert.equal(advanced, 40);
      const finished = (await handles[0]!.runtime.listAudit()).filter((e) => e.event === 'finished' && e.definitionName === 'Auto Default');
      assert.equal(finished.length, 40);
      assert.equal(new Set(finished.map((e) => e.instanceId)).size, 40);
    });

    it('answers who is away from its copy only while no process has declared or cleared an absence since', async () => {
      const [a, b] = [handles[0]!, handles[1]!];
      const away = async (persons: string[], mark: number) => (await a.absences.inForce(persons, T0, mark)).map((x) => `${x.person}→${x.delegate}`);
      const m0 = (await a.identities.subjectKeyReads('nobody')).absencesMark;
      assert.deepEqual(await away(['ann'], m0), [], 'nobody away yet');
      await b.absences.put({ person: 'ann', delegate: 'dave', from: T0 - 1, until: null, note: null, setBy: 'ann', setAt: T0 });
      const m1 = (await a.identities.persistReads('nobody', null)).absencesMark!;
      assert.notEqual(m1, m0, 'the counter moved with the absence another process declared');
      assert.deepEqual(await away(['ann', 'bob'], m1), ['ann→dave']);
      assert.deepEqual(await away(['bob', 'ann'], m1), ['ann→dave'], 'and again, from the copy');
      await b.absences.put({ person: 'ann', delegate: 'erin', from: T0 - 1, until: null, note: null, setBy: 'ann', setAt: T0 });
      assert.deepEqual(await away(['ann'], (await a.identities.subjectKeyReads('nobody')).absencesMark), ['ann→erin'], 'the delegate another process changed');
      assert.equal(await b.absences.clear('ann'), true);
      assert.deepEqual(await away(['ann'], (await a.identities.subjectKeyReads('nobody')).absencesMark), [], 'the absence another process cleared');
    });

    it("gives a launch's new item to the delegate of an owner another process declared away since this one's last launch", async () => {
      const [a, b] = [handles[0]!, handles[1]!];
      const defaults = fileURLToPath(new URL('../../config/default/', import.meta.url));
      await a.objects.putMany((await loadDefinitionFiles(readdirSync(defaults).filter((f) => f.endsWith('.xml')).map((f) => join(defaults, f)))).objects);
      const engine = await openEngine({ repository: a, clock: () => T0, workerId: 'ooo', permissions: () => true });
      engines.push(engine);
      const owner = async (login: string): Promise<string> => {
        const launched = await engine.launch({
          definition: 'Update User With Approval', launcher: 'bob', mode: 'sync', subject: login, variables: { accountId: login, changes: {}, approver: 'ann' },
        });
        const item = launched.workItems[0]!;
        return item.delegatedFrom === undefined ? item.owner! : `${item.owner} for ${item.delegatedFrom}`;
      };
      assert.equal(await owner('ooo1'), 'ann');
      await b.absences.put({ person: 'ann', delegate: 'dave', from: T0 - 1, until: null, note: null, setBy: 'ann', setAt: T0 });
      assert.equal(await owner('ooo2'), 'dave for ann');
      await b.absences.clear('ann');
      assert.equal(await owner('ooo3'), 'ann');
    });

    it('grants by the birthright rules another process changed since this one last planned a Persist', async () => {
      const [a, b] = [handles[0]!, handles[1]!];
      const put = (repository: Repository, birthright: string | null) =>
        repository.identities.putResource({
          id: 'res-wiki', kind: 'application', name: 'wiki', nameKey: 'wiki', displayName: null, description: null, connector: null, targetKey: null,
          owners: [], birthright: parseBirthrightRule(birthright), createdAt: T0, updatedAt: T0,
        });
      const grants = async (login: string): Promise<readonly string[]> =>
        (await planChangeSetWithBirthright(a.identities, readNetwrixChangeSet({ Login: login, LastName: 'L' }), {
          now: T0, idempotencyKey: `birthright-${login}`, instanceId: null, mode: 'persist', provisioning: true,
        })).birthright.add;
      await put(b, null);
      assert.deepEqual(await grants('p1'), [], 'no rule yet');
      await put(b, 'all');
      assert.deepEqual(await grants('p2'), ['wiki'], 'the rule another process gave the resource');
      assert.deepEqual(await grants('p3'), ['wiki'], 'and again, unchanged');
      await put(b, 'none');
      assert.deepEqual(await grants('p4'), [], 'the rule another process took away');
    });
  });
}
