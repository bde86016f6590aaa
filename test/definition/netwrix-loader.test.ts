import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { DiagnosticBag, formatDiagnostic } from '../../src/definition/diagnostic.js';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import type { ActivityModel } from '../../src/definition/model/activity.js';
import type { AccessControlRuleObject, AspectObject, DefinitionObject, WorkflowObject } from '../../src/definition/model/objects.js';
import { linkAspects, linkNetwrixSet, loadNetwrixDocument } from '../../src/definition/netwrix/netwrix-loader.js';
import { readXml } from '../../src/definition/xml/xml-reader.js';

const NS = 'urn:schemas-usercube-com:configuration';
const FIXTURES = new URL('../fixtures/netwrix/', import.meta.url);

/** Reads one Netwrix document (no linking). */
function load(text: string, file = 'bad.xml'): { objects: DefinitionObject[]; diags: DiagnosticBag } {
  const diags = new DiagnosticBag();
  const root = readXml(text, file, diags);
  assert.ok(root, 'the XML itself is well-formed');
  return { objects: loadNetwrixDocument(root, { file, diags }), diags };
}

/** A configuration file whose body starts on line 2. */
const wrap = (body: string): string => `<ConfigurationFile xmlns="${NS}">\n${body}\n</ConfigurationFile>`;

async function fixture(name: string): Promise<{ objects: DefinitionObject[]; diags: DiagnosticBag }> {
  return load(await readFile(new URL(name, FIXTURES), 'utf8'), `test/fixtures/netwrix/${name}`);
}

const workflow = (objects: readonly DefinitionObject[], name: string): WorkflowObject => {
  const o = objects.find((x) => x.type === 'Workflow' && x.name === name);
  assert.ok(o, `workflow ${name} is loaded`);
  return o as WorkflowObject;
};
const state = (wf: WorkflowObject, name: string): ActivityModel => {
  const a = wf.process.activities.find((x) => x.name === name);
  assert.ok(a, `state ${name} exists`);
  return a;
};

/** A workflow using all seven templates, ContinueWith last as it must be. */
const ALL_TEMPLATES = wrap(`  <Workflow Identifier="All" DisplayName_L1="All templates" VariablesType="Workflow_User">
    <Activity Identifier="A" DisplayName_L1="A" Template="Action" />
    <Activity Identifier="AR" DisplayName_L1="AR" Template="ActionWithRefine" />
    <Activity Identifier="R" DisplayName_L1="R" Template="Review" />
    <Activity Identifier="RF" DisplayName_L1="RF" Template="ReviewWithFeedback" />
    <Activity Identifier="P" DisplayName_L1="P" Template="Persist" ArgumentBlockProvisioning="true" />
    <Activity Identifier="PO" DisplayName_L1="PO" Template="PersistOnlyResources" />
    <Activity Identifier="C" DisplayName_L1="C" Template="ContinueWith" ArgumentCalledWorkflow="Other" />
  </Workflow>`);

// The 23 state templates and 30 transition templates of reference netwrix §3, written out by hand.
const REFERENCE_STATES = [
  'Action-ActionPending', 'Action-Executed', 'Action-Aborted', 'Action-Purged',
  'ActionWithRefine-ActionPending', 'ActionWithRefine-Executed', 'ActionWithRefine-RefinePending', 'ActionWithRefine-Aborted', 'ActionWithRefine-Purged',
  'Review-ReviewPending', 'Review-Declined', 'Review-Approved', 'Review-Aborted', 'Review-Purged',
  'ReviewWithFeedback-ReviewPending', 'ReviewWithFeedback-Approved', 'ReviewWithFeedback-Declined',
  'ReviewWithFeedback-RefinePending', 'ReviewWithFeedback-Aborted', 'ReviewWithFeedback-Purged',
  'ContinueWith-Invoked', 'Persist-Invoked', 'PersistOnlyResources-Invoked',
];
const REFERENCE_TRANSITIONS = [
  'Action-ActionPending-Save', 'Action-ActionPending-Execute', 'Action-ActionPending-Abort', 'Action-Aborted-Purge',
  'ActionWithRefine-ActionPending-Save', 'ActionWithRefine-ActionPending-Execute', 'ActionWithRefine-ActionPending-Delegate', 'ActionWithRefine-ActionPending-Abort',
  'ActionWithRefine-RefinePending-Save', 'ActionWithRefine-RefinePending-Delegate', 'ActionWithRefine-RefinePending-Execute', 'ActionWithRefine-RefinePending-Abort',
  'ActionWithRefine-Aborted-Purge',
  'Review-ReviewPending-Save', 'Review-ReviewPending-Approve', 'Review-ReviewPending-Decline', 'Review-ReviewPending-Abort', 'Review-Aborted-Purge',
  'ReviewWithFeedback-ReviewPending-Save', 'ReviewWithFeedback-ReviewPending-Approve', 'ReviewWithFeedback-ReviewPending-Decline',
  'ReviewWithFeedback-ReviewPending-Refine', 'ReviewWithFeedback-ReviewPending-Abort', 'ReviewWithFeedback-Aborted-Purge',
  'ReviewWithFeedback-RefinePending-Save', 'ReviewWithFeedback-RefinePending-Delegate', 'ReviewWithFeedback-RefinePending-Execute',
  'ContinueWith-Invoked-Invoke', 'Persist-Invoked-Invoke', 'PersistOnlyResources-Invoked-Invoke',
];

describe('Netwrix workflows', () => {
  it('loads the four workflows of the Workflow Uses page without any diagnostic', async () => {
    const { objects, diags } = await fixture('workflow-uses.xml');
    assert.deepEqual(diags.items, []);
    assert.deepEqual(
      objects.map((o) => [o.type, o.name]),
      [['Workflow', 'User_Onboarding'], ['Workflow', 'User_ChangeName'], ['Workflow', 'User_ResourcesUpdate'], ['Workflow', 'User_Offboarding']],
    );
    const onboarding = workflow(objects, 'User_Onboarding');
    assert.deepEqual(onboarding.activities.map((a) => `${a.identifier}:${a.template}`), [
      'Request:ActionWithRefine', 'PersistDraft:PersistOnlyResources', 'Review:ReviewWithFeedback', 'Persist:Persist',
    ]);
    assert.equal(onboarding.displayNames['L1'], 'User - New Employee');
    assert.equal(onboarding.process.start, 'Request/ActionWithRefine-ActionPending');
    assert.equal(workflow(objects, 'User_Offboarding').displayNames['L1'], "Depart d'un collaborateur");
    assert.equal(workflow(objects, 'User_ResourcesUpdate').variablesType, 'Workflow_Directory_User');
    for (const o of objects as WorkflowObject[]) {
      assert.equal(o.entityType, 'User');
      assert.equal(o.parameters.execMode, 'sync');
    }
  });

  it('compiles the seven templates into exactly the 23 states and 30 transitions of the reference', () => {
    const { objects, diags } = load(ALL_TEMPLATES);
    assert.deepEqual(diags.items, []);
    const wf = workflow(objects, 'All');
    const states = wf.process.activities.flatMap((a) => (a.template ? [a.template.state] : []));
    assert.deepEqual([...states].sort(), [...REFERENCE_STATES].sort());
    const chaining = ['AR/ActionWithRefine-ActionPending', 'R/Review-ReviewPending', 'RF/ReviewWithFeedback-ReviewPending', 'P/Persist-Invoked'];
    const names = wf.process.activities.flatMap((a) => a.transitions.map((t) => t.name));
    assert.deepEqual([...names].sort(), [...REFERENCE_TRANSITIONS, ...chaining].sort());
  });

  it('sends every transition to the state the template table says', () => {
    const { objects } = load(ALL_TEMPLATES);
    const edges = workflow(objects, 'All').process.activities.flatMap((a) => a.transitions.map((t) => `${a.name} --${t.name}--> ${t.to}`));
    assert.deepEqual(edges, [
      'A/Action-ActionPending --Action-ActionPending-Save--> A/Action-ActionPending',
      'A/Action-ActionPending --Action-ActionPending-Execute--> A/Action-Executed',
      'A/Action-ActionPending --Action-ActionPending-Abort--> A/Action-Aborted',
      'A/Action-Executed --AR/ActionWithRefine-ActionPending--> AR/ActionWithRefine-ActionPending',
      'A/Action-Aborted --Action-Aborted-Purge--> A/Action-Purged',
      'AR/ActionWithRefine-ActionPending --ActionWithRefine-ActionPending-Save--> AR/ActionWithRefine-ActionPending',
      'AR/ActionWithRefine-ActionPending --ActionWithRefine-ActionPending-Execute--> AR/ActionWithRefine-Executed',
      'AR/ActionWithRefine-ActionPending --ActionWithRefine-ActionPending-Delegate--> AR/ActionWithRefine-RefinePending',
      'AR/ActionWithRefine-ActionPending --ActionWithRefine-ActionPending-Abort--> AR/ActionWithRefine-Aborted',
      'AR/ActionWithRefine-Executed --R/Review-ReviewPending--> R/Review-ReviewPending',
      'AR/ActionWithRefine-RefinePending --ActionWithRefine-RefinePending-Save--> AR/ActionWithRefine-RefinePending',
      'AR/ActionWithRefine-RefinePending --ActionWithRefine-RefinePending-Delegate--> AR/ActionWithRefine-RefinePending',
      'AR/ActionWithRefine-RefinePending --ActionWithRefine-RefinePending-Execute--> AR/ActionWithRefine-Executed',
      'AR/ActionWithRefine-RefinePending --ActionWithRefine-RefinePending-Abort--> AR/ActionWithRefine-Aborted',
      'AR/ActionWithRefine-Aborted --ActionWithRefine-Aborted-Purge--> AR/ActionWithRefine-Purged',
      'R/Review-ReviewPending --Review-ReviewPending-Save--> R/Review-ReviewPending',
      'R/Review-ReviewPending --Review-ReviewPending-Approve--> R/Review-Approved',
      'R/Review-ReviewPending --Review-ReviewPending-Decline--> R/Review-Declined',
      'R/Review-ReviewPending --Review-ReviewPending-Abort--> R/Review-Aborted',
      'R/Review-Approved --RF/ReviewWithFeedback-ReviewPending--> RF/ReviewWithFeedback-ReviewPending',
      'R/Review-Aborted --Review-Aborted-Purge--> R/Review-Purged',
      'RF/ReviewWithFeedback-ReviewPending --ReviewWithFeedback-ReviewPending-Save--> RF/ReviewWithFeedback-ReviewPending',
      'RF/ReviewWithFeedback-ReviewPending --ReviewWithFeedback-ReviewPending-Approve--> RF/ReviewWithFeedback-Approved',
      'RF/ReviewWithFeedback-ReviewPending --ReviewWithFeedback-ReviewPending-Decline--> RF/ReviewWithFeedback-Declined',
      'RF/ReviewWithFeedback-ReviewPending --ReviewWithFeedback-ReviewPending-Refine--> RF/ReviewWithFeedback-RefinePending',
      'RF/ReviewWithFeedback-ReviewPending --ReviewWithFeedback-ReviewPending-Abort--> RF/ReviewWithFeedback-Aborted',
      'RF/ReviewWithFeedback-Approved --P/Persist-Invoked--> P/Persist-Invoked',
      'RF/ReviewWithFeedback-RefinePending --ReviewWithFeedback-RefinePending-Save--> RF/ReviewWithFeedback-RefinePending',
      'RF/ReviewWithFeedback-RefinePending --ReviewWithFeedback-RefinePending-Delegate--> RF/ReviewWithFeedback-RefinePending',
      'RF/ReviewWithFeedback-RefinePending --ReviewWithFeedback-RefinePending-Execute--> RF/ReviewWithFeedback-ReviewPending',
      'RF/ReviewWithFeedback-Aborted --ReviewWithFeedback-Aborted-Purge--> RF/ReviewWithFeedback-Purged',
      'P/Persist-Invoked --Persist-Invoked-Invoke--> PO/PersistOnlyResources-Invoked',
      'PO/PersistOnlyResources-Invoked --PersistOnlyResources-Invoked-Invoke--> C/ContinueWith-Invoked',
      'C/ContinueWith-Invoked --ContinueWith-Invoked-Invoke--> end',
    ]);
  });

  it('fires user transitions only on their decision and system transitions by themselves', () => {
    const { objects } = load(ALL_TEMPLATES);
    for (const a of workflow(objects, 'All').process.activities) {
      for (const t of a.transitions) {
        const verb = t.name!.split('-')[2];
        if (verb === undefined) assert.equal(t.decision, undefined, `${t.name} is the automatic step to the next activity`);
        else if (verb === 'Invoke') assert.equal(t.decision, undefined, `${t.name} is automatic`);
        else assert.equal(t.decision, verb, `${t.name} needs the decision ${verb}`);
      }
    }
  });

  it('offers exactly the template verbs as decisions in each waiting state', () => {
    const { objects } = load(ALL_TEMPLATES);
    const waiting = workflow(objects, 'All').process.activities.flatMap((a) =>
      a.actions.flatMap((x) => (x.kind === 'manual' ? [[a.name, x.manual.decisions.map((d) => `${d.name}:${d.kind}`).join(' ')]] : [])),
    );
    assert.deepEqual(waiting, [
      ['A/Action-ActionPending', 'Save:save Execute:complete Abort:complete'],
      ['AR/ActionWithRefine-ActionPending', 'Save:save Execute:complete Delegate:assign Abort:complete'],
      ['AR/ActionWithRefine-RefinePending', 'Save:save Delegate:assign Execute:complete Abort:complete'],
      ['R/Review-ReviewPending', 'Save:save Approve:complete Decline:complete Abort:complete'],
      ['RF/ReviewWithFeedback-ReviewPending', 'Save:save Approve:complete Decline:complete Refine:assign Abort:complete'],
      ['RF/ReviewWithFeedback-RefinePending', 'Save:save Delegate:assign Execute:complete'],
    ]);
  });

  it('offers each work item to the holders of its state permission, the first one to the requester', async () => {
    const { objects } = await fixture('workflow-uses.xml');
    const wf = workflow(objects, 'User_Onboarding');
    const owners = wf.process.activities.flatMap((a) => a.actions.flatMap((x) => (x.kind === 'manual' ? x.manual.owners : [])));
    assert.deepEqual(
      owners.map((o) => (o.kind === 'permission' ? [o.permission, o.requester] : o.kind)),
      [
        ['/Custom/Workflows/User_Onboarding/Request/ActionPending', true],
        ['/Custom/Workflows/User_Onboarding/Request/RefinePending', false],
        ['/Custom/Workflows/User_Onboarding/Review/ReviewPending', false],
        ['/Custom/Workflows/User_Onboarding/Review/RefinePending', false],
      ],
    );
    const permissions = wf.process.activities.map((a) => [a.name, a.template?.permission ?? null]);
    assert.deepEqual(permissions, [
      ['Request/ActionWithRefine-ActionPending', '/Custom/Workflows/User_Onboarding/Request/ActionPending'],
      ['Request/ActionWithRefine-Executed', null],
      ['Request/ActionWithRefine-RefinePending', '/Custom/Workflows/User_Onboarding/Request/RefinePending'],
      ['Request/ActionWithRefine-Aborted', '/Custom/Workflows/User_Onboarding/Request/Aborted'],
      ['Request/ActionWithRefine-Purged', '/Custom/Workflows/User_Onboarding/Request/Purged'],
      ['PersistDraft/PersistOnlyResources-Invoked', null],
      ['Review/ReviewWithFeedback-ReviewPending', '/Custom/Workflows/User_Onboarding/Review/ReviewPending'],
      ['Review/ReviewWithFeedback-Approved', null],
      ['Review/ReviewWithFeedback-Declined', null],
      ['Review/ReviewWithFeedback-RefinePending', '/Custom/Workflows/User_Onboarding/Review/RefinePending'],
      ['Review/ReviewWithFeedback-Aborted', '/Custom/Workflows/User_Onboarding/Review/Aborted'],
      ['Review/ReviewWithFeedback-Purged', '/Custom/Workflows/User_Onboarding/Review/Purged'],
      ['Persist/Persist-Invoked', null],
      ['end', null],
    ]);
  });

  it('ends the instance at Declined and Aborted with their outcome, and completes after the last activity', async () => {
    const { objects } = await fixture('workflow-uses.xml');
    const wf = workflow(objects, 'User_Onboarding');
    const declined = state(wf, 'Review/ReviewWithFeedback-Declined');
    assert.equal(declined.template?.outcome, 'declined');
    assert.deepEqual(declined.transitions, []);
    const aborted = state(wf, 'Request/ActionWithRefine-Aborted');
    assert.equal(aborted.template?.outcome, 'aborted');
    assert.deepEqual(aborted.actions, [], 'no work item waits in an aborted instance');
    assert.deepEqual(aborted.transitions.map((t) => [t.name, t.decision, t.to]), [['ActionWithRefine-Aborted-Purge', 'Purge', 'Request/ActionWithRefine-Purged']]);
    assert.equal(state(wf, 'Request/ActionWithRefine-Purged').template?.outcome, 'purged');
    assert.equal(state(wf, 'Review/ReviewWithFeedback-Approved').template?.outcome, 'success');
    assert.deepEqual(state(wf, 'Persist/Persist-Invoked').transitions.map((t) => t.to), ['end']);
    assert.deepEqual(state(wf, 'end').transitions, []);
  });

  it('runs system templates as idflow.netwrix service operations with their arguments', () => {
    const { objects } = load(ALL_TEMPLATES);
    const wf = workflow(objects, 'All');
    const service = (name: string): { op?: string; application?: string; args: Record<string, string | undefined> } => {
      const action = state(wf, name).actions[0];
      assert.ok(action && action.kind === 'service');
      return {
        ...(action.op !== undefined ? { op: action.op } : {}),
        ...(action.application !== undefined ? { application: action.application } : {}),
        args: Object.fromEntries(action.arguments.map((a) => [a.name, a.value ?? a.expression?.op])),
      };
    };
    assert.deepEqual(service('P/Persist-Invoked'), {
      op: 'persist', application: 'idflow.netwrix',
      args: { activity: 'P', changes: 'ref', subject: 'ref', blockProvisioning: 'true' },
    });
    assert.deepEqual(service('PO/PersistOnlyResources-Invoked').args['blockProvisioning'], 'false');
    assert.equal(service('PO/PersistOnlyResources-Invoked').op, 'persistOnlyResources');
    assert.deepEqual(service('C/ContinueWith-Invoked'), {
      op: 'continueWith', application: 'idflow.netwrix',
      args: { activity: 'C', changes: 'ref', subject: 'ref', calledWorkflow: 'Other', message: 'ref' },
    });
  });

  it('declares the change set, the message and the subject as input variables', async () => {
    const { objects } = await fixture('workflow-uses.xml');
    const vars = workflow(objects, 'User_ChangeName').process.variables;
    assert.deepEqual(vars.map((v) => [v.name, v.input, v.initial?.op ?? null]), [['changes', true, 'Map'], ['message', true, null], ['subject', true, null]]);
  });
});

describe('Netwrix aspects', () => {
  it('reads every aspect of the onboarding file with its XPRESS expressions, point cuts and recipients', async () => {
    const { objects } = await fixture('onboarding-full.xml');
    const aspects = new Map(objects.filter((o): o is AspectObject => o.type === 'Aspect').map((o) => [o.name, o.aspect]));
    const isDraft = aspects.get('Directory_User_StartInternal_IsDraft');
    assert.equal(isDraft?.kind, 'AddChangeAspect');
    assert.equal(isDraft?.binding, 'Workflow_Directory_User:Directory_User.IsDraft');
    assert.equal(isDraft?.expression?.op, 'Boolean');
    assert.deepEqual(isDraft?.pointCuts.map((p) => [p.activity, p.activityState, p.mode]), [
      ['Directory_User_StartInternal:PersistDraft', 'PersistOnlyResources-Invoked', 'Before'],
    ]);
    const check = aspects.get('Directory_User_StartInternal_CheckDates');
    assert.equal(check?.expression?.op, 'or');
    assert.equal(check?.priority, 10);
    assert.equal(check?.message, "Contract's end date must be after contract's start date.");
    assert.equal(aspects.get('Directory_User_StartInternal_ClearDraft')?.pointCuts[0]?.mode, 'Before', 'Mode="0" is Before');
    const notification = aspects.get('Notification_Directory_User_StartInternal');
    assert.equal(notification?.subjectExpression?.op, 'concat');
    assert.deepEqual(notification?.recipients, [
      { type: 'Actor', isCC: false },
      { type: 'Hardcoded', emailAddresses: ['hr@example.com', 'it@example.com'], isCC: true },
    ]);
    assert.equal(notification?.expressionBinding, 'Workflow_Directory_User:Directory_User');
    assert.deepEqual(notification?.attributes, {
      RazorFile_L1: 'Template/Notification_Directory_User.cshtml',
      CssFile: 'Template/Notification_Directory_User.css',
    });
    const invoke = aspects.get('Directory_User_StartInternal_VehicleRequest');
    assert.equal(invoke?.workflow, 'Directory_User_VehicleRequest');
    assert.equal(invoke?.ifExpression?.op, 'ref');
  });

  it('links each aspect into the state its point cut names, highest priority first', async () => {
    const { objects, diags } = await fixture('onboarding-full.xml');
    linkNetwrixSet(objects, diags);
    const wf = workflow(objects, 'Directory_User_StartInternal');
    const linked = wf.process.activities
      .filter((a) => a.aspects)
      .map((a) => [a.name, a.aspects!.before.map((x) => x.identifier), a.aspects!.after.map((x) => x.identifier)]);
    assert.deepEqual(linked, [
      ['Request/ActionWithRefine-Executed', ['Directory_User_StartInternal_CheckDates', 'Directory_User_StartInternal_LastNameRequired'], ['Notification_Directory_User_StartInternal']],
      ['PersistDraft/PersistOnlyResources-Invoked', ['Directory_User_StartInternal_IsDraft'], []],
      ['Review/ReviewWithFeedback-Approved', ['Directory_User_StartInternal_CheckDates'], []],
      ['Persist/Persist-Invoked', ['Directory_User_StartInternal_ClearDraft'], ['Directory_User_StartInternal_VehicleRequest']],
    ]);
    assert.equal(objects.filter((o) => o.type === 'Aspect').length, 6, 'aspects stay objects of their own');
  });

  it('links aspects from another file of the load set, orders equal priorities by identifier and relinks idempotently', async () => {
    const { objects: workflows } = await fixture('workflow-uses.xml');
    const { objects: aspects, diags } = load(
      wrap(`  <AssertValueRequiredAspect Identifier="b_low" Binding="Workflow_User:Directory_User.LastName" Priority="-1">
    <PointCut Activity="User_ChangeName:Request" ActivityState="ActionWithRefine-Executed" />
  </AssertValueRequiredAspect>
  <AssertValueRequiredAspect Identifier="c_same" Binding="Workflow_User:Directory_User.FirstName" Priority="3">
    <PointCut Activity="User_ChangeName:Request" ActivityState="ActionWithRefine-Executed" />
  </AssertValueRequiredAspect>
  <AssertValueRequiredAspect Identifier="a_same" Binding="Workflow_User:Directory_User.Mail" Priority="3">
    <PointCut Activity="User_ChangeName:Request" ActivityState="ActionWithRefine-Executed" Mode="Before" />
    <PointCut Activity="User_ChangeName:Request" ActivityState="ActionWithRefine-ActionPending" Mode="1" />
  </AssertValueRequiredAspect>`),
      'aspects.xml',
    );
    const set = [...workflows, ...aspects];
    linkAspects(set, diags);
    linkAspects(set, diags);
    assert.deepEqual(diags.items, []);
    const wf = workflow(set, 'User_ChangeName');
    assert.deepEqual(state(wf, 'Request/ActionWithRefine-Executed').aspects?.before.map((a) => a.identifier), ['a_same', 'c_same', 'b_low']);
    const aSame = aspects.find((o): o is AspectObject => o.type === 'Aspect' && o.name === 'a_same')?.aspect;
    assert.deepEqual(state(wf, 'Request/ActionWithRefine-ActionPending').aspects, { before: [], after: [aSame] });
    assert.equal(state(wf, 'Persist/Persist-Invoked').aspects, undefined);
  });

  it('warns when a point cut names a workflow that is not in the load set', () => {
    const { objects, diags } = load(
      wrap(`  <AssertValueRequiredAspect Identifier="x" Binding="Workflow_User:Directory_User.LastName">
    <PointCut Activity="Elsewhere:Request" ActivityState="Action-Executed" />
  </AssertValueRequiredAspect>`),
    );
    linkNetwrixSet(objects, diags);
    assert.deepEqual(diags.items.map(formatDiagnostic), [
      'bad.xml:3:5: warning NETWRIX_POINTCUT_UNRESOLVED: aspect "x" is not linked to Elsewhere:Request: workflow "Elsewhere" is not in the files loaded; the aspect runs there only once it is linked with that workflow (load or import them together)',
    ]);
  });

  it('refuses a point cut on an activity the workflow lacks or on a state of another template', () => {
    const { objects, diags } = load(
      wrap(`  <Workflow Identifier="W" DisplayName_L1="W" VariablesType="Workflow_User">
    <Activity Identifier="Request" DisplayName_L1="Request" Template="ActionWithRefine" />
  </Workflow>
  <AssertValueRequiredAspect Identifier="x" Binding="Workflow_User:Directory_User.LastName">
    <PointCut Activity="W:Requets" ActivityState="ActionWithRefine-Executed" />
    <PointCut Activity="W:Request" ActivityState="Review-Approved" />
  </AssertValueRequiredAspect>`),
    );
    linkNetwrixSet(objects, diags);
    assert.deepEqual(diags.items.map(formatDiagnostic), [
      'bad.xml:6:5: error NETWRIX_POINTCUT_UNRESOLVED: aspect "x": workflow "W" has no activity "Requets"; its activities are Request',
      'bad.xml:7:5: error NETWRIX_UNKNOWN_STATE: aspect "x": W:Request is an ActionWithRefine activity, which has no state Review-Approved; its states are ActionWithRefine-ActionPending, ActionWithRefine-Executed, ActionWithRefine-RefinePending, ActionWithRefine-Aborted, ActionWithRefine-Purged',
    ]);
    assert.equal(workflow(objects, 'W').process.activities.some((a) => a.aspects), false, 'nothing is linked');
  });
});

describe('Netwrix access control rules', () => {
  it('reads the rules and their entries, keeping API permissions as written', async () => {
    const { objects } = await fixture('onboarding-full.xml');
    const rules = objects.filter((o): o is AccessControlRuleObject => o.type === 'AccessControlRule');
    assert.deepEqual(rules.map((r) => [r.name, r.profile, r.entityType, r.entries.length]), [
      ['Administrator_Workflows_Directory_User_StartInternal', 'Administrator', 'Workflow_Directory_User', 8],
      ['Manager_Workflows_Directory_User_StartInternal', 'Manager', 'Workflow_Directory_User', 2],
    ]);
    assert.deepEqual(rules[1]?.entries.map((e) => [e.permission, e.canExecute]), [
      ['/Custom/Workflows/Directory_User_StartInternal/Request/ActionPending', true],
      ['/Workflows/WorkflowInstance/Start', true],
    ]);
  });

  it('warns about permissions for states where nobody acts, missing activities and whole activities', async () => {
    const { objects: workflows } = await fixture('workflow-uses.xml');
    const { objects, diags } = load(
      wrap(`  <AccessControlRule Identifier="r" Profile="Administrator" EntityType="Workflow_User">
    <Entry Permission="/Custom/Workflows/User_Onboarding/Request/Executed" CanExecute="true" />
    <Entry Permission="/Custom/Workflows/User_Onboarding/Persist/Invoked" CanExecute="true" />
    <Entry Permission="/Custom/Workflows/User_Onboarding/Approve/ReviewPending" CanExecute="true" />
    <Entry Permission="/Custom/Workflows/User_Onboarding/Review" CanExecute="true" />
    <Entry Permission="/Custom/Workflows/Elsewhere/Request/Executed" CanExecute="true" />
    <Entry Permission="/Custom/Workflows/Supervise/Directory_User" CanExecute="true" />
  </AccessControlRule>`),
    );
    linkNetwrixSet([...workflows, ...objects], diags);
    assert.deepEqual(diags.sorted().map((d) => `${d.location.line}:${d.location.column} ${d.severity} ${d.code}`), [
      '3:5 warning NETWRIX_PERMISSION_STATE',
      '4:5 warning NETWRIX_PERMISSION_STATE',
      '5:5 warning NETWRIX_PERMISSION_UNRESOLVED',
      '6:12 warning NETWRIX_PERMISSION_UNSAFE',
    ]);
    assert.match(diags.sorted()[0]!.message, /use ActionPending, RefinePending, Aborted, Purged/);
    assert.match(diags.sorted()[1]!.message, /Persist runs by itself and needs no permission/);
  });
});

describe('Netwrix configuration files', () => {
  it('warns once per out-of-scope element kind, at its first occurrence', async () => {
    const { diags } = await fixture('onboarding-full.xml');
    assert.deepEqual(
      diags.items.filter((d) => d.code === 'DEF_OUT_OF_SCOPE').map((d) => `${d.location.line}:${d.location.column} ${d.severity} ${d.message.split(' is ')[0]}`),
      ['8:3 warning <EntityType>', '26:3 warning <MenuItem>', '28:3 warning <WorkflowCreateRecordEntityForm>'],
    );
    const { diags: twice } = load(wrap('  <MenuItem Identifier="a" />\n  <Connector Identifier="c" />\n  <MenuItem Identifier="b" />\n  <WorkflowEntityType EntityType="Directory_Country"/>'));
    assert.deepEqual(twice.items.map(formatDiagnostic), [
      "bad.xml:2:3: warning DEF_OUT_OF_SCOPE: <MenuItem> (2 in this file) is outside idflow's scope and is ignored: idflow reads Workflow, AccessControlRule and the aspect elements of a configuration file",
      "bad.xml:3:3: warning DEF_OUT_OF_SCOPE: <Connector> is outside idflow's scope and is ignored: idflow reads Workflow, AccessControlRule and the aspect elements of a configuration file",
      "bad.xml:5:3: warning DEF_OUT_OF_SCOPE: <WorkflowEntityType> is outside idflow's scope and is ignored: it is a scaffolding, which idflow does not expand; write out the Workflow, AccessControlRule or aspect elements it would generate",
    ]);
  });

  it('loads both fixture files together through the facade with warnings only', async () => {
    const files = ['workflow-uses.xml', 'onboarding-full.xml'].map((f) => new URL(f, FIXTURES).pathname);
    const result = await loadDefinitionFiles(files);
    assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), []);
    assert.equal(result.ok, true);
    const onboarding = result.objects.find((o) => o.object.name === 'Directory_User_StartInternal')?.object as WorkflowObject;
    assert.ok(state(onboarding, 'PersistDraft/PersistOnlyResources-Invoked').aspects?.before.length === 1, 'the facade links aspects');
    assert.match(result.objects.find((o) => o.object.name === 'User_Onboarding')?.xml ?? '', /^<Workflow Identifier="User_Onboarding"/);
  });

  it('keeps every object equal through a JSON round trip', async () => {
    const a = await fixture('workflow-uses.xml');
    const b = await fixture('onboarding-full.xml');
    const c = load(ALL_TEMPLATES);
    const set = [...a.objects, ...b.objects, ...c.objects];
    linkNetwrixSet(set, new DiagnosticBag());
    assert.equal(set.length, 15);
    for (const o of set) assert.deepEqual(JSON.parse(JSON.stringify(o)), o, `${o.type} ${o.name}`);
  });
});

describe('Netwrix errors', () => {
  const cases: { readonly name: string; readonly body: string; readonly expect: string }[] = [
    {
      name: 'refuses a VariablesType that does not follow Workflow_<EntityType>, saying how to write it',
      body: '  <Workflow Identifier="W" DisplayName_L1="W" VariablesType="Directory_Department"><Activity Identifier="R" DisplayName_L1="R" Template="Action" /></Workflow>',
      expect: 'bad.xml:2:47: error NETWRIX_ENTITY_TYPE_UNSUPPORTED: VariablesType="Directory_Department" names no entity type; write Workflow_<EntityType>, e.g. Workflow_Directory_User or Workflow_Directory_Country',
    },
    {
      name: 'refuses an unknown template, listing the seven',
      body: '  <Workflow Identifier="W" DisplayName_L1="W" VariablesType="Workflow_User">\n    <Activity Identifier="R" DisplayName_L1="R" Template="Approval" />\n  </Workflow>',
      expect: 'bad.xml:3:49: error NETWRIX_UNKNOWN_TEMPLATE: Template="Approval" is not an activity template; use one of Action, ActionWithRefine, Review, ReviewWithFeedback, Persist, PersistOnlyResources, ContinueWith',
    },
    {
      name: 'refuses a ContinueWith activity that names no workflow to continue in',
      body: '  <Workflow Identifier="W" DisplayName_L1="W" VariablesType="Workflow_User">\n    <Activity Identifier="C" DisplayName_L1="C" Template="ContinueWith" />\n  </Workflow>',
      expect: 'bad.xml:3:5: error DEF_MISSING_ATTRIBUTE: a ContinueWith activity needs ArgumentCalledWorkflow (the workflow to continue in)',
    },
    {
      name: 'refuses activities after a ContinueWith, which would never run',
      body: '  <Workflow Identifier="W" DisplayName_L1="W" VariablesType="Workflow_User">\n    <Activity Identifier="C" DisplayName_L1="C" Template="ContinueWith" ArgumentCalledWorkflow="X" />\n    <Activity Identifier="P" DisplayName_L1="P" Template="Persist" />\n  </Workflow>',
      expect: 'bad.xml:4:5: error NETWRIX_CONTINUEWITH_NOT_LAST: activity "C" hands the instance over to another workflow (ContinueWith), so the activities after it would never run; make it the last activity',
    },
    {
      name: 'refuses a workflow without activities',
      body: '  <Workflow Identifier="W" DisplayName_L1="W" VariablesType="Workflow_User" />',
      expect: 'bad.xml:2:3: error NETWRIX_WORKFLOW_EMPTY: <Workflow> has no <Activity>; a workflow starts by starting its first activity',
    },
    {
      name: 'refuses a boolean attribute that is not a boolean',
      body: '  <Workflow Identifier="W" DisplayName_L1="W" VariablesType="Workflow_User">\n    <Activity Identifier="P" DisplayName_L1="P" Template="Persist" WorkflowOverviewDisable="maybe" />\n  </Workflow>',
      expect: 'bad.xml:3:68: error DEF_BAD_VALUE: WorkflowOverviewDisable=\'maybe\' on <Activity> is not valid; expected true, false, 1 or 0',
    },
    {
      name: 'refuses an unknown attribute on an activity, listing the allowed ones',
      body: '  <Workflow Identifier="W" DisplayName_L1="W" VariablesType="Workflow_User">\n    <Activity Identifier="P" DisplayName_L1="P" Template="Persist" Color="red" />\n  </Workflow>',
      expect: 'bad.xml:3:68: error DEF_UNKNOWN_ATTRIBUTE: <Activity> has no attribute "Color"; allowed: Identifier, DisplayName_L1…L16, Template, ArgumentBlockProvisioning, ArgumentCalledWorkflow, WorkflowOverviewDisable, ApprovalScheme, ApprovalMode, ApprovalResource, ApprovalProfile, ApprovalPerson, ApprovalFallback, ApprovalTimeout, ApprovalEscalation',
    },
    {
      name: 'refuses an activity declared twice',
      body: '  <Workflow Identifier="W" DisplayName_L1="W" VariablesType="Workflow_User">\n    <Activity Identifier="P" DisplayName_L1="P" Template="Persist" />\n    <Activity Identifier="P" DisplayName_L1="P" Template="Persist" />\n  </Workflow>',
      expect: 'bad.xml:4:5: error DEF_DUPLICATE_NAME: activity "P" is declared twice in workflow "W"',
    },
    {
      name: 'refuses a workflow defined twice in a file',
      body: '  <Workflow Identifier="W" DisplayName_L1="W" VariablesType="Workflow_User"><Activity Identifier="P" DisplayName_L1="P" Template="Persist" /></Workflow>\n  <Workflow Identifier="W" DisplayName_L1="W" VariablesType="Workflow_User"><Activity Identifier="P" DisplayName_L1="P" Template="Persist" /></Workflow>',
      expect: 'bad.xml:3:3: error DEF_DUPLICATE_NAME: Workflow "W" is defined twice in this file',
    },
    {
      name: 'refuses elements inside a workflow other than activities',
      body: '  <Workflow Identifier="W" DisplayName_L1="W" VariablesType="Workflow_User">\n    <Step Identifier="P" />\n    <Activity Identifier="P" DisplayName_L1="P" Template="Persist" />\n  </Workflow>',
      expect: 'bad.xml:3:5: error DEF_UNKNOWN_ELEMENT: <Workflow> may contain only <Activity> elements, not <Step>',
    },
    {
      name: 'refuses a C# expression outside the subset, naming its line, where it stops and why',
      body: '  <AddChangeAspect Identifier="A" Binding="Workflow_User:Directory_User.IsDraft"\n      Expression="C#:record:foreach (var r in record.Records) { } return true;">\n    <PointCut Activity="W:P" ActivityState="Persist-Invoked" />\n  </AddChangeAspect>',
      expect: 'bad.xml:3:7: error NETWRIX_CSHARP_NOT_SUPPORTED: line 3: <AddChangeAspect> Expression, at character 11 ("C#:record:foreach (var r in record.…"): "foreach": loops are not in the subset: a workflow expression must finish in bounded time (the C# subset: docs/csharp-expressions.md)',
    },
    {
      name: 'refuses a script aspect, saying what to use instead',
      body: '  <InvokeScriptAspect Identifier="S" Agent="Local" ScriptFile="x.ps1">\n    <PointCut Activity="W:P" ActivityState="Persist-Invoked" />\n  </InvokeScriptAspect>',
      expect: 'bad.xml:2:3: error NETWRIX_SCRIPT_NOT_SUPPORTED: line 2: <InvokeScriptAspect> runs a PowerShell script on an agent; idflow runs no scripts. Use an AddChangeAspect or InvokeWorkflowAspect with XPRESS expressions, or a service operation called from a workflow',
    },
    {
      name: 'refuses a point cut on a state no template has',
      body: '  <AssertValueRequiredAspect Identifier="A" Binding="Workflow_User:Directory_User.Mail">\n    <PointCut Activity="W:R" ActivityState="Review-Executed" />\n  </AssertValueRequiredAspect>',
      expect: 'bad.xml:3:30: error NETWRIX_UNKNOWN_STATE: ActivityState="Review-Executed" is not a template state; the states of Review are Review-ReviewPending, Review-Declined, Review-Approved, Review-Aborted, Review-Purged',
    },
    {
      name: 'refuses a priority that is not an integer',
      body: '  <AssertValueRequiredAspect Identifier="A" Binding="Workflow_User:Directory_User.Mail" Priority="high">\n    <PointCut Activity="W:R" ActivityState="Review-Approved" />\n  </AssertValueRequiredAspect>',
      expect: 'bad.xml:2:89: error DEF_BAD_VALUE: Priority=\'high\' on <AssertValueRequiredAspect> is not valid; expected a whole number',
    },
    {
      name: 'refuses a point cut mode other than Before and After',
      body: '  <AssertValueRequiredAspect Identifier="A" Binding="Workflow_User:Directory_User.Mail">\n    <PointCut Activity="W:R" ActivityState="Review-Approved" Mode="During" />\n  </AssertValueRequiredAspect>',
      expect: 'bad.xml:3:62: error DEF_BAD_VALUE: <PointCut> Mode="During" must be Before (0, on entry to the state) or After (1, on exit)',
    },
    {
      name: 'refuses an aspect expression written as plain text instead of XPRESS',
      body: '  <AssertValueAspect Identifier="A">\n    <Expression>true</Expression>\n    <PointCut Activity="W:R" ActivityState="Review-Approved" />\n  </AssertValueAspect>',
      expect: 'bad.xml:3:5: error DEF_BAD_VALUE: <Expression> must hold one XPRESS expression element, not the text "true" (a literal is <s>…</s>, <i>…</i> or <Boolean>true</Boolean>; C# goes in the attribute Expression="C#:…")',
    },
    {
      name: 'refuses an aspect defined twice in a file',
      body: '  <AssertValueRequiredAspect Identifier="A" Binding="B"><PointCut Activity="W:R" ActivityState="Review-Approved" /></AssertValueRequiredAspect>\n  <AddChangeAspect Identifier="A" Binding="B"><Expression><s>x</s></Expression><PointCut Activity="W:R" ActivityState="Review-Approved" /></AddChangeAspect>',
      expect: 'bad.xml:3:3: error DEF_DUPLICATE_NAME: Aspect "A" is defined twice in this file',
    },
    {
      name: 'refuses an aspect without a point cut',
      body: '  <AssertValueRequiredAspect Identifier="A" Binding="B" />',
      expect: 'bad.xml:2:3: error DEF_MISSING_ELEMENT: <AssertValueRequiredAspect> needs at least one <PointCut Activity="Workflow:Activity" ActivityState="…"/>; without one it never runs',
    },
    {
      name: 'refuses an unknown recipient type',
      body: '  <NotificationAspect Identifier="N">\n    <PointCut Activity="W:R" ActivityState="Review-Approved" />\n    <Recipient Type="Manager" />\n  </NotificationAspect>',
      expect: 'bad.xml:4:16: error DEF_BAD_VALUE: <Recipient> Type="Manager" is not a recipient type; use one of Actor, Performer, Binding, Hardcoded, Expression, Profile',
    },
    {
      name: 'refuses a malformed workflow permission',
      body: '  <AccessControlRule Identifier="R" Profile="P">\n    <Entry Permission="/Custom/Workflows/W/R/Waiting" CanExecute="true" />\n  </AccessControlRule>',
      expect: 'bad.xml:3:12: error DEF_BAD_VALUE: "Waiting" in "/Custom/Workflows/W/R/Waiting" is not a template state; use one of ActionPending, Executed, Aborted, Purged, RefinePending, ReviewPending, Declined, Approved, Invoked',
    },
    {
      name: 'refuses a VariablesType named like a property every object has',
      body: '  <Workflow Identifier="W" DisplayName_L1="W" VariablesType="constructor"><Activity Identifier="R" DisplayName_L1="R" Template="Action" /></Workflow>',
      expect: 'bad.xml:2:47: error NETWRIX_ENTITY_TYPE_UNSUPPORTED: VariablesType="constructor" names no entity type; write Workflow_<EntityType>, e.g. Workflow_Directory_User or Workflow_Directory_Country',
    },
    {
      name: 'refuses an attribute named like a property every object has, even where some attributes are ignored',
      body: '  <BuildUniqueValueAspect Identifier="L" Binding="B" constructor="x"><Expression><s>x</s></Expression><PointCut Activity="W:R" ActivityState="Action-Executed" /></BuildUniqueValueAspect>',
      expect: 'bad.xml:2:54: error DEF_UNKNOWN_ATTRIBUTE: <BuildUniqueValueAspect> has no attribute "constructor"; allowed: Identifier, Binding, ExpressionBinding, Priority, IterationsCount, Message_L1…L16, HistorizeBinding, OnlyIfNew, Expression, IfExpression, SqlBuildExpression, SqlCheckExpression, SimulationExpression',
    },
    {
      name: 'refuses a child element named like a property every object has, even where some children are ignored',
      body: '  <BuildUniqueValueAspect Identifier="L" Binding="B"><Expression><s>x</s></Expression><toString /><PointCut Activity="W:R" ActivityState="Action-Executed" /></BuildUniqueValueAspect>',
      expect: 'bad.xml:2:87: error DEF_UNKNOWN_ELEMENT: <BuildUniqueValueAspect> may not contain <toString>; allowed: PointCut, Expression (XPRESS), IfExpression (XPRESS), SqlBuildExpression (XPRESS), SqlCheckExpression (XPRESS), SimulationExpression (XPRESS)',
    },
    {
      name: 'refuses a filter inside an access control rule, which idflow would not apply',
      body: '  <AccessControlRule Identifier="R" Profile="P">\n    <Filter Binding="Site" />\n  </AccessControlRule>',
      expect: 'bad.xml:3:5: error DEF_UNKNOWN_ELEMENT: <AccessControlRule> may contain only <Entry Permission="…" CanExecute="true"/>, not <Filter>',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { diags } = load(wrap(c.body));
      assert.deepEqual(diags.errors.map(formatDiagnostic), [c.expect]);
    });
  }

  it('treats a top-level element named like a property every object has as out of scope, not as an aspect', () => {
    const { objects, diags } = load(wrap('  <constructor Identifier="X" />'));
    assert.deepEqual(objects, []);
    assert.deepEqual(diags.items.map((d) => `${d.severity} ${d.code}`), ['warning DEF_OUT_OF_SCOPE']);
  });

  it('warns about attributes it reads but does not act on', () => {
    const { diags } = load(
      wrap(`  <BuildUniqueValueAspect Identifier="Login" Binding="Workflow_User:Directory_User.Login" IterationsCount="5" SimulationExpression="C#:wkf:return &quot;99999&quot;;">
    <Expression><concat><ref>record.LastName</ref><ref>iteration</ref></concat></Expression>
    <UnicityCheck TargetBinding="Directory_User:Login" />
    <PointCut Activity="W:R" ActivityState="Action-Executed" Mode="After" TemplateTransformation="NewInternalWorkflowIsReviewRequired" />
  </BuildUniqueValueAspect>
  <Workflow Identifier="W" VariablesType="Workflow_User">
    <Activity Identifier="R" DisplayName_L1="R" Template="Action" ArgumentBlockProvisioning="true" />
  </Workflow>`),
    );
    assert.deepEqual(diags.sorted().map((d) => `${d.location.line}:${d.location.column} ${d.severity} ${d.code}`), [
      '2:111 warning DEF_UNKNOWN_ATTRIBUTE',
      '4:5 warning DEF_UNKNOWN_ELEMENT',
      '5:75 warning NETWRIX_TEMPLATE_TRANSFORMATION_IGNORED',
      '7:3 warning DEF_MISSING_ATTRIBUTE',
      '8:67 warning NETWRIX_ARGUMENT_IGNORED',
    ]);
  });
});
