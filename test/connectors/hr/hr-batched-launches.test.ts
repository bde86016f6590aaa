/**
 * Batched HR launches on both databases (docs/decisions/batched-launches.md): an import whose launches are claimed,
 * launched and finished per batch, with each row's first transition fired by whoever advances the instance, ends
 * exactly where launching the rows one by one (a sync launch, then the launcher's decision) ended: the same
 * instances, positions, identities, open items and audit trail. A refused row is refused alone.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importHrFile, parseHrSource, planHrRun, readHrFile } from '../../../src/connectors/hr/index.js';
import { loadDefinitionFiles } from '../../../src/definition/load.js';
import { openEngine, type RuntimeEngine } from '../../../src/engine/engine.js';
import type { Repository } from '../../../src/repository/repository.js';
import type { StoredAuditEvent } from '../../../src/repository/runtime-store.js';
import { DATABASES } from '../../repository/repository-factory.js';

const DEFAULTS = fileURLToPath(new URL('../../../config/default/', import.meta.url));
const START = Date.parse('2026-03-02T09:00:00Z');
const MAPPING = {
  name: 'workday',
  key: 'EmployeeID',
  columns: { EmployeeID: 'EmployeeId', Login: 'Login', FirstName: 'FirstName', LastName: 'LastName', Department: 'Department' },
  subject: 'Login',
  added: { workflow: 'User_Onboarding', firstTransition: 'ActionWithRefine-ActionPending-Execute' },
};
const HEADER = 'EmployeeID,Login,FirstName,LastName,Department';
const csv = (rows: readonly string[]): Uint8Array => Buffer.from([HEADER, ...rows].join('\n') + '\n', 'utf8');
const joiners = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `E${from + i},user${from + i},First${from + i},Last${from + i},Dept${(from + i) % 3}`);

interface Side {
  repo: Repository;
  engine: RuntimeEngine;
}

async function openSide(open: () => Promise<Repository>, clock: () => number): Promise<Side> {
  const repo = await open();
  const loaded = await loadDefinitionFiles(readdirSync(DEFAULTS).filter((f) => f.endsWith('.xml')).map((f) => join(DEFAULTS, f)));
  await repo.objects.putMany(loaded.objects);
  await repo.hr.putSource('workday', parseHrSource(MAPPING) as unknown as Record<string, unknown>, START);
  return { repo, engine: await openEngine({ repository: repo, clock, workerId: 'hr-batch-test' }) };
}

/** What a person sees of one instance's record, without ids and times (the feed's own rows are compared apart). */
function trail(events: readonly StoredAuditEvent[]): string[] {
  return events.filter((e) => !e.event.startsWith('hr.')).map((e) => {
    const d = (e.data ?? {}) as Record<string, unknown>;
    return [e.event, e.activity ?? '', e.actor ?? '', d['decision'] ?? '', d['as'] ?? '', d['subject'] ?? '', d['comment'] ?? ''].join('|');
  });
}

/** Everything the rows started, keyed by subject, as the one-by-one and the batched runs must both leave it. */
async function outcome(side: Side): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const t of await side.engine.listTasks({ definition: 'User_Onboarding', limit: 1000 })) {
    const items = [
      ...(await side.engine.listWorkItems({ instanceId: t.id, state: 'decided' })),
      ...(await side.engine.listWorkItems({ instanceId: t.id, state: 'open' })),
    ];
    const identity = await side.repo.identities.findIdentity(t.subject ?? '');
    out[t.subject ?? t.id] = {
      state: t.state,
      position: t.position,
      launcher: t.launcher,
      changes: t.variables['changes'],
      identity: identity?.identity.state,
      items: items.map((i) => [i.activity, i.state, i.permission, i.owner, i.decision, i.decidedBy]),
      audit: trail(await side.repo.audit.query({ instanceId: t.id })),
    };
  }
  return out;
}

for (const database of DATABASES) {
  describe(`${database.name}: batched HR launches`, () => {
    let now = START;
    const clock = () => now;
    let batched: Side;
    let single: Side;

    before(async () => {
      batched = await openSide(() => database.open(), clock);
      single = await openSide(() => database.open(), clock);
    });
    after(async () => {
      for (const side of [batched, single]) {
        await side.engine.close();
        await side.repo.close();
      }
    });

    it('starts one workflow per row, ending where launching the rows one by one ends, audit trail included', async () => {
      const rows = joiners(40);
      const result = await importHrFile({ repository: batched.repo, engine: batched.engine, clock }, { source: 'workday', file: 'wave.csv', bytes: csv(rows) });
      assert.equal(result.launches?.launched, 40, JSON.stringify(result.launches?.results.filter((r) => r.error)));
      assert.equal(result.launches?.failed, 0);

      // The reference: the same plan, each row launched as the feed launched it before batching, one at a time.
      const source = parseHrSource(MAPPING);
      const plan = planHrRun(source, new Map(), readHrFile(csv(rows), source).rows, now);
      for (const l of plan.launches) {
        const started = await single.engine.launch({ definition: l.definition, variables: l.variables, launcher: 'hr:workday', subject: l.subject!, mode: 'sync' });
        const request = started.workItems.find((i) => i.activity.endsWith('ActionWithRefine-ActionPending'))!;
        await single.engine.decide({ workItemId: request.id, decision: 'Execute', actor: 'hr:workday', comment: `HR feed workday, row ${l.key}` });
      }
      const got = await outcome(batched);
      const want = await outcome(single);
      assert.equal(Object.keys(got).length, 40);
      assert.deepEqual(got, want);
      const first = got['user0'] as { position: string[]; identity: string; audit: string[] };
      assert.deepEqual(first.position, ['Review/ReviewWithFeedback-ReviewPending'], 'past the Request, waiting for the review');
      assert.equal(first.identity, 'draft', 'the Request fired: PersistDraft saved the joiner');
      assert.ok(first.audit.some((a) => a.startsWith('decision|Request/ActionWithRefine-ActionPending|hr:workday|Execute|owner')), first.audit.join('\n'));
      const hr = await batched.repo.audit.query({ event: 'hr.launched' });
      assert.deepEqual(hr.map((e) => (e.data as Record<string, unknown>)['key']).sort(), plan.launches.map((l) => l.key).sort(), 'one hr.launched per row');
      assert.ok(hr.every((e) => e.instanceId !== undefined && e.actor === 'hr:workday'));
    });

    it('puts off a row whose person already has an update workflow running, and starts the rest of its batch', async () => {
      // busy40 is in the middle of a name change; user41 and its twin row name the same person.
      const held = await batched.engine.launch({ definition: 'User_ChangeName', launcher: 'hr:workday', subject: 'busy40', variables: { changes: { Login: 'busy40' } }, mode: 'sync' });
      const rows = [...joiners(40), 'E40,busy40,Busy,Person,Dept1', 'E41,user41,Twin,One,Dept2', 'E42,user41,Twin,Two,Dept2', ...joiners(3, 43)];
      const result = await importHrFile({ repository: batched.repo, engine: batched.engine, clock }, { source: 'workday', file: 'wave2.csv', bytes: csv(rows) });
      assert.equal(result.launches?.launched, 4, JSON.stringify(result.launches));
      assert.equal(result.launches?.failed, 0);
      assert.equal(result.launches?.deferred, 2);
      const putOff = result.launches!.results.filter((r) => r.retryAt !== undefined);
      assert.deepEqual(putOff.map((r) => r.key).filter((k) => k === 'E40'), ['E40']);
      assert.ok(putOff.every((r) => r.error!.startsWith('SUBJECT_BUSY')), JSON.stringify(putOff));
      assert.equal(putOff.filter((r) => r.key === 'E41' || r.key === 'E42').length, 1, 'one of the twin rows starts, the other meets its lock');
      const busy = (await batched.repo.audit.query({ event: 'hr.launch-deferred' })).find((e) => (e.data as Record<string, unknown>)['key'] === 'E40');
      assert.match(String((busy?.data as Record<string, unknown>)['error']), /^SUBJECT_BUSY/);
      assert.equal((await batched.engine.getTask(held.instance.id)).state, 'executing', 'the running workflow is left alone');
      for (const key of ['user43', 'user44', 'user45']) {
        const [t] = await batched.engine.listTasks({ definition: 'User_Onboarding', subject: key });
        assert.deepEqual(t?.position, ['Review/ReviewWithFeedback-ReviewPending'], key);
      }
      const launches = await batched.repo.hr.listLaunches('workday');
      assert.deepEqual(launches.filter((l) => l.state === 'pending').map((l) => l.instanceId), [null, null], 'the two put off wait, unclaimed, for a later round');
    });
  });

  describe(`${database.name}: launchMany and launch decisions`, () => {
    let now = START;
    const clock = () => now;
    let side: Side;

    before(async () => {
      side = await openSide(() => database.open(), clock);
    });
    after(async () => {
      await side.engine.close();
      await side.repo.close();
    });

    it('commits the launches ready for the workers, whose round fires each first decision', async () => {
      const results = await side.engine.launchMany(
        ['w1', 'w2', 'w3'].map((login) => ({
          definition: 'User_Onboarding',
          launcher: 'hr:workday',
          subject: login,
          variables: { changes: { Login: login, LastName: login } },
          firstDecision: { decision: 'Execute', activity: 'ActionWithRefine-ActionPending' },
        })),
      );
      assert.deepEqual(results.map((r) => r.ok && r.instance.state), ['ready', 'ready', 'ready']);
      const round = await side.engine.runWorkerOnce();
      assert.equal(round.advanced, 3);
      for (const r of results) {
        const t = await side.engine.getTask(r.ok ? r.instance.id : '');
        assert.deepEqual(t.position, ['Review/ReviewWithFeedback-ReviewPending']);
        const request = (await side.engine.listWorkItems({ instanceId: t.id, state: 'decided' })).find((i) => i.activity.endsWith('ActionWithRefine-ActionPending'));
        assert.equal(request?.state, 'decided', 'the Request is on record, executed');
        assert.equal(request?.decidedBy, 'hr:workday');
      }
    });

    it('mails the to-do of the item its first decision leads to, and none for the item that decision closed', async () => {
      const [r] = await side.engine.launchMany([
        { definition: 'User_Onboarding', launcher: 'hr:workday', subject: 'm1', variables: { changes: { Login: 'm1', LastName: 'm1' } }, firstDecision: { decision: 'Execute', activity: 'ActionWithRefine-ActionPending' } },
      ]);
      assert.ok(r?.ok);
      await side.engine.runWorkerOnce();
      const open = await side.engine.listWorkItems({ instanceId: r.instance.id, state: 'open' });
      const decided = await side.engine.listWorkItems({ instanceId: r.instance.id, state: 'decided' });
      assert.deepEqual(open.map((i) => i.activity), ['Review/ReviewWithFeedback-ReviewPending']);
      assert.equal(decided.length, 1);
      const mail = (await side.repo.notifications.list()).filter((n) => n.instanceId === r.instance.id && n.kind === 'workitem');
      assert.deepEqual(mail.map((n) => n.workItemId), [open[0]!.id], 'one to-do mail, for the Review still to be done');
      assert.match(mail[0]!.subject, /^\[idflow\] To do: /);
    });

    it('leaves an instance waiting, on record, when its first decision finds no item to decide', async () => {
      const [r] = await side.engine.launchMany([
        { definition: 'User_Onboarding', launcher: 'hr:workday', subject: 'w4', variables: { changes: { Login: 'w4', LastName: 'w4' } }, firstDecision: { decision: 'Approve', activity: 'ReviewWithFeedback-ReviewPending' } },
      ]);
      assert.ok(r?.ok);
      await side.engine.runWorkerOnce();
      const t = await side.engine.getTask(r.instance.id);
      assert.deepEqual(t.position, ['Request/ActionWithRefine-ActionPending'], 'waiting on its Request as if launched by hand');
      const skipped = await side.repo.audit.query({ instanceId: r.instance.id, event: 'launch-decision-skipped' });
      assert.equal(skipped.length, 1);
      assert.match(String((skipped[0]!.data as Record<string, unknown>)['reason']), /no work item in ReviewWithFeedback-ReviewPending offering Approve/);
    });

    for (const advance of [true, false]) {
      it(`marks a claimed HR row launched in its launch's own commit, and refuses a row another launcher took over (${advance ? 'advanced at once' : 'left to the workers'})`, async () => {
        const [mine, taken] = advance ? ['c1', 'c2'] : ['c3', 'c4'];
        const row = (login: string, dueAt: number) => ({
          id: `hr-${login}`, source: 'workday', runId: `run-${login}`, rowKey: login, change: 'added' as const, definition: 'User_Onboarding', subject: login,
          variables: { changes: { Login: login, LastName: login } }, firstTransition: 'ActionWithRefine-ActionPending-Execute', dueAt, state: 'pending' as const, instanceId: null, error: null,
        });
        await side.repo.hr.apply({
          run: { id: `run-${mine}`, source: 'workday', at: now, file: 'claims.csv', outcome: 'applied', plan: {} },
          upserts: [],
          deletes: [],
          launches: [row(mine!, now), row(taken!, now - 1)],
          audit: [],
        });
        assert.equal((await side.repo.hr.claimDue(now, 2, 'claim:mine', 60_000, 'workday')).length, 2);
        // Our claim lapses; another launcher takes one of the two rows over before our launch commits.
        assert.deepEqual((await side.repo.hr.claimDue(now + 61_000, 1, 'claim:other', 60_000, 'workday')).map((l) => l.id), [`hr-${taken}`]);
        const results = await side.engine.launchMany(
          [mine!, taken!].map((login) => ({
            definition: 'User_Onboarding',
            launcher: 'hr:workday',
            subject: login,
            variables: { changes: { Login: login, LastName: login } },
            firstDecision: { decision: 'Execute', activity: 'ActionWithRefine-ActionPending' },
            hrLaunch: { id: `hr-${login}`, claim: 'claim:mine', audit: { at: now, event: 'hr.launched', actor: 'hr:workday', data: { key: login } } },
          })),
          { advance },
        );
        assert.deepEqual(results.map((r) => (r.ok ? 'ok' : r.error.code)), ['ok', 'HR_LAUNCH_TAKEN']);
        const started = results[0]!.ok ? results[0]!.instance.id : '';
        const rows = new Map((await side.repo.hr.listLaunches('workday')).map((l) => [l.id, l]));
        assert.deepEqual([rows.get(`hr-${mine}`)!.state, rows.get(`hr-${mine}`)!.instanceId], ['launched', started]);
        assert.deepEqual([rows.get(`hr-${taken}`)!.state, rows.get(`hr-${taken}`)!.instanceId], ['pending', 'claim:other'], 'left to the launcher that holds it');
        assert.deepEqual(await side.engine.listTasks({ subject: taken }), [], 'nothing of the refused launch is written');
        const marked = (await side.repo.audit.query({ event: 'hr.launched' })).filter((e) => [mine, taken].includes(String((e.data as Record<string, unknown>)['key'])));
        assert.deepEqual(marked.map((e) => e.instanceId), [started], 'its hr.launched row carries the instance, written with it');
      });
    }

    it('answers each refused launch with its own error and launches the others', async () => {
      const results = await side.engine.launchMany([
        { definition: 'User_Onboarding', launcher: 'hr:workday', subject: 'w5', variables: { changes: { Login: 'w5', LastName: 'w5' } } },
        { definition: 'No_Such_Workflow', launcher: 'hr:workday' },
        { definition: 'User_Onboarding', launcher: 'hr:workday', subject: 'w5', variables: { changes: { Login: 'w5', LastName: 'w5' } } },
      ]);
      assert.deepEqual(
        results.map((r) => (r.ok ? 'ok' : r.error.code)),
        ['ok', 'DEFINITION_NOT_FOUND', 'SUBJECT_BUSY'],
      );
      const launched = await side.repo.audit.query({ instanceId: results[0]!.ok ? results[0]!.instance.id : '', event: 'launched' });
      assert.equal(launched.length, 1, 'the launch is on record');
    });
  });
}
