import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DiagnosticBag } from '../../src/definition/diagnostic.js';
import type { AspectModel } from '../../src/definition/model/aspect.js';
import type { Expr } from '../../src/definition/model/expression.js';
import type { DefinitionObject, WorkflowObject } from '../../src/definition/model/objects.js';
import { linkNetwrixSet, loadNetwrixDocument } from '../../src/definition/netwrix/netwrix-loader.js';
import { readXml } from '../../src/definition/xml/xml-reader.js';
import { hasErrorCode } from '../../src/errors.js';
import type { XValue } from '../../src/expression/env.js';
import { activity, call, Harness, i, loc, processModel, ref, s, taskDefinition, to } from './interpreter-harness.js';

const NS = 'urn:schemas-usercube-com:configuration';

function loadNetwrix(text: string): DefinitionObject[] {
  const diags = new DiagnosticBag();
  const root = readXml(text, 'netwrix.xml', diags);
  assert.ok(root);
  const objects = loadNetwrixDocument(root, { file: 'netwrix.xml', diags });
  linkNetwrixSet(objects, diags);
  assert.deepEqual(diags.items.filter((d) => d.severity === 'error'), []);
  return objects;
}

const onboarding = loadNetwrix(readFileSync(new URL('../fixtures/netwrix/onboarding-full.xml', import.meta.url), 'utf8'));
const wf = (objects: DefinitionObject[], name: string): WorkflowObject => objects.find((o): o is WorkflowObject => o.type === 'Workflow' && o.name === name)!;
const startInternal = wf(onboarding, 'Directory_User_StartInternal');

const goodChanges = (): Record<string, XValue> => ({ LastName: 'Doe', Records: [{ ContractStartDate: 20250101, ContractEndDate: 20251231 }] });
const decisions = (h: Harness): string[] => h.item().decisions.map((d) => d.name);

describe('interpreter: Netwrix templates', () => {
  it('gives the first state to the requester and offers later states by permission, with their verbs', async () => {
    const h = new Harness(startInternal, { launcher: 'manager1' });
    const o = await h.start({ changes: goodChanges() });
    assert.equal(o.status, 'waiting');
    assert.deepEqual(o.position, ['Request/ActionWithRefine-ActionPending']);
    assert.equal(h.item().owner, 'manager1');
    assert.equal(h.item().permission, undefined);
    assert.deepEqual(decisions(h), ['Save', 'Execute', 'Delegate', 'Abort']);
    await h.decide(h.item().id, 'Execute', { actor: 'manager1' });
    assert.deepEqual(h.last.position, ['Review/ReviewWithFeedback-ReviewPending']);
    assert.equal(h.item().owner, null);
    assert.equal(h.item().permission, '/Custom/Workflows/Directory_User_StartInternal/Review/ReviewPending');
    assert.deepEqual(decisions(h), ['Save', 'Approve', 'Decline', 'Refine', 'Abort']);
    await assert.rejects(h.decide(h.item().id, 'Execute'), (e: unknown) => hasErrorCode(e, 'ENGINE_DECISION_REFUSED') && /allowed: Save, Approve, Decline, Refine, Abort/.test((e as Error).message));
  });

  it('keeps the item open on Save and stores the saved change set without changing state', async () => {
    const h = new Harness(startInternal);
    await h.start({ changes: { LastName: 'Draft' } });
    const id = h.item().id;
    const o = await h.decide(id, 'Save', { actor: 'alice', variables: { changes: { LastName: 'Doe' } } });
    assert.equal(o.status, 'waiting');
    assert.deepEqual(o.position, ['Request/ActionWithRefine-ActionPending']);
    assert.equal(o.closeWorkItems.length, 1);
    assert.equal(o.closeWorkItems[0]!.reason, 'saved');
    assert.deepEqual((o.closeWorkItems[0]!.variables as Record<string, XValue>)['changes'], { LastName: 'Doe' });
    assert.deepEqual(o.createWorkItems, []);
    assert.equal(h.item().id, id, 'the same item is still open');
    assert.deepEqual(h.vars()['changes'], { LastName: 'Doe' });
  });

  it('hands the next state to the assignee of a Refine, who gives feedback back to the reviewer who asked', async () => {
    const h = new Harness(startInternal);
    await h.start({ changes: goodChanges() });
    await h.decide(h.item().id, 'Execute', { actor: 'alice' });
    await assert.rejects(h.decide(h.item().id, 'Refine', { actor: 'rev' }), (e: unknown) => hasErrorCode(e, 'ENGINE_ASSIGNEE_REQUIRED'));
    await h.decide(h.item().id, 'Refine', { actor: 'rev', assignee: 'expert' });
    assert.deepEqual(h.last.position, ['Review/ReviewWithFeedback-RefinePending']);
    assert.equal(h.item().owner, 'expert');
    assert.equal(h.item().delegatedFrom, 'rev');
    assert.deepEqual(decisions(h), ['Save', 'Delegate', 'Execute']);
    await h.decide(h.item().id, 'Execute', { actor: 'expert' });
    assert.deepEqual(h.last.position, ['Review/ReviewWithFeedback-ReviewPending']);
    assert.equal(h.item().owner, 'rev', 'back with the reviewer who refined, by name');
    assert.equal(h.item().permission, undefined, 'not offered to every holder of the permission again');
  });

  it('delegates the request: the delegate owns the RefinePending item', async () => {
    const h = new Harness(startInternal, { launcher: 'req' });
    await h.start({ changes: goodChanges() });
    await h.decide(h.item().id, 'Delegate', { actor: 'req', assignee: 'helper' });
    assert.deepEqual(h.last.position, ['Request/ActionWithRefine-RefinePending']);
    assert.deepEqual([h.item().owner, h.item().delegatedFrom], ['helper', 'req']);
  });

  it('runs the whole onboarding: draft persisted without provisioning, notification, commit with provisioning', async () => {
    const h = new Harness(startInternal, { launcher: 'manager1' });
    await h.start({ changes: { ...goodChanges(), Vehicle_Requested: true } });
    const after1 = await h.decide(h.item().id, 'Execute', { actor: 'manager1' });
    const kinds = after1.effects.map((e) => (e.kind === 'audit' ? `audit:${e.event}` : e.kind));
    assert.deepEqual(kinds, ['notification', 'audit:changeset:persisted']);
    const draft = after1.effects[1]!;
    assert.ok(draft.kind === 'audit');
    assert.equal(draft.data!['provisioning'], false);
    assert.equal((draft.data!['changes'] as Record<string, XValue>)['IsDraft'], true, 'AddChangeAspect ran before PersistOnlyResources');
    const note = after1.effects[0]!;
    assert.ok(note.kind === 'notification');
    assert.equal(note.subject, 'New employee: Doe');
    // Actor = whoever may act on the next step: the reviewers, past the automatic draft persist.
    assert.deepEqual(note.to, ['permission:/Custom/Workflows/Directory_User_StartInternal/Review/ReviewPending', 'hr@example.com', 'it@example.com']);

    const done = await h.decide(h.item().id, 'Approve', { actor: 'reviewer' });
    assert.equal(done.status, 'finished');
    assert.equal(done.result?.outcome, 'completed');
    const persisted = done.effects.find((e) => e.kind === 'audit')!;
    assert.ok(persisted.kind === 'audit');
    assert.equal(persisted.data!['provisioning'], true);
    assert.equal((persisted.data!['changes'] as Record<string, XValue>)['IsDraft'], false);
    const launch = done.effects.find((e) => e.kind === 'launch');
    assert.ok(launch && launch.kind === 'launch');
    assert.equal(launch.definition, 'Directory_User_VehicleRequest');
    assert.equal(launch.launcher, 'manager1');
  });

  it('refuses a transition whose assertion fails, with the aspect message, and changes nothing', async () => {
    const h = new Harness(startInternal);
    await h.start({ changes: { Records: [{ ContractStartDate: 20250601, ContractEndDate: 20250101 }] } });
    const before = JSON.stringify(h.state);
    // Both the date check (priority 10) and the required last name (priority 0) fail: the higher priority speaks.
    await assert.rejects(h.decide(h.item().id, 'Execute'), (e: unknown) => {
      assert.ok(hasErrorCode(e, 'ASPECT_ASSERTION_FAILED'));
      assert.equal((e as Error).message, "Contract's end date must be after contract's start date.");
      return true;
    });
    assert.equal(JSON.stringify(h.state), before);
    await h.decide(h.item().id, 'Save', { variables: { changes: { Records: [{ ContractStartDate: 20250101, ContractEndDate: 20250601 }] } } });
    await assert.rejects(h.decide(h.item().id, 'Execute'), (e: unknown) => hasErrorCode(e, 'ASPECT_ASSERTION_FAILED') && (e as Error).message === 'The last name is required.');
  });

  it('ends the instance with outcome declined on Decline and aborted on Abort', async () => {
    const h = new Harness(startInternal);
    await h.start({ changes: goodChanges() });
    await h.decide(h.item().id, 'Execute');
    const declined = await h.decide(h.item().id, 'Decline', { actor: 'rev' });
    assert.equal(declined.status, 'finished');
    assert.equal(declined.result?.outcome, 'declined');
    assert.equal(declined.effects.filter((e) => e.kind === 'audit' && e.data!['provisioning'] === true).length, 0, 'Persist never ran');

    const h2 = new Harness(startInternal);
    await h2.start({ changes: goodChanges() });
    const aborted = await h2.decide(h2.item().id, 'Abort');
    assert.equal(aborted.status, 'finished');
    assert.equal(aborted.result?.outcome, 'aborted');
    assert.equal(h2.open.size, 0);
  });

  it('persists without provisioning when the activity blocks provisioning, and ContinueWith launches the next workflow', async () => {
    const objects = loadNetwrix(`<ConfigurationFile xmlns="${NS}">
  <Workflow Identifier="Chain" DisplayName_L1="Chain" VariablesType="Workflow_User">
    <Activity Identifier="Persist" DisplayName_L1="P" Template="Persist" ArgumentBlockProvisioning="true" />
    <Activity Identifier="Next" DisplayName_L1="C" Template="ContinueWith" ArgumentCalledWorkflow="Other" />
  </Workflow>
</ConfigurationFile>`);
    const h = new Harness(wf(objects, 'Chain'), { launcher: 'hr-feed' });
    const o = await h.start({ changes: { LastName: 'Roe' }, message: 'hello' });
    assert.equal(o.status, 'finished');
    assert.deepEqual(
      o.effects.map((e) => e.kind),
      ['audit', 'launch'],
    );
    assert.ok(o.effects[0]!.kind === 'audit');
    assert.equal(o.effects[0]!.data!['provisioning'], false);
    const launch = o.effects[1]!;
    assert.ok(launch.kind === 'launch');
    assert.equal(launch.definition, 'Other');
    assert.deepEqual(launch.variables['changes'], { LastName: 'Roe' });
    assert.equal(launch.variables['message'], 'hello');
  });
});

describe('interpreter: Netwrix aspects', () => {
  const aspect = (a: Partial<AspectModel> & Pick<AspectModel, 'kind' | 'identifier'>): AspectModel => ({ priority: 0, attributes: {}, pointCuts: [], location: loc, ...a });
  const bool = (v: boolean): Expr => ({ op: 'Boolean', text: String(v) });
  const run = async (before: AspectModel[], changes: Record<string, XValue> = {}, after: AspectModel[] = [], input: Record<string, XValue> = {}) => {
    const p = taskDefinition(
      processModel('Asp', [
        activity('S', {
          template: { activity: 'S', template: 'Persist', state: 'Persist-Invoked', shortState: 'Invoked' },
          aspects: { before, after },
          transitions: [to('end')],
        }),
        activity('end'),
      ]),
    );
    const h = new Harness(p);
    const o = await h.start({ ...input, changes });
    return { h, o, changes: h.vars()['changes'] as Record<string, XValue> };
  };

  it('runs aspects highest priority first, so the lowest priority has the last word', async () => {
    const { changes } = await run([
      aspect({ kind: 'AddChangeAspect', identifier: 'low', priority: -1, binding: 'Workflow_User:User.Title', expression: s('low') }),
      aspect({ kind: 'AddChangeAspect', identifier: 'high', priority: 7, binding: 'Workflow_User:User.Title', expression: s('high') }),
      aspect({ kind: 'AddChangeAspect', identifier: 'mid', priority: 3, binding: 'Workflow_User:User.Trace', expression: call('concat', ref('changes.Title'), s('+mid')) }),
    ]);
    assert.equal(changes['Title'], 'low');
    assert.equal(changes['Trace'], 'high+mid');
  });

  it('skips an aspect whose IfExpression is false and ignores a null value unless AcceptNullValue', async () => {
    const { changes } = await run(
      [
        aspect({ kind: 'AddChangeAspect', identifier: 'if', binding: 'Workflow_User:User.A', expression: s('set'), ifExpression: bool(false) }),
        aspect({ kind: 'AddChangeAspect', identifier: 'null', binding: 'Workflow_User:User.B', expression: { op: 'null' } }),
        aspect({ kind: 'AddChangeAspect', identifier: 'nullok', binding: 'Workflow_User:User.C', expression: { op: 'null' }, acceptNullValue: true }),
      ],
      { A: 'a', B: 'b', C: 'c' },
    );
    assert.deepEqual(changes, { A: 'a', B: 'b', C: null });
  });

  it('builds a unique value by iterating until the check expression accepts one', async () => {
    const { changes } = await run(
      [
        aspect({
          kind: 'BuildUniqueValueAspect',
          identifier: 'login',
          binding: 'Workflow_User:User.Login',
          iterationsCount: 5,
          expression: call('concat', ref('record.LastName'), ref('iteration')),
          checkExpression: call('not', call('contains', ref('taken'), ref('value'))),
        }),
      ],
      { LastName: 'doe' },
      [],
      { taken: ['doe0', 'doe1'] },
    );
    assert.equal(changes['Login'], 'doe2');
  });

  it('refuses when a required bound value is empty, and when no unique value is found', async () => {
    await assert.rejects(
      run([aspect({ kind: 'AssertValueRequiredAspect', identifier: 'req', binding: 'Workflow_User:User.Mail' })], { Mail: '' }),
      (e: unknown) => hasErrorCode(e, 'ASPECT_ASSERTION_FAILED') && /Workflow_User:User.Mail is required/.test((e as Error).message),
    );
    await assert.rejects(
      run([aspect({ kind: 'BuildUniqueValueAspect', identifier: 'u', binding: 'Workflow_User:User.Login', iterationsCount: 2, expression: s('x'), checkExpression: bool(false) })]),
      (e: unknown) => hasErrorCode(e, 'ASPECT_UNIQUE_VALUE_EXHAUSTED'),
    );
  });

  it('emits a launch for InvokeWorkflowAspect and a notification for NotificationAspect, on leaving the state', async () => {
    const { o } = await run([], { Mail: 'a@x' }, [
      aspect({ kind: 'InvokeWorkflowAspect', identifier: 'inv', workflow: 'Follow_Up', ifExpression: call('eq', ref('record.Mail'), s('a@x')) }),
      aspect({ kind: 'InvokeWorkflowAspect', identifier: 'skip', workflow: 'Never', ifExpression: bool(false) }),
      aspect({ kind: 'NotificationAspect', identifier: 'note', recipients: [{ type: 'Binding', binding: 'User:Mail', isCC: false }], subjectExpression: s('Done') }),
    ]);
    const launches = o.effects.filter((e) => e.kind === 'launch');
    assert.deepEqual(launches.map((e) => e.kind === 'launch' && e.definition), ['Follow_Up']);
    const notes = o.effects.filter((e) => e.kind === 'notification');
    assert.deepEqual(notes.map((e) => e.kind === 'notification' && [e.to, e.subject]), [[['a@x'], 'Done']]);
  });

  it('evaluates an assertion once per record of a list binding', async () => {
    const check = aspect({
      kind: 'AssertValueAspect',
      identifier: 'dates',
      expressionBinding: 'Workflow_User:User.Records',
      expression: call('lt', ref('record.Start'), ref('record.End')),
      message: 'bad dates',
    });
    await run([check], { Records: [{ Start: 1, End: 2 }, { Start: 3, End: 4 }] });
    await assert.rejects(run([check], { Records: [{ Start: 1, End: 2 }, { Start: 5, End: 4 }] }), (e: unknown) => (e as Error).message === 'bad dates');
  });

  it('sets an AddChange binding below the ExpressionBinding on every record', async () => {
    const { changes } = await run(
      [aspect({ kind: 'AddChangeAspect', identifier: 'r', binding: 'Workflow_User:User.Records.Flag', expressionBinding: 'Workflow_User:User.Records', expression: call('add', ref('record.N'), i(1)) })],
      { Records: [{ N: 1 }, { N: 5 }] },
    );
    assert.deepEqual(changes['Records'], [{ N: 1, Flag: 2 }, { N: 5, Flag: 6 }]);
  });
});
