import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiagnosticBag, type Diagnostic, type SourceLocation } from '../../src/definition/diagnostic.js';
import type { ActionModel, ManualActionModel, OwnerModel } from '../../src/definition/model/action.js';
import type { ActivityModel } from '../../src/definition/model/activity.js';
import type { AspectModel } from '../../src/definition/model/aspect.js';
import type { Expr } from '../../src/definition/model/expression.js';
import type {
  AspectObject,
  ConfigurationObject,
  DefinitionObject,
  RuleObject,
  TaskDefinitionObject,
  TaskScheduleObject,
  WorkflowObject,
} from '../../src/definition/model/objects.js';
import type { ProcessModel } from '../../src/definition/model/process.js';
import { DEFAULT_TASK_PARAMETERS } from '../../src/definition/model/task-parameters.js';
import type { TransitionModel } from '../../src/definition/model/transition.js';
import { validateObjects, type ExternalProcessResolver } from '../../src/definition/validate/validate-objects.js';
import { walkExpressions } from '../../src/definition/validate/walk-expressions.js';

// ---- small factories: the process model is plain data, so tests build it directly ----

const FILE = 'test.xml';
const at = (line: number, column = 1): SourceLocation => ({ file: FILE, line, column });

function to(target: string, line: number, extra: Partial<TransitionModel> = {}): TransitionModel {
  return { to: target, location: at(line), ...extra };
}

function activity(name: string, line: number, transitions: TransitionModel[] = [], extra: Partial<ActivityModel> = {}): ActivityModel {
  return { id: String(line), name, variables: [], actions: [], transitions, split: 'xor', join: 'xor', location: at(line), ...extra };
}

function exprAction(expression: Expr, line: number): ActionModel {
  return { kind: 'expression', id: '0', expression, arguments: [], returns: [], variables: [], location: at(line) };
}

function subprocessAction(process: string, line: number): ActionModel {
  return { kind: 'subprocess', id: '0', process, arguments: [], returns: [], variables: [], location: at(line) };
}

function manualAction(owners: OwnerModel[], line: number): ActionModel {
  const manual: ManualActionModel = { owners, ignoreTimeout: false, variables: [], returns: [], decisions: [], location: at(line, 5) };
  return { kind: 'manual', id: '0', manual, arguments: [], returns: [], variables: [], location: at(line) };
}

function process(activities: ActivityModel[], start = activities[0]?.name ?? 'start', name = 'P'): ProcessModel {
  return { name, maxSteps: 0, variables: [], activities, start, location: at(2) };
}

/** start → work → end, the smallest valid process. */
function linear(): ActivityModel[] {
  return [activity('start', 3, [to('work', 4)]), activity('work', 5, [to('end', 6)]), activity('end', 7)];
}

function taskDefinition(name: string, p: ProcessModel, line = 1): TaskDefinitionObject {
  return { type: 'TaskDefinition', dialect: 'waveset', name, parameters: DEFAULT_TASK_PARAMETERS, process: p, attributes: {}, location: at(line) };
}

function configuration(name: string, p: ProcessModel): ConfigurationObject {
  return { type: 'Configuration', dialect: 'waveset', name, process: p, attributes: {}, location: at(1) };
}

function rule(name: string, body: Expr): RuleObject {
  return { type: 'Rule', dialect: 'waveset', name, arguments: [], localScope: false, body, location: at(1) };
}

function schedule(name: string, definition: string, line = 1): TaskScheduleObject {
  return {
    type: 'TaskSchedule',
    dialect: 'waveset',
    name,
    definition,
    start: '2030-01-01T00:00:00Z',
    repeatSeconds: 0,
    disabled: false,
    skipMissed: false,
    variables: {},
    attributes: {},
    location: at(line),
  };
}

function workflow(name: string, activityIds: string[]): WorkflowObject {
  const states = activityIds.flatMap((id, i) => [
    activity(`${id}-Pending`, 10 + i * 2, [to(`${id}-Executed`, 10 + i * 2)], {
      template: { activity: id, template: 'Action', state: 'Action-ActionPending', shortState: 'ActionPending' },
    }),
    activity(`${id}-Executed`, 11 + i * 2, i + 1 < activityIds.length ? [to(`${activityIds[i + 1]}-Pending`, 11 + i * 2)] : [], {
      template: { activity: id, template: 'Action', state: 'Action-Executed', shortState: 'Executed', outcome: 'success' },
    }),
  ]);
  return {
    type: 'Workflow',
    dialect: 'netwrix',
    name,
    displayNames: { L1: name },
    variablesType: 'Workflow_User',
    entityType: 'User',
    activities: activityIds.map((id, i) => ({ identifier: id, displayNames: {}, template: 'Action', blockProvisioning: false, overviewDisabled: false, location: at(10 + i * 2) })),
    parameters: DEFAULT_TASK_PARAMETERS,
    process: process(states),
    location: at(9),
  };
}

function aspect(identifier: string, extra: Partial<AspectModel>, line = 30): AspectObject {
  const model: AspectModel = { kind: 'AssertValueAspect', identifier, priority: 0, attributes: {}, pointCuts: [], location: at(line), ...extra };
  return { type: 'Aspect', dialect: 'netwrix', name: identifier, aspect: model, location: at(line) };
}

function validate(objects: DefinitionObject[], resolve?: ExternalProcessResolver): Diagnostic[] {
  const diags = new DiagnosticBag();
  validateObjects(objects, diags, resolve);
  return diags.sorted();
}

function only(found: Diagnostic[], code: string): Diagnostic[] {
  return found.filter((d) => d.code === code);
}

// ---- tests ----

describe('validating a load set', () => {
  it('finds nothing wrong with a valid process', () => {
    assert.deepEqual(validate([taskDefinition('Valid', process(linear()))]), []);
  });

  it('finds nothing wrong with a process that branches, joins and calls a subprocess and a rule in the set', () => {
    const p = process([
      activity('start', 3, [to('a', 3, { condition: { op: 'ref', text: 'x' } }), to('b', 3)], { split: 'and' }),
      activity('a', 4, [to('join', 4)], { actions: [subprocessAction('Helper', 4)] }),
      activity('b', 5, [to('join', 5)], { actions: [exprAction({ op: 'rule', attrs: { name: 'Compute' } }, 5)] }),
      activity('join', 6, [to('end', 6)], { join: 'and', actions: [manualAction([{ kind: 'name', name: '$(APPROVER)', location: at(6) }], 6)] }),
      activity('end', 7),
    ]);
    const found = validate([
      taskDefinition('Main', p),
      configuration('Helper', process(linear(), 'start', 'Helper')),
      rule('Compute', { op: 'i', text: '1' }),
      schedule('Nightly', 'Main'),
    ]);
    assert.deepEqual(found, []);
  });

  it('refuses a transition to a missing activity and suggests the closest name', () => {
    const p = process([activity('start', 3, [to('Aprove', 4)]), activity('Approve', 5, [to('end', 6)]), activity('end', 7)]);
    const [d, ...rest] = only(validate([taskDefinition('T', p)]), 'DEF_TRANSITION_TARGET');
    assert.equal(rest.length, 0);
    assert.equal(d?.severity, 'error');
    assert.deepEqual(d?.location, at(4));
    assert.match(d!.message, /'Aprove'/);
    assert.match(d!.message, /did you mean 'Approve'/);
  });

  it('lists the existing activities when no name is close to a missing transition target', () => {
    const p = process([activity('start', 3, [to('Zzzzzzzzzz', 4), to('end', 4)]), activity('end', 7)]);
    const [d] = only(validate([taskDefinition('T', p)]), 'DEF_TRANSITION_TARGET');
    assert.match(d!.message, /'start', 'end'/);
  });

  it('refuses two activities with the same name and points at the second', () => {
    const p = process([activity('start', 3, [to('work', 3)]), activity('work', 4, [to('end', 4)]), activity('work', 5, [to('end', 5)]), activity('end', 6)]);
    const found = only(validate([taskDefinition('T', p)]), 'DEF_DUPLICATE_NAME');
    assert.equal(found.length, 1);
    assert.deepEqual(found[0]?.location, at(5));
    assert.match(found[0]!.message, /first at line 4/);
  });

  it('refuses two objects of the same type and name in one load set', () => {
    const found = validate([taskDefinition('Same', process(linear()), 1), taskDefinition('Same', process(linear()), 20)]);
    const dup = only(found, 'DEF_DUPLICATE_NAME');
    assert.equal(dup.length, 1);
    assert.deepEqual(dup[0]?.location, at(20));
  });

  it('accepts objects of different types that share a name', () => {
    const found = validate([taskDefinition('Same', process(linear())), rule('Same', { op: 'i', text: '1' })]);
    assert.deepEqual(only(found, 'DEF_DUPLICATE_NAME'), []);
  });

  it('refuses a process without activities', () => {
    const found = validate([taskDefinition('Empty', process([], 'start'))]);
    assert.deepEqual(found.map((d) => [d.code, d.location.line]), [['DEF_NO_START', 2]]);
  });

  it('refuses a start that names no activity', () => {
    const found = only(validate([taskDefinition('T', process(linear(), 'begin'))]), 'DEF_NO_START');
    assert.equal(found.length, 1);
    assert.deepEqual(found[0]?.location, at(2));
    assert.match(found[0]!.message, /'begin'/);
  });

  it('warns when the start activity holds actions', () => {
    const acts = linear();
    acts[0] = activity('start', 3, [to('work', 4)], { actions: [exprAction({ op: 'i', text: '1' }, 8)] });
    const found = validate([taskDefinition('T', process(acts))]);
    assert.deepEqual(found.map((d) => [d.severity, d.code, d.location.line]), [['warning', 'DEF_START_HAS_ACTIONS', 8]]);
  });

  it('refuses a process in which every activity has transitions', () => {
    const p = process([activity('start', 3, [to('loop', 3)]), activity('loop', 4, [to('start', 4, { condition: { op: 'ref', text: 'done' } })])]);
    const found = only(validate([taskDefinition('Loop', p)]), 'DEF_NO_END');
    assert.equal(found.length, 1);
    assert.deepEqual(found[0]?.location, at(2));
  });

  it('refuses an activity that cannot be reached from the start', () => {
    const acts = [...linear(), activity('orphan', 9, [to('end', 9)])];
    const found = validate([taskDefinition('T', process(acts))]);
    assert.deepEqual(found.map((d) => [d.code, d.location.line]), [['DEF_UNREACHABLE', 9]]);
    assert.match(found[0]!.message, /'orphan'/);
  });

  it('counts a conditional transition as a path for reachability', () => {
    const p = process([activity('start', 3, [to('maybe', 3, { condition: { op: 'i', text: '0' } }), to('end', 3)]), activity('maybe', 4, [to('end', 4)]), activity('end', 5)]);
    assert.deepEqual(validate([taskDefinition('T', p)]), []);
  });

  it('warns about a subprocess that is neither in the set nor known to the repository', () => {
    const acts = linear();
    acts[1] = activity('work', 5, [to('end', 6)], { actions: [subprocessAction('Rename Task', 11)] });
    const found = validate([taskDefinition('T', process(acts))]);
    assert.deepEqual(found.map((d) => [d.severity, d.code, d.location.line]), [['warning', 'DEF_SUBPROCESS_UNRESOLVED', 11]]);
  });

  it('accepts a subprocess that the external resolver knows', () => {
    const acts = linear();
    acts[1] = activity('work', 5, [to('end', 6)], { actions: [subprocessAction('Rename Task', 11)] });
    const asked: string[] = [];
    const found = validate([taskDefinition('T', process(acts))], (name, kind) => {
      asked.push(`${kind}:${name}`);
      return name === 'Rename Task';
    });
    assert.deepEqual(found, []);
    assert.deepEqual(asked, ['process:Rename Task']);
  });

  it('resolves a subprocess by the name of the WFProcess inside a Configuration', () => {
    const acts = linear();
    acts[1] = activity('work', 5, [to('end', 6)], { actions: [subprocessAction('Inner Process', 11)] });
    const found = validate([taskDefinition('T', process(acts)), configuration('Outer Name', process(linear(), 'start', 'Inner Process'))]);
    assert.deepEqual(found, []);
  });

  it('skips subprocess names computed at run time', () => {
    const acts = linear();
    acts[1] = activity('work', 5, [to('end', 6)], { actions: [subprocessAction('$(which)', 11)] });
    assert.deepEqual(validate([taskDefinition('T', process(acts))]), []);
  });

  it('counts a resolver that throws as not knowing the name', () => {
    const acts = linear();
    acts[1] = activity('work', 5, [to('end', 6)], { actions: [subprocessAction('Elsewhere', 11)] });
    const found = validate([taskDefinition('T', process(acts))], () => {
      throw new Error('repository closed');
    });
    assert.deepEqual(found.map((d) => d.code), ['DEF_SUBPROCESS_UNRESOLVED']);
  });

  it('warns about a rule call that does not resolve, at the line of the call', () => {
    const call: Expr = { op: 'block', args: [{ op: 'i', text: '1' }, { op: 'rule', attrs: { name: 'generateEmail' }, line: 14, column: 7 }] };
    const acts = linear();
    acts[1] = activity('work', 5, [to('end', 6)], { actions: [exprAction(call, 12)] });
    const found = validate([taskDefinition('T', process(acts))]);
    assert.deepEqual(found.map((d) => [d.severity, d.code, d.location.line, d.location.column]), [['warning', 'DEF_RULE_UNRESOLVED', 14, 7]]);
  });

  it('warns about a rule called from inside another rule', () => {
    const found = validate([rule('Outer', { op: 'rule', attrs: { name: 'Missing' }, line: 3, column: 2 })]);
    assert.deepEqual(found.map((d) => [d.code, d.location.line]), [['DEF_RULE_UNRESOLVED', 3]]);
  });

  it('asks the resolver about rules as rules', () => {
    const acts = linear();
    acts[1] = activity('work', 5, [to('end', 6)], { actions: [exprAction({ op: 'rule', attrs: { name: 'Stored' } }, 12)] });
    const found = validate([taskDefinition('T', process(acts))], (name, kind) => kind === 'rule' && name === 'Stored');
    assert.deepEqual(found, []);
  });

  it('warns about an AND-join with a single incoming transition', () => {
    const p = process([activity('start', 3, [to('join', 3)]), activity('join', 4, [to('end', 4)], { join: 'and' }), activity('end', 5)]);
    const found = validate([taskDefinition('T', p)]);
    assert.deepEqual(found.map((d) => [d.severity, d.code, d.location.line]), [['warning', 'DEF_AND_JOIN_SINGLE_INPUT', 4]]);
  });

  it('refuses a manual action without an owner', () => {
    const acts = linear();
    acts[1] = activity('work', 5, [to('end', 6)], { actions: [manualAction([], 13)] });
    const found = validate([taskDefinition('T', process(acts))]);
    assert.deepEqual(found.map((d) => [d.code, d.location.line, d.location.column]), [['DEF_MANUAL_NO_OWNER', 13, 5]]);
  });

  it('accepts a manual action whose owner is a Netwrix permission', () => {
    const acts = linear();
    const owner: OwnerModel = { kind: 'permission', permission: '/Custom/Workflows/W/Request/ActionPending', requester: true, location: at(13) };
    acts[1] = activity('work', 5, [to('end', 6)], { actions: [manualAction([owner], 13)] });
    assert.deepEqual(validate([taskDefinition('T', process(acts))]), []);
  });

  it('refuses a TaskSchedule whose definition is not in the set nor in the repository', () => {
    const found = validate([taskDefinition('Report', process(linear())), schedule('Nightly', 'Reprot', 40)]);
    assert.deepEqual(found.map((d) => [d.code, d.location.line]), [['DEF_WORKFLOW_LAUNCH_UNRESOLVED', 40]]);
    assert.match(found[0]!.message, /did you mean 'Report'/);
  });

  it('accepts a TaskSchedule whose definition the repository holds', () => {
    assert.deepEqual(validate([schedule('Nightly', 'Stored')], (name) => name === 'Stored'), []);
  });

  it('does not accept a Configuration process as a scheduled definition', () => {
    const found = validate([configuration('Helper', process(linear())), schedule('Nightly', 'Helper')]);
    assert.deepEqual(found.map((d) => d.code), ['DEF_WORKFLOW_LAUNCH_UNRESOLVED']);
  });

  it('refuses an InvokeWorkflowAspect that launches an unknown workflow', () => {
    const found = validate([workflow('W', ['Request']), aspect('Launch', { kind: 'InvokeWorkflowAspect', workflow: 'Nowhere' }, 31)]);
    assert.deepEqual(found.map((d) => [d.code, d.location.line]), [['DEF_WORKFLOW_LAUNCH_UNRESOLVED', 31]]);
  });

  it('accepts a valid Netwrix-shaped workflow whose last activity continues with a known workflow', () => {
    const w = workflow('W', ['Request', 'Next']);
    const next = { ...w.activities[1]!, template: 'ContinueWith', calledWorkflow: 'Other' };
    const found = validate([{ ...w, activities: [w.activities[0]!, next] }, workflow('Other', ['Request'])]);
    assert.deepEqual(found, []);
  });

  it('refuses a ContinueWith activity that calls an unknown workflow', () => {
    const w = workflow('W', ['Request', 'Next']);
    const next = { ...w.activities[1]!, template: 'ContinueWith', calledWorkflow: 'Nowhere' };
    const found = validate([{ ...w, activities: [w.activities[0]!, next] }]);
    assert.deepEqual(found.map((d) => [d.code, d.location.line]), [['DEF_WORKFLOW_LAUNCH_UNRESOLVED', 12]]);
  });

  it('does not repeat a finding a loader already reported at the same place', () => {
    const p = process([activity('start', 3, [to('work', 3)]), activity('work', 4, [to('end', 4)]), activity('work', 5, [to('end', 5)]), activity('end', 6)]);
    const diags = new DiagnosticBag();
    diags.error('DEF_DUPLICATE_NAME', 'activity work is declared twice', at(5));
    validateObjects([taskDefinition('T', p)], diags);
    assert.deepEqual(diags.items.map((d) => d.message), ['activity work is declared twice']);
  });

  it('reports every problem of a broken process in one run', () => {
    const p = process([
      activity('start', 3, [to('missing', 3)], { actions: [exprAction({ op: 'i', text: '1' }, 3)] }),
      activity('x', 4, [to('x', 4)]),
      activity('x', 5, [to('start', 5)]),
    ]);
    const codes = validate([taskDefinition('Broken', p)]).map((d) => d.code).sort();
    assert.deepEqual(codes, ['DEF_DUPLICATE_NAME', 'DEF_NO_END', 'DEF_START_HAS_ACTIONS', 'DEF_TRANSITION_TARGET', 'DEF_UNREACHABLE']);
  });
});

describe('walking the expressions of a process', () => {
  it('visits variables, conditions, arguments, bodies, owners and transitions in document order', () => {
    const e = (text: string): Expr => ({ op: 's', text });
    const manual: ActionModel = {
      kind: 'manual',
      id: '1',
      manual: {
        owners: [{ kind: 'expression', expression: e('owner'), location: at(9) }],
        ignoreTimeout: false,
        timeoutExpression: e('timeout'),
        requestExpression: e('request'),
        variables: [{ name: 'mv', initial: e('manual var'), input: false, output: false, external: false, scope: 'local', location: at(9) }],
        returns: [],
        decisions: [],
        location: at(9),
      },
      arguments: [],
      returns: [],
      variables: [],
      location: at(9),
    };
    const work = activity('work', 5, [to('end', 10, { condition: { op: 'not', args: [e('transition')] } })], {
      variables: [{ name: 'av', initial: e('activity var'), input: false, output: false, external: false, scope: 'local', location: at(5) }],
      actions: [
        {
          kind: 'expression',
          id: '0',
          condition: e('condition'),
          expression: e('body'),
          arguments: [{ name: 'a', expression: e('argument'), location: at(7) }],
          returns: [],
          variables: [],
          location: at(6),
        },
        manual,
      ],
    });
    const p: ProcessModel = {
      ...process([activity('start', 3, [to('work', 3)]), work, activity('end', 11)]),
      variables: [{ name: 'pv', initial: e('process var'), input: true, output: false, external: false, scope: 'local', location: at(2) }],
    };
    const seen: string[] = [];
    walkExpressions(p, (expr, site) => seen.push(`${expr.text ?? expr.op}@${site.location.line}${site.activity ? `/${site.activity.name}` : ''}`));
    assert.deepEqual(seen, [
      'process var@2',
      'activity var@5/work',
      'condition@6/work',
      'argument@7/work',
      'body@6/work',
      'owner@9/work',
      'timeout@9/work',
      'request@9/work',
      'manual var@9/work',
      'not@10/work',
      'transition@10/work',
    ]);
  });

  it('walks a very deep expression without overflowing the stack', () => {
    let deep: Expr = { op: 'rule', attrs: { name: 'bottom' } };
    for (let i = 0; i < 100_000; i++) deep = { op: 'not', args: [deep] };
    const acts = linear();
    acts[1] = activity('work', 5, [to('end', 6)], { actions: [exprAction(deep, 12)] });
    let count = 0;
    walkExpressions(process(acts), () => count++);
    assert.equal(count, 100_001);
  });
});
