/**
 * Who may act on a Netwrix work item, through the real engine on a temp SQLite file with config/default imported
 * as the vendor writes it (its Reviews without idflow's approval routing, test/support/permission-defaults.ts):
 * the requester holds the Request item, later states are offered to the holders of their permission, which
 * profiles get from AccessControlRules and people get from profile assignments.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import { createAclPermissionResolver } from '../../src/engine/acl-permission-resolver.js';
import type { WorkItemView } from '../../src/engine/engine-api.js';
import { openEngine, type RuntimeEngine } from '../../src/engine/engine.js';
import { openRepository } from '../../src/repository/open-repository.js';
import type { Repository } from '../../src/repository/repository.js';
import { permissionOfferedDefaults } from '../support/permission-defaults.js';
import { errorCode, T0 } from './runtime-harness.js';

const REVIEW = '/Custom/Workflows/User_Onboarding/Review/ReviewPending';

interface World {
  readonly repository: Repository;
  readonly engine: RuntimeEngine;
  readonly dir: string;
  /** Imports extra definition XML (AccessControlRules) into the open repository. */
  importXml(name: string, xml: string): Promise<void>;
  assign(person: string, ...profiles: string[]): Promise<void>;
  close(): Promise<void>;
}

async function openWorld(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'idflow-permissions-'));
  const repository = await openRepository({ db: join(dir, 'idflow.db') });
  const load = async (files: string[]): Promise<void> => {
    const loaded = await loadDefinitionFiles(files);
    assert.deepEqual(loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`), []);
    await repository.objects.putMany(loaded.objects);
  };
  await load(permissionOfferedDefaults());
  const engine = await openEngine({ repository, clock: () => T0, workerId: 'permissions-test' });
  return {
    repository,
    engine,
    dir,
    importXml: async (name, xml) => {
      const file = join(dir, name);
      writeFileSync(file, xml);
      await load([file]);
    },
    assign: async (person, ...profiles) => {
      await repository.profiles.assign(person, profiles, 'admin', T0);
    },
    close: async () => {
      await engine.close();
      await repository.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function rules(...rules: { id: string; profile: string; entries: [string, boolean][] }[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<ConfigurationFile xmlns="urn:schemas-usercube-com:configuration">
${rules
  .map(
    (r) => `  <AccessControlRule Identifier="${r.id}" Profile="${r.profile}" EntityType="Workflow_User">
${r.entries.map(([p, can]) => `    <Entry Permission="${p}" CanExecute="${can}" />`).join('\n')}
  </AccessControlRule>`,
  )
  .join('\n')}
</ConfigurationFile>
`;
}

/** Launches User_Onboarding as alice; returns the instance id and the Request item. */
let hires = 0;
async function launchOnboarding(w: World): Promise<{ instanceId: string; request: WorkItemView }> {
  // An onboarding's change set names the new user's login: Persist creates the identity from it.
  const changes = { Login: `new.hire${++hires}`, FirstName: 'Ann', LastName: 'Lee' };
  const launched = await w.engine.launch({ definition: 'User_Onboarding', launcher: 'alice', mode: 'sync', variables: { changes } });
  assert.equal(launched.workItems.length, 1);
  return { instanceId: launched.instance.id, request: launched.workItems[0]! };
}

/** Launches and executes the request: returns the Review item, offered by permission. */
async function toReview(w: World): Promise<{ instanceId: string; review: WorkItemView }> {
  const { instanceId, request } = await launchOnboarding(w);
  const executed = await w.engine.decide({ workItemId: request.id, decision: 'Execute', actor: 'alice' });
  const review = executed.workItems.find((i) => i.permission === REVIEW);
  assert.ok(review, 'the Review item is open after Execute');
  return { instanceId, review };
}

async function persisted(w: World, instanceId: string): Promise<{ activity: string | undefined; provisioning: unknown }[]> {
  const audit = await w.repository.runtime.listAudit({ instanceId });
  return audit.filter((a) => a.event === 'changeset:persisted').map((a) => ({ activity: a.activity, provisioning: a.data?.['provisioning'] }));
}

describe('who may act on a Netwrix workflow', () => {
  let w: World;
  before(async () => {
    w = await openWorld();
  });
  after(() => w.close());

  it('runs onboarding end to end: requester executes, a manager by profile approves, the change set is committed', async () => {
    const { instanceId, request } = await launchOnboarding(w);
    assert.equal(request.owner, 'alice', 'the requester holds the Request item');
    assert.equal(request.permission, undefined);
    assert.deepEqual(request.decisions, ['Save', 'Execute', 'Delegate', 'Abort']);

    const executed = await w.engine.decide({ workItemId: request.id, decision: 'Execute', actor: 'alice' });
    assert.deepEqual(await persisted(w, instanceId), [{ activity: 'PersistDraft', provisioning: false }], 'PersistDraft ran on its own');
    const review = executed.workItems.find((i) => i.permission === REVIEW);
    assert.ok(review);
    assert.equal(review.owner, null, 'offered to the permission holders, owned by nobody yet');

    const refused = await errorCode(() => w.engine.decide({ workItemId: review.id, decision: 'Approve', actor: 'bob' }));
    assert.equal(refused.code, 'WORKITEM_NOT_OWNER');
    assert.ok(refused.message.includes(REVIEW), `the refusal names the permission: ${refused.message}`);
    assert.deepEqual(await w.engine.listWorkItems({ owner: 'bob' }), [], 'bob has nothing in his inbox without a profile');

    // The default rules give the Review state to Manager (config/default/netwrix-access-control.xml).
    await w.assign('bob', 'Manager');
    assert.deepEqual((await w.engine.listWorkItems({ owner: 'bob' })).map((i) => i.id), [review.id]);

    const approved = await w.engine.decide({ workItemId: review.id, decision: 'Approve', actor: 'bob' });
    assert.deepEqual(await persisted(w, instanceId), [
      { activity: 'PersistDraft', provisioning: false },
      { activity: 'Persist', provisioning: true },
    ]);
    assert.equal(approved.instance.state, 'finished');
    assert.equal(approved.instance.result?.outcome, 'completed');
    const decision = (await w.repository.runtime.listAudit({ instanceId })).find((a) => a.event === 'decision' && a.actor === 'bob');
    assert.equal(decision?.data?.['as'], 'permission', 'the audit records that bob decided by permission');
    assert.deepEqual(await w.engine.listWorkItems({ owner: 'bob' }), [], 'the decided item left the inbox');
  });

  it('ends the instance as declined when the reviewer declines, without committing the change set', async () => {
    await w.assign('dora', 'Manager');
    const { instanceId, review } = await toReview(w);
    const declined = await w.engine.decide({ workItemId: review.id, decision: 'Decline', actor: 'dora' });
    assert.equal(declined.instance.state, 'finished');
    assert.equal(declined.instance.result?.outcome, 'declined');
    assert.deepEqual(await persisted(w, instanceId), [{ activity: 'PersistDraft', provisioning: false }]);
  });

  it('ends the instance as aborted when the requester aborts the request', async () => {
    const { instanceId, request } = await launchOnboarding(w);
    const aborted = await w.engine.decide({ workItemId: request.id, decision: 'Abort', actor: 'alice' });
    assert.equal(aborted.instance.state, 'finished');
    assert.equal(aborted.instance.result?.outcome, 'aborted');
    assert.deepEqual(await persisted(w, instanceId), []);
  });

  it('gives a delegated request to the delegate, and the requester may no longer decide it', async () => {
    const { request } = await launchOnboarding(w);
    const delegated = await w.engine.decide({ workItemId: request.id, decision: 'Delegate', actor: 'alice', assignee: 'carol' });
    const refine = delegated.workItems.find((i) => i.activity.endsWith('RefinePending'));
    assert.ok(refine, `a RefinePending item is open: ${delegated.workItems.map((i) => i.activity).join(', ')}`);
    assert.equal(refine.owner, 'carol');
    assert.deepEqual((await w.engine.listWorkItems({ owner: 'carol' })).map((i) => i.id), [refine.id]);
    assert.ok(!(await w.engine.listWorkItems({ owner: 'alice' })).some((i) => i.id === refine.id), 'not in alice’s inbox');
    const refused = await errorCode(() => w.engine.decide({ workItemId: refine.id, decision: 'Execute', actor: 'alice' }));
    assert.equal(refused.code, 'WORKITEM_NOT_OWNER');
    const executed = await w.engine.decide({ workItemId: refine.id, decision: 'Execute', actor: 'carol' });
    assert.ok(executed.workItems.some((i) => i.permission === REVIEW), 'the delegate’s Execute moves on to the Review');
  });

  it('keeps the request open with the new variables when the requester saves', async () => {
    const { request } = await launchOnboarding(w);
    const saved = await w.engine.decide({
      workItemId: request.id,
      decision: 'Save',
      actor: 'alice',
      variables: { message: 'draft for Ann', changes: { FirstName: 'Ann' } },
    });
    const still = saved.workItems.find((i) => i.id === request.id);
    assert.ok(still, 'the same item is still open');
    assert.equal(still.state, 'open');
    assert.equal(still.variables['message'], 'draft for Ann');
    assert.deepEqual(still.variables['changes'], { FirstName: 'Ann' });
    assert.equal(saved.instance.state, 'executing');
  });

  it('takes the review away again when the profile is unassigned', async () => {
    await w.assign('erin', 'Manager');
    const { review } = await toReview(w);
    assert.ok((await w.engine.listWorkItems({ owner: 'erin' })).some((i) => i.id === review.id));
    await w.repository.profiles.unassign('erin', ['Manager']);
    assert.deepEqual(await w.engine.listWorkItems({ owner: 'erin' }), []);
    assert.equal((await errorCode(() => w.engine.decide({ workItemId: review.id, decision: 'Approve', actor: 'erin' }))).code, 'WORKITEM_NOT_OWNER');
  });

  it('lets the first permission holder take the item: a second decision is refused as closed', async () => {
    await w.assign('fred', 'Manager');
    await w.assign('gina', 'Administrator');
    const { review } = await toReview(w);
    // Refine (ask ivan for feedback) closes the item and keeps the instance running, so the item still exists.
    await w.engine.decide({ workItemId: review.id, decision: 'Refine', actor: 'fred', assignee: 'ivan' });
    assert.equal((await errorCode(() => w.engine.decide({ workItemId: review.id, decision: 'Decline', actor: 'gina' }))).code, 'WORKITEM_CLOSED');
  });
});

describe('the AccessControlRule permission resolver', () => {
  let w: World;
  before(async () => {
    w = await openWorld();
  });
  after(() => w.close());

  it('honours a permission without a state as a grant of every state of the activity', async () => {
    await w.importXml(
      'super.xml',
      rules({ id: 'Super_Review', profile: 'SuperReviewer', entries: [['/Custom/Workflows/User_Onboarding/Review', true]] }),
    );
    await w.assign('hank', 'SuperReviewer');
    const { review } = await toReview(w);
    assert.ok((await w.engine.listWorkItems({ owner: 'hank' })).some((i) => i.id === review.id), 'the review is in his inbox');
    const refined = await w.engine.decide({ workItemId: review.id, decision: 'Refine', actor: 'hank', assignee: 'ivan' });
    assert.equal(refined.instance.state, 'executing');
    const resolver = createAclPermissionResolver(w.repository);
    assert.equal(await resolver('hank', '/Custom/Workflows/User_Onboarding/Review/Aborted'), true);
    assert.equal(await resolver('hank', '/Custom/Workflows/User_Onboarding/Request/ActionPending'), false, 'only that activity');
    assert.equal(await resolver('hank', '/Custom/Workflows/User_Onboarding/ReviewX/ReviewPending'), false, 'not a longer activity name');
  });

  it('grants nothing for an entry with CanExecute false', async () => {
    await w.importXml('denied.xml', rules({ id: 'Viewer_Review', profile: 'Viewer', entries: [[REVIEW, false]] }));
    await w.assign('jack', 'Viewer');
    const resolver = createAclPermissionResolver(w.repository);
    assert.equal(await resolver('jack', REVIEW), false);
    assert.deepEqual((await resolver.permissionsOf('jack')).grants, []);
    assert.deepEqual((await resolver.permissionsOf('jack')).unknownProfiles, [], 'Viewer is named by a rule, so it is known');
  });

  it('picks up a changed rule without reopening the engine', async () => {
    await w.assign('kate', 'Auditor');
    const resolver = createAclPermissionResolver(w.repository);
    assert.equal(await resolver('kate', REVIEW), false);
    assert.deepEqual((await resolver.permissionsOf('kate')).unknownProfiles, ['Auditor']);
    const { review } = await toReview(w);
    await w.importXml('auditor.xml', rules({ id: 'Auditor_Review', profile: 'Auditor', entries: [[REVIEW, true]] }));
    assert.equal(await resolver('kate', REVIEW), true, 'the cached index was rebuilt');
    assert.ok((await w.engine.listWorkItems({ owner: 'kate' })).some((i) => i.id === review.id));
    // A new version that drops the entry takes it away again.
    await w.importXml('auditor.xml', rules({ id: 'Auditor_Review', profile: 'Auditor', entries: [['/Custom/Workflows/User_Onboarding/Review/Aborted', true]] }));
    assert.equal(await resolver('kate', REVIEW), false);
    assert.ok(!(await w.engine.listWorkItems({ owner: 'kate' })).some((i) => i.id === review.id));
  });

  it('lists what a person holds from every profile, with the rule that grants it', async () => {
    await w.assign('lena', 'Manager', 'HR');
    const resolver = createAclPermissionResolver(w.repository);
    const mine = await resolver.permissionsOf('lena');
    assert.deepEqual(mine.profiles, ['HR', 'Manager']);
    assert.ok(mine.grants.some((g) => g.permission === REVIEW && g.profile === 'Manager' && g.rule === 'Manager_Workflows_User' && !g.everyState));
    assert.ok(mine.grants.some((g) => g.permission === '/Custom/Workflows/User_Onboarding/Request/ActionPending' && g.profile === 'HR'));
    const held = await resolver.held('lena');
    assert.ok(held.includes(REVIEW));
    assert.deepEqual(held, [...new Set(held)].sort(), 'sorted, without duplicates');
  });

  it('limits an inbox of permission items to the number asked for', async () => {
    await w.assign('mia', 'Manager');
    await toReview(w);
    await toReview(w);
    const all = await w.engine.listWorkItems({ owner: 'mia' });
    assert.ok(all.length >= 2);
    assert.equal((await w.engine.listWorkItems({ owner: 'mia', limit: 1 })).length, 1);
  });
});
