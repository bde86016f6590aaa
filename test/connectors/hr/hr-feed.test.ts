/**
 * The HR feed end to end on both databases, with config/default's Netwrix workflows: joiners, movers and leavers
 * from successive CSV files start their workflows with the Request fired at once; a re-import starts nothing; a
 * future hire starts on its date (a clock the test moves); a bad file, the guard and a dry run change nothing.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadDefinitionFiles } from '../../../src/definition/load.js';
import { openEngine, type RuntimeEngine } from '../../../src/engine/engine.js';
import { importHrFile, launchDueHr, parseHrSource, type HrImportResult } from '../../../src/connectors/hr/index.js';
import { hasErrorCode } from '../../../src/errors.js';
import type { Repository } from '../../../src/repository/repository.js';
import { DATABASES } from '../../repository/repository-factory.js';
import { csv, HEADER, JANE, JOHN, MAPPING } from '../../support/hr-workday.js';

const DEFAULTS = fileURLToPath(new URL('../../../config/default/', import.meta.url));
const DAY = 86_400_000;
const START = Date.parse('2026-03-02T09:00:00Z');

for (const database of DATABASES) {
  describe(`${database.name}: the HR feed`, () => {
    let repo: Repository;
    let engine: RuntimeEngine;
    let now = START;
    const clock = () => now;
    const run = (bytes: Uint8Array, extra: { dryRun?: boolean; force?: boolean; source?: string } = {}): Promise<HrImportResult> =>
      importHrFile({ repository: repo, engine, clock }, { source: extra.source ?? 'workday', file: 'people.csv', bytes, ...extra });
    const tasksOf = async (definition: string) => (await engine.listTasks({ definition })).filter((t) => t.definition.name === definition);
    const snapshotKeys = async (source = 'workday') => [...(await repo.hr.snapshot(source)).keys()].sort();

    before(async () => {
      repo = await database.open();
      const loaded = await loadDefinitionFiles(readdirSync(DEFAULTS).filter((f) => f.endsWith('.xml')).map((f) => join(DEFAULTS, f)));
      await repo.objects.putMany(loaded.objects);
      await repo.hr.putSource('workday', parseHrSource(MAPPING) as unknown as Record<string, unknown>, START);
      engine = await openEngine({ repository: repo, clock, workerId: 'hr-test' });
    });
    after(async () => {
      await engine.close();
      await repo.close();
    });

    it('starts an onboarding per joiner with its Request executed by the feed, so it waits for the review', async () => {
      const result = await run(csv(JANE, JOHN));
      assert.equal(result.outcome, 'applied');
      assert.deepEqual([...result.plan.joiners], ['E1', 'E2']);
      assert.equal(result.launches?.launched, 2, JSON.stringify(result.launches));
      const onboardings = await tasksOf('User_Onboarding');
      assert.equal(onboardings.length, 2);
      for (const t of onboardings) {
        assert.equal(t.launcher, 'hr:workday');
        assert.deepEqual(t.position, ['Review/ReviewWithFeedback-ReviewPending'], 'past the Request, waiting for a reviewer');
      }
      const draft = await repo.identities.findIdentity('jdoe');
      assert.equal(draft?.identity.state, 'draft', 'the Request fired: PersistDraft saved the joiner');
      assert.deepEqual(await snapshotKeys(), ['E1', 'E2']);
    });

    it('starts nothing when the same file is imported again', async () => {
      const before = (await engine.listTasks({})).length;
      const result = await run(csv(JANE, JOHN));
      assert.equal(result.plan.launches.length, 0);
      assert.equal(result.plan.unchanged, 2);
      assert.equal((await engine.listTasks({})).length, before);
    });

    it('starts the mover workflow for a changed department, and nothing for a change it does not watch', async () => {
      // The onboardings hold their subjects until reviewed: approve them first, as a manager would.
      await repo.profiles.assign('bob', ['Manager'], 'admin', now);
      for (const item of await engine.listWorkItems({ owner: 'bob' })) await engine.decide({ workItemId: item.id, decision: 'Approve', actor: 'bob' });
      assert.equal((await repo.identities.findIdentity('jdoe'))?.identity.state, 'active');
      const result = await run(csv('E1,jdoe,Jane,Doe,Audit,01/02/2026', 'E2,jsmith,Johnny,Smith,Sales,15/02/2026'));
      assert.deepEqual([...result.plan.movers], ['E1']);
      assert.deepEqual([...result.plan.updated], ['E2'], 'a first-name change is taken quietly');
      const movers = await tasksOf('User_ChangeName');
      assert.equal(movers.length, 1);
      assert.equal(movers[0]!.subject, 'jdoe');
      assert.deepEqual(movers[0]!.variables['changes'], { Department: 'Audit', Login: 'jdoe' });
      assert.equal(movers[0]!.position.some((p) => p.includes('ActionPending')), false, 'its Request was executed');
    });

    it('starts the leaver workflow for a row that disappears', async () => {
      const result = await run(csv('E1,jdoe,Jane,Doe,Audit,01/02/2026'));
      assert.deepEqual([...result.plan.leavers], ['E2']);
      assert.equal(result.launches?.failed, 0, JSON.stringify(result.launches));
      const leavers = await tasksOf('User_Offboarding');
      assert.equal(leavers.length, 1);
      assert.equal(leavers[0]!.subject, 'jsmith');
      assert.equal((leavers[0]!.variables['changes'] as Record<string, unknown>)['EndDate'], '2026-03-02');
      assert.deepEqual(await snapshotKeys(), ['E1']);
    });

    it('starts a hire dated next month on that date, not before', async () => {
      const result = await run(csv('E1,jdoe,Jane,Doe,Audit,01/02/2026', 'E3,afuture,Ann,Future,IT,01/04/2026'));
      assert.deepEqual([...result.plan.joiners], ['E3']);
      assert.equal(result.launches?.launched, 0, 'nothing is due yet');
      const pending = (await repo.hr.listLaunches('workday')).filter((l) => l.state === 'pending');
      assert.deepEqual(pending.map((l) => [l.rowKey, new Date(l.dueAt).toISOString()]), [['E3', '2026-04-01T00:00:00.000Z']]);
      const count = async () => (await tasksOf('User_Onboarding')).filter((t) => t.subject === 'afuture' || (t.variables['changes'] as Record<string, unknown>)['Login'] === 'afuture').length;
      now = Date.parse('2026-03-31T23:00:00Z');
      assert.equal((await launchDueHr({ repository: repo, engine, clock })).launched, 0);
      assert.equal(await count(), 0);
      now = Date.parse('2026-04-01T00:00:00Z');
      const report = await launchDueHr({ repository: repo, engine, clock });
      assert.equal(report.launched, 1);
      assert.equal(await count(), 1, 'the onboarding started on the hire date');
      assert.equal((await launchDueHr({ repository: repo, engine, clock })).launched, 0, 'once');
    });

    it('refuses a bad file whole, with a report per row, and changes nothing', async () => {
      const snapshot = await repo.hr.snapshot('workday');
      const tasks = (await engine.listTasks({})).length;
      const bad = Buffer.from(
        ['EmployeeID,Login,FirstName,LastName,Department,HireDate,Shoe', 'E1,jdoe,Jane,Doe,Audit,01/02/2026,42', ',nokey,No,Key,IT,01/02/2026,1', 'E1,dup,Du,P,IT,01/02/2026,2', 'E9,late,La,Te,IT,2026-13-45,3', 'E10,new,Ne,W,IT,01/02/2026,4'].join('\n'),
      );
      await assert.rejects(run(bad), (e: unknown) => {
        assert.ok(hasErrorCode(e, 'HR_FILE_REFUSED'));
        const problems = (e as { details: { problems: { kind: string; line?: number }[] } }).details.problems;
        assert.deepEqual(problems.map((p) => [p.kind, p.line]), [['unknown-column', 1], ['missing-key', 3], ['duplicate-key', 4], ['bad-date', 5]]);
        return true;
      });
      assert.deepEqual(await repo.hr.snapshot('workday'), snapshot, 'the snapshot is as it was');
      assert.equal((await engine.listTasks({})).length, tasks, 'nothing started, not even E10');
      const runs = await repo.hr.listRuns('workday');
      assert.equal(runs.at(-1)?.outcome, 'refused', 'the refusal is on record');
    });

    it('refuses a file that is not in the declared encoding', async () => {
      const latin1 = Buffer.from(`${HEADER}\nE1,jdoe,Jos\xe9,Doe,Audit,01/02/2026\n`, 'latin1');
      await assert.rejects(run(latin1), (e: unknown) => {
        assert.ok(hasErrorCode(e, 'HR_FILE_REFUSED'));
        const p = (e as { details: { problems: { kind: string; line?: number }[] } }).details.problems;
        assert.deepEqual(p.map((x) => [x.kind, x.line]), [['encoding', 2]]);
        return true;
      });
    });

    it('stops a run that would start more workflows than the threshold, unless forced; a dry run only plans', async () => {
      await repo.hr.putSource('small', parseHrSource({ ...MAPPING, name: 'small', threshold: { count: 1 }, added: { workflow: 'User_Onboarding' } }) as unknown as Record<string, unknown>, now);
      const two = csv('S1,s1,S,One,IT,01/01/2026', 'S2,s2,S,Two,IT,01/01/2026');
      const tasks = (await engine.listTasks({})).length;
      const dry = await run(two, { source: 'small', dryRun: true });
      now += 1000;
      assert.equal(dry.outcome, 'dry-run');
      assert.deepEqual(dry.plan.launches.map((l) => [l.key, l.definition]), [['S1', 'User_Onboarding'], ['S2', 'User_Onboarding']]);
      await assert.rejects(run(two, { source: 'small' }), (e: unknown) => hasErrorCode(e, 'HR_THRESHOLD_EXCEEDED'));
      now += 1000;
      assert.deepEqual(await snapshotKeys('small'), [], 'the guard changed nothing');
      assert.equal((await engine.listTasks({})).length, tasks);
      const forced = await run(two, { source: 'small', force: true });
      assert.equal(forced.launches?.launched, 2);
      assert.deepEqual(await snapshotKeys('small'), ['S1', 'S2']);
      assert.deepEqual((await repo.hr.listRuns('small')).map((r) => r.outcome), ['dry-run', 'stopped', 'applied']);
    });

    it('puts every run and its plan in the audit, found by subject and type', async () => {
      const runs = await repo.audit.query({ event: 'hr.run' });
      assert.ok(runs.length >= 8);
      const applied = runs.find((r) => r.data?.['outcome'] === 'applied');
      assert.deepEqual(applied?.data?.['joiners'], ['E1', 'E2']);
      const jsmith = await repo.audit.query({ subject: 'jsmith' });
      const events = new Set(jsmith.map((e) => e.event));
      assert.ok(events.has('launched') && events.has('hr.launched'), [...events].join(','));
      const jsmithRuns = jsmith.filter((e) => e.event === 'hr.run');
      assert.ok(jsmithRuns.length > 0, 'the runs that started his workflows are in his trail');
      for (const r of jsmithRuns) assert.ok((r.data?.['starts'] as { subject: string }[]).some((x) => x.subject === 'jsmith'), JSON.stringify(r.data));
      assert.ok(!(await repo.audit.query({ subject: 'nobody-at-all' })).some((e) => e.event === 'hr.run'), 'and no run is in the trail of somebody it does not name');
      const onHireDate = await repo.audit.query({ since: Date.parse('2026-04-01T00:00:00Z'), until: Date.parse('2026-04-01T00:00:00.500Z'), event: 'hr.launched' });
      assert.deepEqual(onHireDate.map((e) => e.data?.['subject']), ['afuture']);
    });
  });
}

for (const database of DATABASES) {
  describe(`${database.name}: HR launches shared by several launchers`, () => {
    it('lets one launcher take a pending launch, and another take it again only after the claim lapsed', async () => {
      const repo = await database.open();
      try {
        const at = START;
        await repo.hr.apply({
          run: { id: 'r1', source: 's', at, file: 'f.csv', outcome: 'applied', plan: {} },
          upserts: [],
          deletes: [],
          launches: [{ id: 'l1', source: 's', runId: 'r1', rowKey: 'K', change: 'added', definition: 'W', subject: null, variables: {}, firstTransition: null, dueAt: at, state: 'pending', instanceId: null, error: null }],
          audit: [],
        });
        assert.equal(await repo.hr.claimLaunch('l1', 'a', at, 60_000), true);
        assert.equal(await repo.hr.claimLaunch('l1', 'b', at + 59_999, 60_000), false, 'held by a');
        assert.equal(await repo.hr.claimLaunch('l1', 'b', at + 60_000, 60_000), true, 'a lapsed');
        assert.equal(await repo.hr.finishLaunch('l1', { state: 'launched', instanceId: 'i1' }, at + 60_001), true);
        assert.equal(await repo.hr.claimLaunch('l1', 'c', at + 999_999, 60_000), false, 'done is done');
        assert.deepEqual((await repo.hr.listLaunches('s')).map((l) => [l.state, l.instanceId]), [['launched', 'i1']]);
      } finally {
        await repo.close();
      }
    });
  });
}

for (const database of DATABASES) {
  describe(`${database.name}: one HR run and its progress`, () => {
    it('reads one run by id, and counts its launches as started, failed, due and waiting for their date', async () => {
      const repo = await database.open();
      try {
        const at = START;
        const launch = (id: string, dueAt: number) =>
          ({ id, source: 's', runId: 'r1', rowKey: id, change: 'added', definition: 'W', subject: null, variables: {}, firstTransition: null, dueAt, state: 'pending', instanceId: null, error: null }) as const;
        await repo.hr.apply({
          run: { id: 'r1', source: 's', at, file: 'f.csv', outcome: 'applied', plan: { joiners: ['a', 'b', 'c', 'd'] } },
          upserts: [],
          deletes: [],
          launches: [launch('a', at), launch('b', at), launch('c', at), launch('d', at + DAY)],
          audit: [],
        });
        assert.deepEqual((await repo.hr.getRun('r1'))?.plan, { joiners: ['a', 'b', 'c', 'd'] });
        assert.equal(await repo.hr.getRun('nope'), undefined);
        assert.deepEqual(await repo.hr.runProgress('r1', at), { total: 4, launched: 0, failed: 0, pending: 3, later: 1 });
        await repo.hr.finishLaunch('a', { state: 'launched', instanceId: 'i1' }, at);
        await repo.hr.finishLaunch('b', { state: 'failed', error: 'no' }, at);
        assert.deepEqual(await repo.hr.runProgress('r1', at), { total: 4, launched: 1, failed: 1, pending: 1, later: 1 });
        assert.deepEqual(await repo.hr.runProgress('r1', at + DAY), { total: 4, launched: 1, failed: 1, pending: 2, later: 0 }, 'the future hire is due on its date');
        assert.deepEqual(await repo.hr.runProgress('other', at), { total: 0, launched: 0, failed: 0, pending: 0, later: 0 });
      } finally {
        await repo.close();
      }
    });
  });
}
