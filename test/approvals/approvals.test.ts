/**
 * Approvals through the real engine, on SQLite and on PostgreSQL (docs/approvals.md): approvers from the subject's
 * manager, the resource's owners and a profile; the modes any, serial and parallel with their decline paths;
 * four-eyes; escalation to the approver's manager after the due time; the reminder mail; a serial approval that
 * waits across an engine restart. Both dialects: the Waveset `Approval` subprocess and Netwrix Reviews.
 *
 * The organisation: mary (no manager) manages mike, who manages sam, sue, rita and tom; oscar and olga own the
 * resource `vpn`; aud1 and aud2 hold the profile Auditors. rita asks (the launcher).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { XValue } from '../../src/expression/env.js';
import type { WorkItemView } from '../../src/engine/engine-api.js';
import { openEngine } from '../../src/engine/engine.js';
import { readNetwrixChangeSet } from '../../src/identity/netwrix-change-set.js';
import { planChangeSet } from '../../src/identity/plan-change-set.js';
import { subjectKey } from '../../src/identity/subject-key.js';
import { compileMailSettings } from '../../src/notifications/mail-settings.js';
import { MailWorker } from '../../src/notifications/mail-worker.js';
import { DATABASES } from '../repository/repository-factory.js';
import { openRuntimeWorld, T0, type RuntimeWorld } from '../engine/runtime-harness.js';
import { startSmtpServer, type TestSmtpServer } from '../notifications/smtp-test-server.js';

const MINUTE = 60_000;
const STOCK_APPROVAL = '../../../config/default/waveset-approval.xml';

async function person(w: RuntimeWorld, login: string, manager?: string): Promise<void> {
  const changes: Record<string, XValue> = { Login: login, FirstName: login, LastName: 'Test', ...(manager !== undefined && { Manager: manager }) };
  const write = await planChangeSet(w.repository.identities, readNetwrixChangeSet(changes), {
    now: T0,
    idempotencyKey: `setup:${login}`,
    instanceId: null,
    mode: 'persist',
    provisioning: false,
  });
  const [status] = await w.repository.identities.apply([write]);
  assert.equal(status, 'committed', `${login} is created`);
}

async function organisation(w: RuntimeWorld): Promise<void> {
  await person(w, 'mary');
  await person(w, 'mike', 'mary');
  for (const p of ['sam', 'sue', 'rita', 'tom', 'una', 'vic']) await person(w, p, 'mike');
  await person(w, 'oscar', 'mary');
  await person(w, 'olga');
  await w.repository.identities.putResource({
    id: 'res-vpn',
    kind: 'network',
    name: 'vpn',
    nameKey: subjectKey('vpn'),
    displayName: 'VPN',
    description: null,
    connector: null,
    targetKey: null,
    owners: ['oscar', 'olga'],
    createdAt: T0,
    updatedAt: T0,
  });
  await w.repository.profiles.assign('aud1', ['Auditors'], 'admin', T0);
  await w.repository.profiles.assign('aud2', ['Auditors'], 'admin', T0);
}

/** Launches the Waveset "Access Request" (which calls the stock Approval subprocess) as rita; runs it to its first wait. */
async function request(w: RuntimeWorld, variables: Record<string, XValue>): Promise<string> {
  const { instance } = await w.engine.launch({ definition: 'Access Request', launcher: 'rita', variables });
  await w.engine.runWorkerOnce();
  return instance.id;
}

async function open(w: RuntimeWorld, instanceId: string): Promise<WorkItemView[]> {
  return w.engine.listWorkItems({ instanceId, state: 'open' });
}

async function owners(w: RuntimeWorld, instanceId: string): Promise<(string | null)[]> {
  return (await open(w, instanceId)).map((i) => i.owner).sort();
}

async function decide(w: RuntimeWorld, instanceId: string, actor: string, decision: string, comment?: string): Promise<void> {
  const item = (await open(w, instanceId)).find((i) => i.owner === actor);
  assert.ok(item, `${actor} holds an open item`);
  await w.engine.decide({ workItemId: item.id, decision, actor, ...(comment !== undefined && { comment }) });
  await w.engine.runWorkerOnce();
}

/** The states of every item `owner` ever held in the instance. */
async function states(w: RuntimeWorld, instanceId: string, owner: string): Promise<string[]> {
  const items = await w.repository.runtime.listWorkItems({ instanceId });
  return items.filter((i) => i.owner === owner).map((i) => i.state);
}

async function outputs(w: RuntimeWorld, instanceId: string): Promise<Readonly<Record<string, XValue>>> {
  const task = await w.engine.getTask(instanceId);
  assert.equal(task.state, 'finished', `the instance has finished: ${JSON.stringify(task.result)}`);
  return task.result!.outputs;
}

function who(approvals: XValue): { approver: XValue; decision: XValue; approved: XValue; delegatedFrom: XValue; escalated: XValue }[] {
  assert.ok(Array.isArray(approvals), `approvals is a list: ${JSON.stringify(approvals)}`);
  return approvals.map((a) => {
    const m = a as Record<string, XValue>;
    return { approver: m['approver']!, decision: m['decision']!, approved: m['approved']!, delegatedFrom: m['delegatedFrom']!, escalated: m['escalated']! };
  });
}

async function auditEvents(w: RuntimeWorld, instanceId: string, event: string): Promise<Readonly<Record<string, unknown>>[]> {
  return (await w.repository.runtime.listAudit({ instanceId })).filter((a) => a.event === event).map((a) => a.data ?? {});
}

for (const database of DATABASES) {
  describe(`${database.name}: approvals in the Waveset dialect (the stock Approval subprocess)`, () => {
    let w: RuntimeWorld;
    before(async () => {
      w = await openRuntimeWorld(['approvals.xml', STOCK_APPROVAL], {}, database);
      await organisation(w);
    });
    after(() => w.close());

    it("asks the subject's manager by default, and returns approved with who decided", async () => {
      const id = await request(w, { accountId: 'sam' });
      assert.deepEqual(await owners(w, id), ['mike']);
      await decide(w, id, 'mike', 'approve', 'fine by me');
      const out = await outputs(w, id);
      assert.equal(out['approved'], true);
      assert.equal(out['status'], 'approved');
      assert.deepEqual(who(out['approvals']!), [{ approver: 'mike', decision: 'approve', approved: true, delegatedFrom: null, escalated: false }]);
      const completed = await auditEvents(w, id, 'approval-completed');
      assert.equal(completed.length, 1);
      assert.equal(completed[0]!['approved'], true, 'the outcome is in the audit trail');
      assert.equal((completed[0]!['approvals'] as { comment: string }[])[0]!.comment, 'fine by me');
    });

    it("asks the resource's owners, and any owner's answer decides, cancelling the other's item", async () => {
      const id = await request(w, { accountId: 'sue', scheme: 'owner', resource: 'vpn' });
      assert.deepEqual(await owners(w, id), ['olga', 'oscar']);
      await decide(w, id, 'olga', 'reject');
      const out = await outputs(w, id);
      assert.equal(out['approved'], false);
      assert.equal(out['status'], 'rejected');
      assert.deepEqual(await states(w, id, 'oscar'), ['cancelled']);
    });

    it('asks the holders of a named profile', async () => {
      const id = await request(w, { accountId: 'tom', scheme: 'profile', profile: 'Auditors' });
      assert.deepEqual(await owners(w, id), ['aud1', 'aud2']);
      await decide(w, id, 'aud2', 'approve');
      assert.equal((await outputs(w, id))['approved'], true);
    });

    it('asks serially in scheme order, one at a time, and approves when the last approves', async () => {
      const id = await request(w, { accountId: 'sam', scheme: 'manager,owner', mode: 'serial', resource: 'vpn' });
      assert.deepEqual(await owners(w, id), ['mike'], 'only the first approver is asked');
      await decide(w, id, 'mike', 'approve');
      assert.deepEqual(await owners(w, id), ['oscar'], 'then the next one, in the order the resource lists its owners');
      await decide(w, id, 'oscar', 'approve');
      assert.deepEqual(await owners(w, id), ['olga']);
      await decide(w, id, 'olga', 'approve');
      const out = await outputs(w, id);
      assert.equal(out['approved'], true);
      assert.deepEqual(who(out['approvals']!).map((a) => a.approver), ['mike', 'oscar', 'olga']);
    });

    it('ends a serial approval at the first rejection without asking the rest', async () => {
      const id = await request(w, { accountId: 'sam', scheme: 'manager,owner', mode: 'serial', resource: 'vpn' });
      await decide(w, id, 'mike', 'approve');
      await decide(w, id, 'oscar', 'reject');
      const out = await outputs(w, id);
      assert.equal(out['approved'], false);
      assert.deepEqual(who(out['approvals']!).map((a) => `${a.approver}:${a.decision}`), ['mike:approve', 'oscar:reject']);
      assert.deepEqual(await states(w, id, 'olga'), [], 'olga was never asked');
    });

    it('asks in parallel and waits until every approver has approved', async () => {
      const id = await request(w, { accountId: 'sam', scheme: 'manager,owner', mode: 'parallel', resource: 'vpn' });
      assert.deepEqual(await owners(w, id), ['mike', 'olga', 'oscar']);
      await decide(w, id, 'olga', 'approve');
      await decide(w, id, 'mike', 'approve');
      assert.deepEqual(await owners(w, id), ['oscar'], 'one approval still missing: the instance waits');
      assert.equal((await w.engine.getTask(id)).state !== 'finished', true);
      await decide(w, id, 'oscar', 'approve');
      const out = await outputs(w, id);
      assert.equal(out['approved'], true);
      assert.equal(who(out['approvals']!).length, 3);
    });

    it('ends a parallel approval at the first rejection and cancels the items still open', async () => {
      const id = await request(w, { accountId: 'sam', scheme: 'manager,owner', mode: 'parallel', resource: 'vpn' });
      await decide(w, id, 'mike', 'approve');
      await decide(w, id, 'oscar', 'reject');
      const out = await outputs(w, id);
      assert.equal(out['approved'], false);
      assert.deepEqual(await states(w, id, 'olga'), ['cancelled']);
    });

    it('never asks the requester or the subject, and says so in the audit', async () => {
      // rita asks for mike's own access: mike is the subject, rita the launcher; the owners and mary remain.
      const id = await request(w, { accountId: 'mike', scheme: 'manager,person', approver: 'rita', mode: 'parallel' });
      assert.deepEqual(await owners(w, id), ['mary']);
      const started = await auditEvents(w, id, 'approval-started');
      assert.deepEqual(started[0]!['excluded'], ['rita']);
      await decide(w, id, 'mary', 'approve');
      assert.equal((await outputs(w, id))['approved'], true);
    });

    it('refuses to approve with a coded error when four-eyes leaves nobody and no fallback is named', async () => {
      const id = await request(w, { accountId: 'sam', scheme: 'person:sam,person:rita' });
      assert.deepEqual(await owners(w, id), []);
      const out = await outputs(w, id);
      assert.equal(out['approved'], false);
      assert.equal(out['status'], 'failed');
      assert.match(String(out['error']), /^APPROVAL_NO_APPROVER: /);
    });

    it('asks the fallback when four-eyes leaves nobody and one is named', async () => {
      const id = await request(w, { accountId: 'sam', scheme: 'person:sam', fallback: 'profile:Auditors' });
      assert.deepEqual(await owners(w, id), ['aud1', 'aud2']);
      await decide(w, id, 'aud1', 'approve');
      assert.equal((await outputs(w, id))['approved'], true);
    });

    it("escalates an item past its due time to the approver's manager, keeping the original approver", async () => {
      const id = await request(w, { accountId: 'una', scheme: 'person:oscar', timeout: 60 });
      const [item] = await open(w, id);
      assert.equal(item!.owner, 'oscar');
      assert.equal(item!.dueAt, new Date(w.now() + 60 * MINUTE).toISOString());
      w.advance(59 * MINUTE);
      await w.engine.runWorkerOnce();
      assert.deepEqual(await owners(w, id), ['oscar'], 'not yet due');
      w.advance(2 * MINUTE);
      await w.engine.runWorkerOnce();
      const [escalated] = await open(w, id);
      assert.equal(escalated!.owner, 'mary', "oscar's manager");
      assert.equal(escalated!.delegatedFrom, 'oscar');
      assert.deepEqual(await states(w, id, 'oscar'), ['timeout']);
      const events = await auditEvents(w, id, 'approval-escalated');
      assert.deepEqual({ from: events[0]!['from'], to: events[0]!['to'] }, { from: 'oscar', to: 'mary' });
      const mails = await w.repository.notifications.list({ instanceId: id });
      const escalation = mails.find((m) => m.kind === 'escalation');
      assert.ok(escalation, 'an escalation mail is in the outbox');
      assert.deepEqual(escalation.recipients, ['mary']);
      await decide(w, id, 'mary', 'approve');
      const out = await outputs(w, id);
      assert.deepEqual(who(out['approvals']!), [{ approver: 'mary', decision: 'approve', approved: true, delegatedFrom: 'oscar', escalated: true }]);
    });

    it('keeps the item with an approver who has no manager and no fallback, without a further due time', async () => {
      const id = await request(w, { accountId: 'vic', scheme: 'person:olga', timeout: 60 });
      w.advance(61 * MINUTE);
      await w.engine.runWorkerOnce();
      const [item] = await open(w, id);
      assert.equal(item!.owner, 'olga');
      assert.equal(item!.dueAt, undefined);
      const events = await auditEvents(w, id, 'approval-escalated');
      assert.equal(events[0]!['to'], 'olga');
      assert.match(String(events[0]!['reason']), /no manager/);
      await decide(w, id, 'olga', 'approve');
    });

    it("ends the approval unapproved at its due time when escalation is 'none'", async () => {
      const id = await request(w, { accountId: 'sam', scheme: 'person:oscar', timeout: 60, escalation: 'none' });
      w.advance(61 * MINUTE);
      await w.engine.runWorkerOnce();
      const out = await outputs(w, id);
      assert.equal(out['approved'], false);
      assert.equal(out['status'], 'timed out');
    });
  });

  describe(`${database.name}: approvals in the Netwrix dialect (Review with approvers)`, () => {
    let w: RuntimeWorld;
    before(async () => {
      w = await openRuntimeWorld(['approvals-netwrix.xml'], {}, database);
      await organisation(w);
    });
    after(() => w.close());

    async function toReview(definition: string, subject: string, changes: Record<string, XValue> = {}): Promise<string> {
      const launched = await w.engine.launch({ definition, launcher: 'rita', subject, mode: 'sync', variables: { changes } });
      const requestItem = launched.workItems[0]!;
      assert.equal(requestItem.owner, 'rita');
      await w.engine.decide({ workItemId: requestItem.id, decision: 'Execute', actor: 'rita' });
      await w.engine.runWorkerOnce();
      return launched.instance.id;
    }

    it("puts the Review to the subject's manager, then the resource's owners, serially", async () => {
      const id = await toReview('Access_Serial', 'sam');
      const [first] = await open(w, id);
      assert.equal(first!.owner, 'mike');
      assert.equal(first!.permission, undefined, 'owned by the approver, not offered by permission');
      assert.deepEqual(first!.decisions, ['Save', 'Approve', 'Decline', 'Abort']);
      await decide(w, id, 'mike', 'Approve');
      await decide(w, id, 'oscar', 'Approve');
      await decide(w, id, 'olga', 'Approve');
      const task = await w.engine.getTask(id);
      assert.equal(task.state, 'finished');
      assert.equal(task.result?.outcome, 'completed');
      const completed = await auditEvents(w, id, 'approval-completed');
      assert.equal(completed[0]!['approved'], true);
    });

    it('declines the workflow at the first Decline of a serial Review', async () => {
      const id = await toReview('Access_Serial', 'sue');
      await decide(w, id, 'mike', 'Decline');
      const task = await w.engine.getTask(id);
      assert.equal(task.result?.outcome, 'declined');
    });

    it('declines a parallel Review at the first Decline and cancels the other reviewers', async () => {
      const id = await toReview('Access_Parallel', 'tom');
      assert.deepEqual(await owners(w, id), ['mike', 'olga', 'oscar']);
      await decide(w, id, 'oscar', 'Approve');
      await decide(w, id, 'olga', 'Decline');
      assert.equal((await w.engine.getTask(id)).result?.outcome, 'declined');
      assert.deepEqual(await states(w, id, 'mike'), ['cancelled']);
    });

    it('approves a parallel Review only when every reviewer has approved', async () => {
      const id = await toReview('Access_Parallel', 'una');
      await decide(w, id, 'mike', 'Approve');
      await decide(w, id, 'oscar', 'Approve');
      assert.equal((await w.engine.getTask(id)).state === 'finished', false);
      await decide(w, id, 'olga', 'Approve');
      assert.equal((await w.engine.getTask(id)).result?.outcome, 'completed');
    });

    it('puts a Review without ApprovalResource to the owners of the resources its change set asks for', async () => {
      const id = await toReview('Access_Owners', 'tom', { Resources: { Add: ['vpn'] } });
      assert.deepEqual(await owners(w, id), ['olga', 'oscar']);
      await decide(w, id, 'oscar', 'Approve');
      const task = await w.engine.getTask(id);
      assert.equal(task.state, 'finished');
      assert.equal(task.result?.outcome, 'completed');
    });

    it('puts a Review to the holders of a profile, the first answer deciding', async () => {
      const id = await toReview('Access_Profile', 'vic');
      assert.deepEqual(await owners(w, id), ['aud1', 'aud2']);
      await decide(w, id, 'aud1', 'Approve');
      assert.equal((await w.engine.getTask(id)).result?.outcome, 'completed');
    });

    it('offers the Review by its permission as before when four-eyes leaves nobody', async () => {
      const id = await toReview('Access_Own', 'sam');
      const [item] = await open(w, id);
      assert.equal(item!.owner, null);
      assert.equal(item!.permission, '/Custom/Workflows/Access_Own/Review/ReviewPending');
    });

    it('brings a Refine’s feedback back to the reviewer who asked, and goes on with the serial approval from there', async () => {
      const id = await toReview('Access_Feedback', 'una');
      const [review] = await open(w, id);
      assert.equal(review!.owner, 'mike');
      await w.engine.decide({ workItemId: review!.id, decision: 'Refine', actor: 'mike', assignee: 'rita', comment: 'which VPN profile?' });
      const [feedback] = await open(w, id);
      assert.equal(feedback!.owner, 'rita');
      await w.engine.decide({ workItemId: feedback!.id, decision: 'Execute', actor: 'rita' });
      assert.deepEqual(await owners(w, id), ['mike'], 'back to mike, not to every holder of the permission, nor to the start of the scheme');
      await decide(w, id, 'mike', 'Approve');
      assert.deepEqual(await owners(w, id), ['oscar'], 'the serial approval goes on');
      await decide(w, id, 'oscar', 'Approve');
      await decide(w, id, 'olga', 'Approve');
      assert.equal((await w.engine.getTask(id)).result?.outcome, 'completed');
    });

    it('escalates an overdue Review to the reviewer’s manager', async () => {
      // sue's earlier instance ended declined, so she is free again; Access_Serial items are due after 60 minutes.
      const id = await toReview('Access_Serial', 'sue');
      w.advance(61 * MINUTE);
      await w.engine.runWorkerOnce();
      const [item] = await open(w, id);
      assert.equal(item!.owner, 'mary');
      assert.equal(item!.delegatedFrom, 'mike');
    });
  });

  describe(`${database.name}: approvals across a restart, and the reminder mail`, () => {
    let smtp: TestSmtpServer;
    before(async () => {
      smtp = await startSmtpServer();
    });
    after(() => smtp.close());

    it('continues a serial approval that was waiting in the middle when the engine stopped', async () => {
      const w = await openRuntimeWorld(['approvals.xml', STOCK_APPROVAL], {}, database);
      try {
        await organisation(w);
        const id = await request(w, { accountId: 'sam', scheme: 'manager,owner', mode: 'serial', resource: 'vpn' });
        await decide(w, id, 'mike', 'approve');
        await w.engine.close();
        // A new engine on the same database: nothing but what is stored.
        const engine = await openEngine({ repository: w.repository, clock: () => w.now(), workerId: 'restarted' });
        try {
          const [next] = await engine.listWorkItems({ instanceId: id, state: 'open' });
          assert.equal(next!.owner, 'oscar');
          await engine.decide({ workItemId: next!.id, decision: 'approve', actor: 'oscar' });
          const [last] = await engine.listWorkItems({ instanceId: id, state: 'open' });
          assert.equal(last!.owner, 'olga');
          await engine.decide({ workItemId: last!.id, decision: 'approve', actor: 'olga' });
          await engine.runWorkerOnce();
          const task = await engine.getTask(id);
          assert.equal(task.state, 'finished');
          assert.equal(task.result?.outputs['approved'], true);
          assert.deepEqual(who(task.result!.outputs['approvals']!).map((a) => a.approver), ['mike', 'oscar', 'olga']);
        } finally {
          await engine.close();
        }
      } finally {
        await w.repository.close();
      }
    });

    it('mails the approver a reminder before the due time', async () => {
      const w = await openRuntimeWorld(['approvals.xml', STOCK_APPROVAL], {}, database);
      try {
        await organisation(w);
        const id = await request(w, { accountId: 'sam', timeout: 24 * 60 });
        const settings = compileMailSettings({
          smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', timeout: '5s' },
          from: 'idflow <idflow@example.org>',
          baseUrl: 'https://idflow.test/console/',
          domain: 'example.org',
          reminderBefore: '2h',
        });
        const mail = new MailWorker({ repository: w.repository, settings, clock: () => w.now(), workerId: 'mail-test', random: () => 0.5 });
        try {
          const first = await mail.runOnce();
          assert.equal(first.reminders, 0, 'not yet: the item is due in a day');
          w.advance(22 * 60 * MINUTE + MINUTE);
          const second = await mail.runOnce();
          assert.equal(second.reminders, 1);
          const reminder = smtp.mails.find((m) => m.to.includes('mike@example.org') && /Reminder/.test(m.subject));
          assert.ok(reminder, `mike got a reminder: ${JSON.stringify(smtp.mails.map((m) => [m.to, m.subject]))}`);
          const rows = await w.repository.notifications.list({ instanceId: id });
          assert.equal(rows.filter((r) => r.kind === 'reminder').length, 1);
        } finally {
          mail.close();
        }
      } finally {
        await w.close();
      }
    });
  });
}
