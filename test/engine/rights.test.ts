/**
 * Who may act (issue 9, "Approvals"): the four-eyes rule on every approval, the Refine feedback that goes back to
 * the reviewer who asked, launch rights from the Request permission, and one update workflow per identity however
 * the identity is named. The real engine on a temp SQLite file with config/default imported; permissions come from
 * a table the test controls.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Caller } from '../../src/access/caller.js';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import { openEngine, type RuntimeEngine } from '../../src/engine/engine.js';
import { readNetwrixChangeSet } from '../../src/identity/netwrix-change-set.js';
import { planChangeSet } from '../../src/identity/plan-change-set.js';
import { openRepository } from '../../src/repository/open-repository.js';
import type { Repository } from '../../src/repository/repository.js';
import { errorCode, T0 } from './runtime-harness.js';

const DEFAULTS = fileURLToPath(new URL('../../config/default/', import.meta.url));
const WAVESET_APPROVAL = 'Update User With Approval';

/** Permissions by person; the test changes it as it goes. */
const grants = new Map<string, Set<string>>();
function grant(person: string, ...permissions: string[]): void {
  grants.set(person, new Set([...(grants.get(person) ?? []), ...permissions]));
}

/** A signed-in person who is not an administrator. */
function person(name: string): Caller {
  return { person: name, authenticatedBy: 'session', profiles: [], administrator: false };
}

interface World {
  readonly repository: Repository;
  readonly engine: RuntimeEngine;
  close(): Promise<void>;
}

/** The engine's clock: the tests move it. */
let now = T0;

async function openWorld(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'idflow-rights-'));
  const repository = await openRepository({ db: join(dir, 'idflow.db'), env: {} });
  const loaded = await loadDefinitionFiles(readdirSync(DEFAULTS).filter((f) => f.endsWith('.xml')).map((f) => join(DEFAULTS, f)));
  await repository.objects.putMany(loaded.objects);
  const engine = await openEngine({
    repository,
    clock: () => now,
    workerId: 'rights-test',
    permissions: (who, permission) => grants.get(who)?.has(permission) ?? false,
  });
  return {
    repository,
    engine,
    close: async () => {
      await engine.close();
      await repository.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An identity in the store, created by a change set as a Persist would. */
async function createIdentity(repository: Repository, login: string, employeeId: string): Promise<string> {
  const write = await planChangeSet(repository.identities, readNetwrixChangeSet({ Login: login, EmployeeId: employeeId, LastName: 'Doe' }), {
    now: T0,
    idempotencyKey: `rights:${login}`,
    instanceId: 'rights-setup',
    mode: 'draft',
    provisioning: false,
  });
  assert.deepEqual(await repository.identities.apply([write]), ['committed']);
  return write.identity.id;
}

describe('the four-eyes rule', () => {
  let w: World;
  before(async () => {
    w = await openWorld();
  });
  after(() => w.close());

  it('refuses the subject the Waveset approval its <Owner> names them for, with the rule named', async () => {
    const launched = await w.engine.launch({ definition: WAVESET_APPROVAL, launcher: 'alice', mode: 'sync', subject: 'jdoe', variables: { accountId: 'jdoe', changes: {}, approver: 'jdoe' } });
    const item = launched.workItems[0]!;
    assert.equal(item.owner, 'jdoe');
    const refused = await errorCode(() => w.engine.decide({ workItemId: item.id, decision: 'approve', actor: 'jdoe' }));
    assert.equal(refused.code, 'WORKITEM_FOUR_EYES');
    assert.match(refused.message, /four-eyes rule: .*about jdoe/);
  });

  it('refuses the launcher an approval the definition names them for, administrator or not', async () => {
    const launched = await w.engine.launch({ definition: WAVESET_APPROVAL, launcher: 'alice', mode: 'sync', variables: { accountId: 'bob', changes: {}, approver: 'alice' } });
    const item = launched.workItems[0]!;
    for (const actor of ['alice', person('alice')]) {
      const refused = await errorCode(() => w.engine.decide({ workItemId: item.id, decision: 'approve', actor }));
      assert.equal(refused.code, 'WORKITEM_FOUR_EYES');
      assert.match(refused.message, /alice launched the task instance/);
    }
  });

  it('still lets the requester execute their own Netwrix request, and a reviewer who is neither approve it', async () => {
    grant('hana', '/Custom/Workflows/User_Onboarding/Request/ActionPending');
    grant('mona', '/Custom/Workflows/User_Onboarding/Review/ReviewPending');
    grant('hana', '/Custom/Workflows/User_Onboarding/Review/ReviewPending');
    const launched = await w.engine.launch({ definition: 'User_Onboarding', launcher: person('hana'), mode: 'sync', variables: { changes: { Login: 'four.eyes', LastName: 'Eyes' } } });
    const executed = await w.engine.decide({ workItemId: launched.workItems[0]!.id, decision: 'Execute', actor: person('hana') });
    const review = executed.workItems[0]!;
    assert.equal((await errorCode(() => w.engine.decide({ workItemId: review.id, decision: 'Approve', actor: person('hana') }))).code, 'WORKITEM_FOUR_EYES');
    const approved = await w.engine.decide({ workItemId: review.id, decision: 'Approve', actor: person('mona') });
    assert.equal(approved.instance.state, 'finished');
  });
});

describe('Refine feedback goes back to the reviewer who asked for it', () => {
  let w: World;
  before(async () => {
    w = await openWorld();
    grant('rita', '/Custom/Workflows/User_Onboarding/Review/ReviewPending');
    grant('rob', '/Custom/Workflows/User_Onboarding/Review/ReviewPending');
  });
  after(() => w.close());

  it('returns the review to the reviewer who refined, by name, and no other reviewer may take it', async () => {
    const launched = await w.engine.launch({ definition: 'User_Onboarding', launcher: 'hana', mode: 'sync', variables: { changes: { Login: 'fresh.hire', LastName: 'Hire' } } });
    const executed = await w.engine.decide({ workItemId: launched.workItems[0]!.id, decision: 'Execute', actor: 'hana' });
    const review = executed.workItems[0]!;
    const refined = await w.engine.decide({ workItemId: review.id, decision: 'Refine', actor: person('rita'), assignee: 'fred', comment: 'which team?' });
    const feedback = refined.workItems[0]!;
    assert.deepEqual([feedback.activity, feedback.owner], ['Review/ReviewWithFeedback-RefinePending', 'fred']);
    const answered = await w.engine.decide({ workItemId: feedback.id, decision: 'Execute', actor: person('fred') });
    const back = answered.workItems[0]!;
    assert.deepEqual([back.activity, back.owner, back.permission], ['Review/ReviewWithFeedback-ReviewPending', 'rita', undefined]);
    assert.equal((await errorCode(() => w.engine.decide({ workItemId: back.id, decision: 'Approve', actor: person('rob') }))).code, 'WORKITEM_NOT_OWNER');
    assert.deepEqual((await w.engine.listWorkItems({}, person('rob'))).map((i) => i.id), [], "not in the other reviewer's inbox");
    assert.deepEqual((await w.engine.listWorkItems({}, person('rita'))).map((i) => i.id), [back.id]);
    const done = await w.engine.decide({ workItemId: back.id, decision: 'Approve', actor: person('rita') });
    assert.equal(done.instance.state, 'finished');
  });
});

describe('launch rights', () => {
  let w: World;
  before(async () => {
    w = await openWorld();
  });
  after(() => w.close());

  it('refuses a Netwrix launch to a person holding only another permission of the first activity', async () => {
    grant('dora', '/Custom/Workflows/User_Onboarding/Request/RefinePending', '/Custom/Workflows/User_Onboarding/Request/Aborted');
    const refused = await errorCode(() => w.engine.launch({ definition: 'User_Onboarding', launcher: person('dora'), mode: 'sync', variables: { changes: { Login: 'x1', LastName: 'X' } } }));
    assert.equal(refused.code, 'LAUNCH_NOT_ALLOWED');
    assert.match(refused.message, /\/Custom\/Workflows\/User_Onboarding\/Request\/ActionPending/);
  });

  it('lets the holder of the Request permission launch and own the Request item', async () => {
    grant('hank', '/Custom/Workflows/User_Onboarding/Request/ActionPending');
    const launched = await w.engine.launch({ definition: 'User_Onboarding', launcher: person('hank'), mode: 'sync', variables: { changes: { Login: 'x2', LastName: 'X' } } });
    assert.equal(launched.workItems[0]!.owner, 'hank');
  });

  it('does not let the generic Start permission launch a Netwrix workflow', async () => {
    grant('stan', '/Workflows/WorkflowInstance/Start');
    assert.equal((await errorCode(() => w.engine.launch({ definition: 'User_Onboarding', launcher: person('stan'), mode: 'sync' }))).code, 'LAUNCH_NOT_ALLOWED');
  });

  it('lets a per-definition Start permission launch that TaskDefinition only', async () => {
    grant('wes', `/Workflows/WorkflowInstance/Start/${WAVESET_APPROVAL}`);
    const launched = await w.engine.launch({ definition: WAVESET_APPROVAL, launcher: person('wes'), mode: 'sync', variables: { accountId: 'x3', changes: {}, approver: 'ann' } });
    assert.equal(launched.instance.launcher, 'wes');
    grant('vic', '/Workflows/WorkflowInstance/Start/Another Definition');
    const refused = await errorCode(() => w.engine.launch({ definition: WAVESET_APPROVAL, launcher: person('vic'), mode: 'sync', variables: { accountId: 'x3', changes: {}, approver: 'ann' } }));
    assert.equal(refused.code, 'LAUNCH_NOT_ALLOWED');
    assert.match(refused.message, /Start\/Update User With Approval/);
  });

  it("launches with the named person's rights when the local administrator acts as them (--as)", async () => {
    const asPat: Caller = { person: 'pat', authenticatedBy: 'cli-local', profiles: [], administrator: true, asPerson: true };
    assert.equal((await errorCode(() => w.engine.launch({ definition: 'User_Onboarding', launcher: asPat, mode: 'sync' }))).code, 'LAUNCH_NOT_ALLOWED');
    grant('pat', '/Custom/Workflows/User_Onboarding/Request/ActionPending');
    const launched = await w.engine.launch({ definition: 'User_Onboarding', launcher: asPat, mode: 'sync', variables: { changes: { Login: 'x4', LastName: 'X' } } });
    assert.equal(launched.workItems[0]!.owner, 'pat');
  });
});

describe('one update workflow per identity, whichever way it is named', () => {
  let w: World;
  let id: string;
  before(async () => {
    w = await openWorld();
    id = await createIdentity(w.repository, 'jdoe', 'E-100');
  });
  after(() => w.close());

  const busy = async (launch: () => Promise<unknown>) => (await errorCode(launch)).code;

  it('refuses a Waveset launch naming the user by accountId while a launch by --subject runs on them', async () => {
    const first = await w.engine.launch({ definition: WAVESET_APPROVAL, launcher: 'alice', mode: 'sync', subject: 'jdoe', variables: { accountId: 'jdoe', changes: {}, approver: 'ann' } });
    assert.equal(
      await busy(() => w.engine.launch({ definition: WAVESET_APPROVAL, launcher: 'bob', mode: 'sync', variables: { accountId: 'JDoe', changes: {}, approver: 'ann' } })),
      'SUBJECT_BUSY',
    );
    await w.engine.terminate(first.instance.id, 'alice');
  });

  it('meets on the identity key for its id, a user view, a Netwrix subject and a change set by Login, Id or EmployeeId', async () => {
    const first = await w.engine.launch({ definition: WAVESET_APPROVAL, launcher: 'alice', mode: 'sync', subject: id, variables: { accountId: 'someone', changes: {}, approver: 'ann' } });
    const namings: Record<string, unknown>[] = [
      { user: { waveset: { accountId: 'jdoe' } } },
      { subject: ' JDOE' },
      { changes: { Login: 'jdoe' } },
      { changes: { Id: id } },
      { changes: { EmployeeId: 'E-100' } },
    ];
    for (const variables of namings) {
      assert.equal(await busy(() => w.engine.launch({ definition: 'User_ChangeName', launcher: 'hana', mode: 'sync', variables: variables as never })), 'SUBJECT_BUSY', JSON.stringify(variables));
    }
    await w.engine.terminate(first.instance.id, 'alice');
    const free = await w.engine.launch({ definition: 'User_ChangeName', launcher: 'hana', mode: 'sync', variables: { changes: { Login: 'jdoe' } } });
    assert.equal(free.instance.subject, 'jdoe', 'the change set named the subject');
    await w.engine.terminate(free.instance.id, 'alice');
  });

  it('lets a Waveset launch naming the user by accountId hold nothing until it checks the user out', async () => {
    const waveset = await w.engine.launch({ definition: WAVESET_APPROVAL, launcher: 'alice', mode: 'sync', variables: { accountId: 'jdoe', changes: {}, approver: 'ann' } });
    assert.equal(waveset.instance.subject, undefined, 'Waveset locks a user by checkoutObject');
    const netwrix = await w.engine.launch({ definition: 'User_ChangeName', launcher: 'hana', mode: 'sync', variables: { changes: { Login: 'jdoe' } } });
    assert.equal(netwrix.instance.subject, 'jdoe', 'a Netwrix workflow on an identity holds it from its launch');
    await w.engine.terminate(waveset.instance.id, 'alice');
    await w.engine.terminate(netwrix.instance.id, 'alice');
  });

  it('leaves a launch naming nobody who exists unlocked, as an onboarding of a new login is', async () => {
    const a = await w.engine.launch({ definition: 'User_Onboarding', launcher: 'hana', mode: 'sync', variables: { changes: { Login: 'new.person', LastName: 'New' } } });
    const b = await w.engine.launch({ definition: 'User_Onboarding', launcher: 'hana', mode: 'sync', variables: { changes: { Login: 'new.person', LastName: 'New' } } });
    assert.equal(a.instance.subject, undefined);
    assert.equal(b.instance.subject, undefined);
  });
});

describe('out of office', () => {
  let w: World;
  const approval = (launcher: string, approver: string, accountId: string, subject?: string) =>
    w.engine.launch({ definition: WAVESET_APPROVAL, launcher, mode: 'sync', ...(subject !== undefined && { subject }), variables: { accountId, changes: {}, approver } });
  before(async () => {
    now = T0;
    w = await openWorld();
  });
  after(() => w.close());

  it("gives an absent approver's new items to the delegate, keeping the original owner in the item, the decision and the audit", async () => {
    await w.engine.declareAbsence({ delegate: 'dave', until: T0 + 3_600_000, note: 'holiday' }, person('ann'));
    const item = (await approval('bob', 'ann', 'u1')).workItems[0]!;
    assert.deepEqual([item.owner, item.delegatedFrom], ['dave', 'ann']);
    assert.deepEqual((await w.engine.listWorkItems({}, person('dave'))).map((i) => i.id), [item.id], "in the delegate's inbox");
    assert.equal((await errorCode(() => w.engine.decide({ workItemId: item.id, decision: 'approve', actor: person('ann') }))).code, 'WORKITEM_NOT_OWNER');
    await w.engine.decide({ workItemId: item.id, decision: 'approve', actor: person('dave') });
    const audit = await w.repository.runtime.listAudit({ instanceId: item.instanceId });
    const created = audit.find((a) => a.event === 'workitem-created')!;
    assert.deepEqual([created.data?.['owner'], created.data?.['delegatedFrom'], created.data?.['outOfOffice']], ['dave', 'ann', 'ann']);
    const decision = audit.find((a) => a.event === 'decision')!;
    assert.deepEqual([decision.actor, decision.data?.['delegatedFrom']], ['dave', 'ann'], 'acting person and original owner');
  });

  it('routes nothing once the absence is over', async () => {
    now = T0 + 3_600_000;
    const item = (await approval('bob', 'ann', 'u2')).workItems[0]!;
    assert.deepEqual([item.owner, item.delegatedFrom], ['ann', undefined]);
    now = T0;
  });

  it('follows a chain of absences, and never hands an approval to its own launcher or subject', async () => {
    await w.engine.declareAbsence({ delegate: 'erin' }, person('dave'));
    const chained = (await approval('bob', 'ann', 'u3')).workItems[0]!;
    assert.deepEqual([chained.owner, chained.delegatedFrom], ['erin', 'ann'], 'ann → dave (away too) → erin');
    const own = (await approval('erin', 'ann', 'u4')).workItems[0]!;
    assert.equal(own.owner, 'ann', "erin's own request stays with its named approver");
    const created = (await w.repository.runtime.listAudit({ instanceId: own.instanceId })).find((a) => a.event === 'workitem-created')!;
    assert.match(String(created.data?.['outOfOfficeKept']), /four-eyes rule/);
    await w.engine.clearAbsence(undefined, person('dave'));
  });

  it("hands the person's open items over on request, keeping those the delegate may not approve", async () => {
    await w.engine.clearAbsence('ann', 'admin');
    const fromBob = (await approval('bob', 'gina', 'u5')).workItems[0]!;
    const fromHal = (await approval('hal', 'gina', 'u6')).workItems[0]!;
    const about = (await approval('bob', 'gina', 'hal', 'hal')).workItems[0]!;
    const result = await w.engine.declareAbsence({ delegate: 'hal', handOver: true }, person('gina'));
    assert.deepEqual(result.handedOver, [fromBob.id]);
    assert.deepEqual(result.kept.map((k) => [k.workItemId, k.code]).sort(), [[fromHal.id, 'WORKITEM_FOUR_EYES'], [about.id, 'WORKITEM_FOUR_EYES']].sort());
    const moved = (await w.engine.listWorkItems({ instanceId: fromBob.instanceId }))[0]!;
    assert.deepEqual([moved.owner, moved.delegatedFrom], ['hal', 'gina']);
    const audit = await w.repository.runtime.listAudit({ instanceId: fromBob.instanceId });
    assert.ok(audit.some((a) => a.event === 'workitem-handed-over' && a.actor === 'gina' && a.data?.['delegatedFrom'] === 'gina'));
  });

  it('lets only the person or an administrator declare an absence, and refuses a delegate who is the person', async () => {
    assert.equal((await errorCode(() => w.engine.declareAbsence({ person: 'ann', delegate: 'zed' }, person('zed')))).code, 'OOO_NOT_ALLOWED');
    assert.equal((await errorCode(() => w.engine.declareAbsence({ delegate: 'zed' }, person('zed')))).code, 'OOO_DELEGATE_SELF');
    assert.equal((await errorCode(() => w.engine.declareAbsence({ delegate: 'amy', from: T0 + 10, until: T0 + 5 }, person('zed')))).code, 'OOO_PERIOD_INVALID');
    assert.equal((await errorCode(() => w.engine.clearAbsence(undefined, person('zed')))).code, 'OOO_NOT_FOUND');
    await w.engine.declareAbsence({ person: 'zed', delegate: 'amy' }, 'admin');
    assert.deepEqual((await w.engine.listAbsences(person('amy'))).map((a) => `${a.person}→${a.delegate}`), ['zed→amy'], 'the delegate sees it');
    assert.deepEqual((await w.engine.listAbsences(person('bob'))).map((a) => a.person), [], 'nobody else does');
  });
});
