import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DiagnosticBag, formatDiagnostic, type Diagnostic } from '../../src/definition/diagnostic.js';
import { loadDocument } from '../../src/definition/load.js';
import type {
  ActionModel,
  ActivityModel,
  ConfigurationObject,
  DefinitionObject,
  ManualActionActionModel,
  ProcessModel,
  RuleObject,
  TaskDefinitionObject,
  TaskScheduleObject,
} from '../../src/definition/model/index.js';
import { DEFAULT_TASK_PARAMETERS } from '../../src/definition/model/index.js';

const FIXTURES = new URL('../fixtures/waveset/', import.meta.url);
const fixtureNames = readdirSync(FIXTURES).filter((f) => f.endsWith('.xml')).sort();

function load(text: string | Uint8Array, file = 'inline.xml'): { objects: DefinitionObject[]; diags: readonly Diagnostic[] } {
  const bag = new DiagnosticBag();
  const objects = loadDocument(text, file, bag).map((o) => o.object);
  return { objects, diags: bag.sorted() };
}

function fixture(name: string): DefinitionObject[] {
  const { objects, diags } = load(readFileSync(new URL(name, FIXTURES)), name);
  assert.deepEqual(diags.map(formatDiagnostic), []);
  return objects;
}

function byName<T extends DefinitionObject>(objects: DefinitionObject[], type: T['type'], name: string): T {
  const o = objects.find((x) => x.type === type && x.name === name);
  assert.ok(o, `${type} '${name}' was not loaded`);
  return o as T;
}

function activity(p: ProcessModel, name: string): ActivityModel {
  const a = p.activities.find((x) => x.name === name);
  assert.ok(a, `activity '${name}' is missing`);
  return a;
}

function manual(a: ActionModel | undefined): ManualActionActionModel {
  assert.equal(a?.kind, 'manual');
  return a as ManualActionActionModel;
}

/** A TaskDefinition whose WFProcess holds `body` (lines of XML); the body starts on line 4. */
function taskWith(body: string[], tdAttrs = '', wfAttrs = ''): string {
  return [
    `<TaskDefinition name='t'${tdAttrs}>`,
    `  <Extension>`,
    `    <WFProcess name='p'${wfAttrs}>`,
    ...body,
    `    </WFProcess>`,
    `  </Extension>`,
    `</TaskDefinition>`,
  ].join('\n');
}

/** The diagnostics with `code`, as `line:column`. */
function at(diags: readonly Diagnostic[], code: string): string[] {
  return diags.filter((d) => d.code === code).map((d) => `${d.location.line}:${d.location.column}`);
}

describe('loading Waveset fixtures', () => {
  for (const name of fixtureNames) {
    it(`loads ${name} with no diagnostics and the model survives a JSON round trip`, () => {
      const objects = fixture(name);
      assert.ok(objects.length > 0);
      for (const o of objects) assert.deepEqual(JSON.parse(JSON.stringify(o)), o);
    });
  }

  it('reads every object of a <Waveset> file in order', () => {
    const objects = fixture('every-element.xml');
    assert.deepEqual(
      objects.map((o) => `${o.type}:${o.name}`),
      [
        'TaskDefinition:Update User With Approval',
        'Configuration:Notify Manager',
        'Rule:Approver For User',
        'TaskSchedule:Nightly Review Of Admin',
      ],
    );
  });
});

describe('TaskDefinition parameters', () => {
  it('reads every parameter attribute and keeps the other attributes as written', () => {
    const td = byName<TaskDefinitionObject>(fixture('every-element.xml'), 'TaskDefinition', 'Update User With Approval');
    assert.deepEqual(td.parameters, {
      execMode: 'sync',
      syncControlAllowed: false,
      suspendable: false,
      execLimit: 3600,
      resultLimit: 86400,
      resultOption: 'rename',
      wizard: true,
      visibility: 'run',
      progressInterval: 1000,
      taskType: 'Workflow',
      executor: 'com.waveset.workflow.WorkflowExecutor',
      authType: 'UserAdminTask',
    });
    assert.equal(td.attributes['id'], '#ID#TaskDefinition:UpdateUserWithApproval');
    assert.equal(td.attributes['createDate'], '1233087057109');
    assert.equal(td.attributes['primaryObjectClass'], 'TaskDefinition');
    assert.equal(td.attributes['extensionClass'], 'WFProcess');
    assert.equal(td.attributes['MemberObjectGroups'], 'Top');
    assert.equal(td.attributes['description'], 'Updates a user once the manager or the configurator approves.');
    assert.equal(td.attributes['comments'], 'Derived from the stock Update User workflow.');
    assert.equal(td.attributes['execMode'], undefined, 'parameters are not repeated in attributes');
  });

  it('applies the defaults and treats execMode DEFAULT as async', () => {
    const td = byName<TaskDefinitionObject>(fixture('approval.xml'), 'TaskDefinition', 'Role Approval');
    assert.deepEqual(td.parameters, { ...DEFAULT_TASK_PARAMETERS, executor: 'com.waveset.workflow.WorkflowExecutor' });
    assert.equal(td.parameters.execMode, 'async');
  });

  it('reads the openptk-shaped task, naming the untitled WFProcess after its TaskDefinition', () => {
    const td = byName<TaskDefinitionObject>(fixture('change-user-password.xml'), 'TaskDefinition', 'Change User Password');
    assert.equal(td.parameters.visibility, 'invisible');
    assert.equal(td.parameters.progressInterval, 0);
    assert.equal(td.parameters.authType, 'PasswordAdminTask');
    assert.equal(td.process.name, 'Change User Password');
    assert.equal(td.process.title, 'Change User Password');
    assert.equal(td.process.maxSteps, 0);
    assert.equal(td.process.start, 'start');
    assert.deepEqual(
      td.process.activities.map((a) => a.name),
      ['start', 'Remove Password Expiration', 'Commit', 'Reprovision', 'end'],
    );
  });
});

describe('processes, activities and variables', () => {
  const td = byName<TaskDefinitionObject>(fixture('every-element.xml'), 'TaskDefinition', 'Update User With Approval');
  const p = td.process;

  it('reads the WFProcess attributes and comments', () => {
    assert.equal(p.name, 'Update User With Approval');
    assert.equal(p.title, 'Update user (with approval)');
    assert.equal(p.maxSteps, 200);
    assert.match(p.comments ?? '', /^Checks the user out/);
    assert.equal(p.start, 'start');
  });

  it('reads process variables with their scope flags, values and initial expressions', () => {
    const v = Object.fromEntries(p.variables.map((x) => [x.name, x]));
    assert.deepEqual(Object.keys(v), ['accountId', 'view', 'approved', 'caseTitle', 'approvers', 'auditTrail']);
    assert.equal(v['accountId']?.input, true);
    assert.equal(v['accountId']?.comments, 'Name of the user to update.');
    assert.equal(v['accountId']?.scope, 'local');
    assert.equal(v['approved']?.output, true);
    assert.equal(v['approved']?.value, 'false');
    assert.equal(v['auditTrail']?.external, true);
    assert.equal(v['auditTrail']?.value, '');
    assert.ok(v['caseTitle']?.initial, '<expression> child gives an initial expression');
    assert.ok(v['approvers']?.initial, 'a direct XML-object child gives an initial expression');
    assert.equal(v['approvers']?.value, undefined);
  });

  it('keeps activity-level, action-level and manual-action variables in their own scopes', () => {
    assert.deepEqual(activity(p, 'Prepare Approval').variables.map((x) => x.name), ['manager']);
    assert.ok(activity(p, 'Prepare Approval').variables[0]?.initial);
    assert.deepEqual(activity(p, 'Prepare Approval').actions[0]?.variables.map((x) => x.name), ['extra']);
    assert.deepEqual(activity(p, 'Approve').variables.map((x) => x.name), ['decisionNote']);
    assert.deepEqual(manual(activity(p, 'Approve').actions[0]).manual.variables.map((x) => x.name), ['formButton']);
  });

  it('reads activity ids, titles, comments and editor positions', () => {
    const a = activity(p, 'Checkout User');
    assert.equal(a.id, '1');
    assert.equal(a.title, 'Check out the user');
    assert.equal(a.comments, 'Locks the user object for this task.');
    assert.deepEqual(a.editor, { x: 40, y: 80 });
    assert.deepEqual(activity(p, 'end').editor, { x: 40, y: 500 });
  });

  it("maps andSplit='true' and andJoin='true' to split and join 'and', xor otherwise", () => {
    assert.equal(activity(p, 'Apply Change').split, 'and');
    assert.equal(activity(p, 'Apply Change').join, 'xor');
    assert.equal(activity(p, 'Joined').join, 'and');
    assert.equal(activity(p, 'Joined').split, 'xor');
    assert.equal(activity(p, 'Approve').split, 'xor');
  });

  it('keeps transitions in document order with their conditions, the else last', () => {
    const t = activity(p, 'Approve').transitions;
    assert.deepEqual(t.map((x) => x.to), ['Escalate', 'Apply Change', 'Rejected']);
    assert.ok(t[0]?.condition);
    assert.ok(t[1]?.condition);
    assert.equal(t[2]?.condition, undefined);
    assert.deepEqual(t[0]?.location, { file: 'every-element.xml', line: 110, column: 11 });
  });

  it('gives activities without an id their position, and starts at the first activity when none is named start', () => {
    const { objects, diags } = load(
      taskWith([`<Activity name='first'><Transition to='second'/></Activity>`, `<Activity name='second'/>`]),
    );
    assert.deepEqual(diags, []);
    const proc = (objects[0] as TaskDefinitionObject).process;
    assert.equal(proc.start, 'first');
    assert.deepEqual(proc.activities.map((a) => a.id), ['0', '1']);
  });
});

describe('actions', () => {
  const p = byName<TaskDefinitionObject>(fixture('every-element.xml'), 'TaskDefinition', 'Update User With Approval').process;

  it('reads a service call with its literal op, arguments and returns', () => {
    const a = activity(p, 'Checkout User').actions[0];
    assert.equal(a?.kind, 'service');
    if (a?.kind !== 'service') return;
    assert.equal(a.application, 'com.waveset.session.WorkflowServices');
    assert.equal(a.op, 'checkoutObject');
    assert.equal(a.id, '0');
    assert.equal(a.name, 'Checkout Object');
    assert.equal(a.title, 'checkoutObject');
    assert.equal(a.hidden, true);
    assert.match(a.comments ?? '', /^As configurator/);
    assert.deepEqual(
      a.arguments.map((x) => [x.name, x.value ?? 'expr']),
      [
        ['op', 'checkoutObject'],
        ['type', 'User'],
        ['name', '$(accountId)'],
        ['subject', 'Configurator'],
        ['authorized', 'expr'],
      ],
    );
    assert.ok(a.arguments[4]?.expression);
    assert.deepEqual(a.returns.map((r) => [r.from, r.to]), [['object', 'userObject']]);
  });

  it('reads the class= form of a service call', () => {
    const a = activity(p, 'Checkin User').actions[0];
    assert.equal(a?.kind, 'service');
    if (a?.kind !== 'service') return;
    assert.equal(a.className, 'com.waveset.session.WorkflowServices');
    assert.equal(a.op, 'checkinObject');
  });

  it('leaves op unset when it is computed at run time', () => {
    const cfg = byName<ConfigurationObject>(fixture('provision-subprocess.xml'), 'Configuration', 'Provision');
    const a = cfg.process?.activities[1]?.actions[0];
    assert.equal(a?.kind, 'service');
    if (a?.kind === 'service') assert.equal(a.op, undefined);
  });

  it('reads subprocess calls and XPRESS actions with conditions', () => {
    const sub = activity(p, 'Notify').actions[0];
    assert.equal(sub?.kind, 'subprocess');
    if (sub?.kind === 'subprocess') assert.equal(sub.process, 'Notify Manager');
    const x = activity(p, 'Prepare Approval').actions[0];
    assert.equal(x?.kind, 'expression');
    assert.ok(x?.condition);
    if (x?.kind === 'expression') assert.ok(x.expression);
  });
});

describe('manual actions', () => {
  const p = byName<TaskDefinitionObject>(fixture('every-element.xml'), 'TaskDefinition', 'Update User With Approval').process;

  it('reads a <ManualAction> inside an Action: owners, timeout, request, variable lists, form, approval decisions', () => {
    const a = manual(activity(p, 'Approve').actions[0]);
    assert.equal(a.name, 'Ask Approvers');
    assert.equal(a.comments, 'One work item per owner.');
    const m = a.manual;
    assert.equal(m.name, 'Approve user update');
    assert.deepEqual(
      m.owners.map((o) => (o.kind === 'name' ? o.name : o.kind)),
      ['$(manager)', 'Configurator', 'expression'],
    );
    assert.equal(m.timeout, 2880);
    assert.equal(m.ignoreTimeout, false);
    assert.equal(m.itemType, 'approval');
    assert.equal(m.authType, 'UserApproval');
    assert.ok(m.requestExpression);
    assert.equal(m.request, undefined);
    assert.deepEqual(m.exposedVariables, ['accountId', 'view', 'approved', 'decisionNote']);
    assert.deepEqual(m.editableVariables, ['approved', 'decisionNote']);
    assert.deepEqual(m.viewVariables, ['view']);
    assert.deepEqual(m.returns.map((r) => [r.from, r.to]), [['approved', 'approved']]);
    assert.deepEqual(m.form, { type: 'UserForm', id: '#ID#UserForm:ApprovalForm', name: 'Approval Form' });
    assert.deepEqual(m.decisions, [
      { name: 'approve', kind: 'complete' },
      { name: 'reject', kind: 'complete' },
    ]);
  });

  it("reads an Action manual='true' that describes the work item itself, offering submit for other item types", () => {
    const m = manual(activity(p, 'Escalate').actions[0]).manual;
    assert.deepEqual(m.owners.map((o) => (o.kind === 'name' ? o.name : o.kind)), ['Configurator']);
    assert.ok(m.timeoutExpression);
    assert.equal(m.timeout, undefined);
    assert.equal(m.ignoreTimeout, true);
    assert.equal(m.itemType, 'escalation');
    assert.equal(m.request, 'Escalated: update of $(accountId)');
    assert.equal(m.requester, '$(WF_CASE_OWNER)');
    assert.deepEqual(m.exposedVariables, ['accountId', 'approved']);
    assert.deepEqual(m.editableVariables, ['approved']);
    assert.equal(m.viewVariables, undefined);
    assert.deepEqual(m.form, { type: 'UserForm', name: 'Escalation Form' });
    assert.deepEqual(m.decisions, [{ name: 'submit', kind: 'complete' }]);
  });

  it('turns a <ManualAction> written directly in an activity into a manual action', () => {
    const proc = byName<TaskDefinitionObject>(fixture('approval.xml'), 'TaskDefinition', 'Role Approval').process;
    const a = manual(activity(proc, 'Wait').actions[0]);
    assert.equal(a.id, '0');
    assert.equal(a.name, 'approve');
    assert.equal(a.manual.timeout, 180);
    assert.equal(a.manual.request, 'Awaiting approval from $(APPROVER)');
    assert.deepEqual(a.manual.variables.map((v) => [v.name, v.value]), [['APPROVAL', 'false']]);
    assert.deepEqual(a.manual.returns.map((r) => [r.from, r.to]), [['APPROVAL', 'APPROVED']]);
    assert.deepEqual(a.manual.form, { type: 'UserForm', id: '#ID#UserForm:ApprovalForm' });
    assert.equal(a.manual.exposedVariables, undefined, 'absent lists mean every variable');
    const confirm = manual(activity(proc, 'Escalate').actions[0]).manual;
    assert.equal(confirm.timeout, -5, 'negative timeouts (seconds) are kept as written');
    assert.equal(confirm.ignoreTimeout, true);
    assert.deepEqual(confirm.decisions, [{ name: 'submit', kind: 'complete' }]);
  });
});

describe('rules, configurations and schedules', () => {
  it('reads a Rule with its arguments, localScope and body', () => {
    const r = byName<RuleObject>(fixture('every-element.xml'), 'Rule', 'Approver For User');
    assert.deepEqual(r.arguments, [{ name: 'userName' }, { name: 'fallback', value: 'Configurator' }]);
    assert.equal(r.localScope, true);
    assert.ok(r.body);
  });

  it('makes several body expressions of a Rule an implicit block', () => {
    const r = byName<RuleObject>(fixture('generate-email-rule.xml'), 'Rule', 'generateEmail');
    assert.equal(r.localScope, false);
    assert.equal(r.body.op, 'block');
  });

  it('reads a Configuration holding a WFProcess as a callable process', () => {
    const c = byName<ConfigurationObject>(fixture('every-element.xml'), 'Configuration', 'Notify Manager');
    assert.equal(c.process?.name, 'Notify Manager');
    assert.equal(c.process?.start, 'start');
    assert.deepEqual(c.process?.variables.map((v) => v.name), ['manager', 'subjectName', 'delivered']);
    assert.equal(c.attributes['wstype'], 'WFProcess');
  });

  it('reads a TaskSchedule with a TaskDefinitionRef, an ISO start and a daily repeat', () => {
    const s = byName<TaskScheduleObject>(fixture('every-element.xml'), 'TaskSchedule', 'Nightly Review Of Admin');
    assert.equal(s.definition, 'Update User With Approval');
    assert.equal(s.start, '2025-01-06T02:00:00.000Z');
    assert.equal(s.repeatCount, 365);
    assert.equal(s.repeatSeconds, 86_400);
    assert.equal(s.disabled, false);
    assert.equal(s.skipMissed, true);
    assert.equal(s.resultOption, 'delete');
    assert.equal(s.taskName, 'Nightly admin review');
    assert.deepEqual(s.variables, { accountId: 'admin', view: null });
    assert.equal(s.attributes['description'], 'Reviews the administrator account every night.');
  });

  it('converts an epoch-millisecond start to ISO and reads typed initial variables', () => {
    const s = byName<TaskScheduleObject>(fixture('weekly-cleanup-schedule.xml'), 'TaskSchedule', 'Weekly Cleanup');
    assert.equal(s.definition, 'Change User Password');
    assert.equal(s.start, new Date(1736128800000).toISOString());
    assert.equal(s.repeatSeconds, 604_800);
    assert.equal(s.repeatCount, 52);
    assert.deepEqual(s.variables, { accountId: 'svc-cleanup', isUser: false, retries: 3, targets: ['ldap', 'scim'] });
  });

  it('runs a schedule without repeatCount once, and counts a month as 30 days', () => {
    const once = load(`<TaskSchedule name='s' definition='d' start='2025-03-01'/>`);
    assert.deepEqual(once.diags, []);
    assert.equal((once.objects[0] as TaskScheduleObject).repeatSeconds, 0);
    assert.equal((once.objects[0] as TaskScheduleObject).start, '2025-03-01T00:00:00.000Z');
    const monthly = load(`<TaskSchedule name='s' definition='d' start='20250301 08:30:00' repeatCount='12' repeatUnit='month'/>`);
    assert.deepEqual(monthly.diags, []);
    assert.equal((monthly.objects[0] as TaskScheduleObject).repeatSeconds, 30 * 86_400);
    assert.equal((monthly.objects[0] as TaskScheduleObject).start, '2025-03-01T08:30:00.000Z');
  });

  it('refuses a start date that does not exist instead of rolling it over into the next month', () => {
    for (const start of ['2025-02-30', '2025-02-29T08:00:00Z', '20250230 08:00:00', '2025-04-31 10:00']) {
      const { diags } = load(`<TaskSchedule name='s' definition='d' start='${start}'/>`);
      assert.match(diags.map((d) => `${d.code} ${d.message}`).join('\n'), /DEF_BAD_VALUE start='[^']+' on <TaskSchedule> is not a date/, start);
    }
  });

  it('reads a start with a space for the T, fractional seconds, an offset or a named time zone', () => {
    const startOf = (start: string) => (load(`<TaskSchedule name='s' definition='d' start='${start}'/>`).objects[0] as TaskScheduleObject).start;
    assert.equal(startOf('2025-03-01 08:30:15.123456'), '2025-03-01T08:30:15.123Z');
    assert.equal(startOf('2025-03-01T08:30+01:00'), '2025-03-01T07:30:00.000Z');
    assert.equal(startOf('2025-07-01 08:30 Europe/Paris'), '2025-07-01T06:30:00.000Z');
  });
});

describe('Waveset diagnostics', () => {
  it('refuses an element the dialect does not define, naming where it was and what is allowed', () => {
    const { diags } = load(taskWith([`      <Activity name='a'>`, `        <Step/>`, `      </Activity>`]));
    assert.deepEqual(at(diags, 'DEF_UNKNOWN_ELEMENT'), ['5:9']);
    assert.match(diags[0]!.message, /<Step> is not allowed in <Activity 'a'>; allowed here: Comments, Variable, Action/);
    const root = load(`<Waveset>\n  <Workflow name='x'/>\n</Waveset>`);
    assert.deepEqual(at(root.diags, 'DEF_UNKNOWN_ELEMENT'), ['2:3']);
  });

  it('refuses an unknown attribute at the attribute', () => {
    const { diags } = load(taskWith([`      <Activity name='a' andsplit='true'/>`]));
    assert.deepEqual(at(diags, 'DEF_UNKNOWN_ATTRIBUTE'), ['4:26']);
    assert.match(diags[0]!.message, /no attribute "andsplit"; allowed: id, name, title, andSplit, andJoin/);
  });

  it('refuses an Activity without a name and a Transition without a target', () => {
    const { diags } = load(taskWith([`      <Activity id='0'>`, `        <Transition/>`, `      </Activity>`]));
    assert.deepEqual(at(diags, 'DEF_MISSING_ATTRIBUTE'), ['4:7', '5:9']);
  });

  it('refuses values of the wrong type, each at its attribute', () => {
    const { diags } = load(
      taskWith(
        [`      <Activity name='a'>`, `        <ManualAction owner='x' timeout='soon'/>`, `      </Activity>`],
        ` execMode='fast' syncControlAllowed='maybe' resultOption='keep'`,
        ` maxSteps='x'`,
      ),
    );
    assert.deepEqual(at(diags, 'DEF_BAD_VALUE'), ['1:26', '1:42', '1:69', '3:25', '5:33']);
    const text = diags.map((d) => d.message).join('\n');
    assert.match(text, /execMode='fast' on <TaskDefinition> is not valid; expected one of sync, async, asyncImmediate/);
    assert.match(text, /syncControlAllowed='maybe' .* expected true or false/);
    assert.match(text, /resultOption='keep' .* expected one of wait, delete, rename, terminate/);
    assert.match(text, /maxSteps='x' .* expected a whole number of at least 0/);
    assert.match(text, /timeout='soon' .* expected a whole number/);
  });

  it('refuses two activities of one name and two variables of one name in one scope', () => {
    const { diags } = load(
      taskWith([
        `      <Variable name='v'/>`,
        `      <Variable name='v'/>`,
        `      <Activity name='a'/>`,
        `      <Activity name='a'>`,
        `        <Variable name='v'/>`,
        `      </Activity>`,
      ]),
    );
    // The activity-level 'v' is another scope and is allowed.
    assert.deepEqual(at(diags, 'DEF_DUPLICATE_NAME'), ['5:7', '7:7']);
  });

  it('refuses an Action that does nothing and one that does two things', () => {
    const { diags, objects } = load(
      taskWith([
        `      <Activity name='a'>`,
        `        <Action name='nothing'><Argument name='op' value='x'/></Action>`,
        `        <Action name='both' application='com.waveset.session.WorkflowServices' process='Provision'/>`,
        `      </Activity>`,
      ]),
    );
    assert.deepEqual(at(diags, 'DEF_ACTION_KIND'), ['5:9', '6:9']);
    assert.match(diags[1]!.message, /a service call \(application= or class=\) and a subprocess \(process=\)/);
    assert.equal((objects[0] as TaskDefinitionObject | undefined)?.process.activities[0]?.actions.length, 0);
  });

  it('warns about known Waveset objects idflow does not use and still loads the rest', () => {
    const { diags, objects } = load(`<Waveset>\n  <UserForm name='f'/>\n  <Rule name='r'><s>x</s></Rule>\n</Waveset>`);
    assert.deepEqual(at(diags, 'DEF_IGNORED_ELEMENT'), ['2:3']);
    assert.equal(diags[0]!.severity, 'warning');
    assert.deepEqual(objects.map((o) => o.name), ['r']);
  });

  it('refuses a TaskDefinition without a WFProcess that names no Java executor', () => {
    const { diags, objects } = load(`<TaskDefinition name='t' executor='com.waveset.workflow.WorkflowExecutor'/>`);
    assert.deepEqual(at(diags, 'DEF_MISSING_ELEMENT'), ['1:1']);
    assert.deepEqual(objects, []);
  });

  it('refuses a second copy of an element that may appear once', () => {
    const { diags } = load(
      taskWith([`      <Activity name='a'>`, `        <WorkflowEditor x='1' y='2'/>`, `        <WorkflowEditor x='3' y='4'/>`, `      </Activity>`]),
    );
    assert.deepEqual(at(diags, 'DEF_DUPLICATE_ELEMENT'), ['6:9']);
  });

  it('refuses text where a condition element belongs instead of dropping it', () => {
    const { diags } = load(
      taskWith([`      <Activity name='a'>`, `        <Transition to='b'>false</Transition>`, `      </Activity>`, `      <Activity name='b'/>`]),
    );
    assert.deepEqual(at(diags, 'DEF_UNEXPECTED_TEXT'), ['5:9']);
  });

  it('still reports problems inside an Action whose kind is wrong', () => {
    const { diags } = load(
      taskWith([`      <Activity name='a'>`, `        <Action hidden='maybe'><Variable/></Action>`, `      </Activity>`]),
    );
    assert.deepEqual(
      diags.map((d) => `${d.code}@${d.location.line}:${d.location.column}`),
      ['DEF_ACTION_KIND@5:9', 'DEF_BAD_VALUE@5:17', 'DEF_MISSING_ATTRIBUTE@5:32'],
    );
  });

  it('refuses JavaScript actions with a hint', () => {
    const { diags } = load(taskWith([`      <Activity name='a'>`, `        <Action><script>x()</script></Action>`, `      </Activity>`]));
    assert.equal(diags.find((d) => d.code === 'DEF_UNKNOWN_ELEMENT')?.message.includes('JavaScript actions are not supported'), true);
  });

  it('refuses a map key that would replace the map itself instead of adding an entry', () => {
    const { diags } = load(`<TaskSchedule name='s' definition='d' start='1736128800000'>
  <Variables><Map><MapEntry key='__proto__'><Map><MapEntry key='admin' value='true'/></Map></MapEntry></Map></Variables>
</TaskSchedule>`);
    assert.deepEqual(at(diags, 'DEF_BAD_VALUE'), ['2:29']);
  });

  it('reports an unparseable schedule start and a repeat without a unit', () => {
    const { diags, objects } = load(`<TaskSchedule name='s' definition='d' start='tomorrow' repeatCount='3'/>`);
    assert.deepEqual(at(diags, 'DEF_BAD_VALUE'), ['1:39']);
    assert.deepEqual(at(diags, 'DEF_MISSING_ATTRIBUTE'), ['1:1']);
    assert.deepEqual(objects, []);
  });
});
