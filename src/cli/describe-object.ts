import type { ActionModel, ManualActionModel, OwnerModel } from '../definition/model/action.js';
import type { ActivityModel } from '../definition/model/activity.js';
import type { ConnectorObject, DefinitionObject } from '../definition/model/objects.js';
import type { ProcessModel } from '../definition/model/process.js';
import type { TaskParameters } from '../definition/model/task-parameters.js';
import type { VariableDecl } from '../definition/model/variable.js';
import type { StoredObject, StoredObjectSummary } from '../repository/object-store.js';
import { formatExpr } from './format-expr.js';

/**
 * The readable summary `idflow show` prints: the stored version's facts, then what the object holds —
 * parameters, variables, and each activity with its actions and transitions.
 */
export function describeObject(stored: StoredObject, versions: readonly StoredObjectSummary[]): string[] {
  const m = stored.model;
  const lines = [
    `${stored.type} ${stored.name}  v${stored.version}${versions.at(-1)?.version === stored.version ? ' (latest)' : ''}`,
    ...field('id', stored.id),
    ...field('versions', versions.map((v) => `v${v.version}`).join(', ')),
    ...field('created', stored.createdAt),
    ...field('source', `${stored.sourceFile}:${m.location.line}`),
    ...field('digest', `sha256:${stored.digest.slice(0, 16)}…`),
  ];
  if ('dialect' in m) lines.push(...field('dialect', m.dialect));
  lines.push(...describeBody(m));
  return lines;
}

function field(label: string, value: string | number | undefined): string[] {
  return value === undefined || value === '' ? [] : [`  ${label.padEnd(11)} ${value}`];
}

function describeBody(m: DefinitionObject): string[] {
  switch (m.type) {
    case 'TaskDefinition':
      return [...describeParameters(m.parameters), ...describeProcess(m.process)];
    case 'Workflow':
      return [
        ...field('entity', `${m.entityType} (${m.variablesType})`),
        ...field('prefix', m.identifierPrefix),
        ...field('templates', m.activities.map((a) => `${a.identifier}:${a.template}`).join(', ')),
        ...describeParameters(m.parameters),
        ...describeProcess(m.process),
      ];
    case 'Configuration':
      return m.process ? describeProcess(m.process) : ['  (no process)'];
    case 'Rule':
      return [
        ...field('arguments', m.arguments.map((a) => (a.value !== undefined ? `${a.name}=${a.value}` : a.name)).join(', ') || '(none)'),
        ...field('body', formatExpr(m.body)),
      ];
    case 'AccessControlRule':
      return [
        ...field('profile', m.profile),
        ...field('entity', m.entityType),
        '  entries',
        ...m.entries.map((e) => `    ${e.canExecute ? 'execute' : 'deny   '}  ${e.permission}`),
      ];
    case 'Aspect':
      return [
        ...field('kind', m.aspect.kind),
        ...field('priority', m.aspect.priority),
        ...field('binding', m.aspect.binding),
        ...field('workflow', m.aspect.workflow),
        '  pointcuts',
        ...m.aspect.pointCuts.map((p) => `    ${p.mode.padEnd(6)} ${p.activity} ${p.activityState}`),
      ];
    case 'TaskSchedule':
      return [
        ...field('definition', m.definition),
        ...field('start', m.start),
        ...field('repeat', m.repeatSeconds === 0 ? 'once' : `every ${m.repeatSeconds} s${m.repeatCount !== undefined ? `, ${m.repeatCount} times` : ''}`),
        ...field('disabled', String(m.disabled)),
        ...field('task name', m.taskName),
      ];
    case 'Connector':
      return [
        ...field('kind', m.kind),
        ...field('about', m.description),
        '  settings',
        ...describeSettings(m.settings, '    '),
      ];
  }
}

/** Settings hold no secret (only the names of the variables holding them), so all are shown. */
function describeSettings(settings: ConnectorObject['settings'], indent: string): string[] {
  return Object.entries(settings).flatMap(([name, value]) => {
    if (typeof value === 'string') return [`${indent}${name} = ${value}`];
    if (Array.isArray(value)) return [`${indent}${name} = ${(value as readonly string[]).join(', ')}`];
    return [`${indent}${name}`, ...describeSettings(value as ConnectorObject['settings'], `${indent}  `)];
  });
}

function describeParameters(p: TaskParameters): string[] {
  const shown = [
    `execMode=${p.execMode}`,
    `suspendable=${p.suspendable}`,
    `execLimit=${p.execLimit}`,
    `resultLimit=${p.resultLimit}`,
    `resultOption=${p.resultOption}`,
    `visibility=${p.visibility}`,
    `wizard=${p.wizard}`,
  ];
  return field('parameters', shown.join('  '));
}

function describeVariables(vars: readonly VariableDecl[]): string {
  return vars
    .map((v) => {
      const flags = [v.input && 'input', v.output && 'output', v.external && 'external'].filter(Boolean);
      return flags.length ? `${v.name} (${flags.join(', ')})` : v.name;
    })
    .join(', ');
}

function describeProcess(p: ProcessModel): string[] {
  const lines = [
    ...field('process', `${p.name}${p.title && p.title !== p.name ? ` "${p.title}"` : ''}, maxSteps ${p.maxSteps === 0 ? 'default (5000)' : p.maxSteps}`),
    ...field('variables', describeVariables(p.variables) || '(none)'),
    `  activities  ${p.activities.length}, start: ${p.start}`,
  ];
  for (const a of p.activities) lines.push(...describeActivity(a));
  return lines;
}

function describeActivity(a: ActivityModel): string[] {
  const marks = [a.split === 'and' && 'and-split', a.join === 'and' && 'and-join', a.template && `${a.template.state}`].filter(Boolean);
  const lines = [`    ${a.name}${a.title && a.title !== a.name ? ` "${a.title}"` : ''}${marks.length ? `  [${marks.join(', ')}]` : ''}`];
  if (a.variables.length) lines.push(`      variables: ${describeVariables(a.variables)}`);
  for (const action of a.actions) lines.push(...describeAction(action));
  for (const t of a.transitions) {
    const when = [t.decision && `decision ${t.decision}`, t.condition && `if ${formatExpr(t.condition, 80)}`].filter(Boolean).join(' ');
    lines.push(`      → ${t.to}${t.name ? ` (${t.name})` : ''}${when ? `  ${when}` : ''}`);
  }
  if (a.transitions.length === 0) lines.push('      (end)');
  return lines;
}

function describeAction(a: ActionModel): string[] {
  const label = `action ${a.id}${a.name ? ` ${a.name}` : ''}`;
  const cond = a.condition ? `  when ${formatExpr(a.condition, 60)}` : '';
  switch (a.kind) {
    case 'service':
      return [`      ${label}: service ${a.application ?? a.className ?? ''}${a.op ? ` op=${a.op}` : ''}${cond}`];
    case 'subprocess':
      return [`      ${label}: subprocess ${a.process}${cond}`];
    case 'expression':
      return [`      ${label}: ${formatExpr(a.expression, 80)}${cond}`];
    case 'manual':
      return [`      ${label}: manual action${cond}`, ...describeManual(a.manual)];
  }
}

function describeManual(m: ManualActionModel): string[] {
  const timeout =
    m.timeoutExpression !== undefined
      ? formatExpr(m.timeoutExpression, 40)
      : m.timeout === undefined || m.timeout === 0
        ? undefined
        : m.timeout > 0
          ? `${m.timeout} min`
          : `${-m.timeout} s`;
  const parts = [
    `owners ${m.owners.map(describeOwner).join(', ') || '(none)'}`,
    m.decisions.length > 0 && `decisions ${m.decisions.map((d) => d.name).join(', ')}`,
    timeout && `timeout ${timeout}`,
  ].filter(Boolean);
  return [`        ${parts.join('; ')}`];
}

function describeOwner(o: OwnerModel): string {
  switch (o.kind) {
    case 'name':
      return o.name;
    case 'expression':
      return formatExpr(o.expression, 40);
    case 'permission':
      return `${o.requester ? 'requester, then ' : ''}holders of ${o.permission}`;
  }
}
