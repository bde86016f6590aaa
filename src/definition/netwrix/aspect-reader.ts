/**
 * Reads the seven Netwrix aspect kinds (reference netwrix §6) with their `<PointCut>`s and, for notifications,
 * `<Recipient>`s. Expressions are C# attributes in the subset idflow compiles (docs/csharp-expressions.md) or XPRESS
 * child elements; `InvokeScriptAspect` is refused.
 */
import type { LoadContext } from '../load-context.js';
import type { AspectKind, AspectModel, NotificationRecipientModel, PointCutModel } from '../model/aspect.js';
import type { Expr } from '../model/expression.js';
import type { AspectObject } from '../model/objects.js';
import { attrLocation, childrenNamed, type XmlElement } from '../xml/xml-element.js';
import { booleanAttribute, checkAttributes, integerAttribute, localized, requireAttribute } from './netwrix-attributes.js';
import { isCSharp, readExpression, refuseCSharp } from './netwrix-expression.js';
import { TEMPLATE_NAMES, TEMPLATES, isTemplateName, parseStateName, stateName } from './templates.js';

interface KindSpec {
  /** Attributes besides the common ones. */
  readonly attributes: readonly (string | RegExp)[];
  /** Expressions the kind takes (C# attributes or XPRESS child elements). */
  readonly expressions: readonly string[];
  readonly ignored?: Readonly<Record<string, string>>;
  /** Child elements besides PointCut and the expressions. */
  readonly children?: readonly string[];
  readonly ignoredChildren?: Readonly<Record<string, string>>;
}

const COMMON_ATTRIBUTES = ['Identifier', 'Binding', 'ExpressionBinding', 'Priority'];
const COMMON_EXPRESSIONS = ['Expression', 'IfExpression'];

const KINDS: Readonly<Record<Exclude<AspectKind, 'InvokeScriptAspect'>, KindSpec>> = {
  AddChangeAspect: { attributes: [], expressions: ['AcceptNullValueExpression'] },
  AssertValueAspect: { attributes: [localized('Message')], expressions: [] },
  AssertValueRequiredAspect: { attributes: [localized('Message')], expressions: [] },
  BuildUniqueValueAspect: {
    attributes: ['IterationsCount', localized('Message'), 'HistorizeBinding', 'OnlyIfNew'],
    expressions: ['SqlBuildExpression', 'SqlCheckExpression', 'SimulationExpression'],
    ignoredChildren: {
      UnicityCheck: 'idflow does not compute correlation keys; write the uniqueness test as <SqlCheckExpression> in XPRESS',
    },
  },
  InvokeWorkflowAspect: { attributes: ['Workflow'], expressions: [] },
  NotificationAspect: {
    attributes: [localized('RazorFile'), 'CssFile'],
    expressions: ['SubjectExpression_L1', ...Array.from({ length: 15 }, (_, i) => `SubjectExpression_L${i + 2}`)],
    children: ['Recipient'],
  },
};

/** Netwrix writes these as SQL run against its own database, which idflow does not have. */
const SQL_EXPRESSIONS = new Set(['SqlBuildExpression', 'SqlCheckExpression']);

/** Attributes with a field of their own in AspectModel; the rest are kept in `attributes` as written. */
const MODELLED = new Set(['Identifier', 'Binding', 'ExpressionBinding', 'Priority', 'Message_L1', 'Workflow', 'AcceptNullValueExpression', 'IterationsCount']);

/** The element names this reader handles. */
export function isAspectElement(name: string): name is AspectKind {
  // Own keys only: `<constructor>` is not an aspect kind found on Object.prototype.
  return name === 'InvokeScriptAspect' || Object.hasOwn(KINDS, name);
}

/** Reads one aspect element; undefined when it is refused or unusable (the errors say why). */
export function readAspect(el: XmlElement, ctx: LoadContext): AspectObject | undefined {
  const kind = el.name as AspectKind;
  if (kind === 'InvokeScriptAspect') {
    ctx.diags.error(
      'NETWRIX_SCRIPT_NOT_SUPPORTED',
      `line ${el.location.line}: <InvokeScriptAspect> runs a PowerShell script on an agent; idflow runs no scripts. ` +
        `Use an AddChangeAspect or InvokeWorkflowAspect with XPRESS expressions, or a service operation called from a workflow`,
      el.location,
    );
    return undefined;
  }
  const spec = KINDS[kind];
  const expressionNames = [...COMMON_EXPRESSIONS, ...spec.expressions];
  const errorsBefore = ctx.diags.errorCount;
  refuseCSharp(el, ctx, expressionNames);
  checkAttributes(el, { known: [...COMMON_ATTRIBUTES, ...spec.attributes, ...expressionNames], ...(spec.ignored ? { ignored: spec.ignored } : {}) }, ctx);

  const identifier = requireAttribute(el, 'Identifier', ctx);
  const pointCuts: PointCutModel[] = [];
  const recipients: NotificationRecipientModel[] = [];
  for (const child of el.children) {
    if (child.name === 'PointCut') {
      const pc = readPointCut(child, ctx);
      if (pc) pointCuts.push(pc);
    } else if (child.name === 'Recipient' && spec.children?.includes('Recipient')) {
      const r = readRecipient(child, ctx);
      if (r) recipients.push(r);
    } else if (spec.ignoredChildren && Object.hasOwn(spec.ignoredChildren, child.name)) {
      ctx.diags.warning('DEF_UNKNOWN_ELEMENT', `<${child.name}> is accepted but ignored: ${spec.ignoredChildren[child.name]}`, child.location);
    } else if (!expressionNames.includes(child.name)) {
      const allowed = ['PointCut', ...(spec.children ?? []), ...expressionNames.filter((n) => !/_L([2-9]|1\d)$/.test(n)).map((n) => `${n} (XPRESS)`)];
      ctx.diags.error('DEF_UNKNOWN_ELEMENT', `<${kind}> may not contain <${child.name}>; allowed: ${allowed.join(', ')}`, child.location);
    }
  }
  if (el.children.every((c) => c.name !== 'PointCut')) {
    ctx.diags.error('DEF_MISSING_ELEMENT', `<${kind}> needs at least one <PointCut Activity="Workflow:Activity" ActivityState="…"/>; without one it never runs`, el.location);
  }

  const expressions: Record<string, Expr | undefined> = {};
  for (const name of expressionNames) {
    // AcceptNullValueExpression is C# in Netwrix; idflow files before the C# subset wrote it as a Boolean.
    if (name === 'AcceptNullValueExpression' && el.attributes.has(name) && !isCSharp(el.attributes.get(name)!)) continue;
    const errors = ctx.diags.errorCount;
    expressions[name] = readExpression(el, name, ctx, SQL_EXPRESSIONS.has(name) ? { plainValueHint: 'Netwrix runs it as SQL against its own database, which idflow does not have' } : {});
    if (name === 'SimulationExpression' && expressions[name] && ctx.diags.errorCount === errors) {
      ctx.diags.warning(
        'DEF_UNKNOWN_ATTRIBUTE',
        'SimulationExpression is read and checked but never evaluated: idflow has no workflow preview',
        attrLocation(el, name),
      );
    }
  }
  const expression = expressions['Expression'] ?? expressions['SqlBuildExpression'];
  if (expressions['Expression'] && expressions['SqlBuildExpression']) {
    ctx.diags.error('DEF_BAD_VALUE', `<${kind}> has both Expression and SqlBuildExpression; they are the same thing in idflow, keep one`, el.location);
  }
  const binding = el.attributes.get('Binding');
  const needs = (what: string, hint: string): void => {
    ctx.diags.error('DEF_MISSING_ATTRIBUTE', `<${kind}> needs ${what} (${hint})`, el.location);
  };
  // A C# attribute or an unusable child has been reported already; do not also call the expression missing.
  const hasExpression = ['Expression', 'SqlBuildExpression'].some((n) => el.attributes.has(n) || childrenNamed(el, n).length > 0);
  switch (kind) {
    case 'AddChangeAspect':
      if (binding === undefined) needs('Binding', 'the property to change');
      if (!hasExpression) needs('an Expression', 'the new value, in C# or as an <Expression> child in XPRESS');
      break;
    case 'AssertValueAspect':
      if (!hasExpression) needs('an Expression', 'the condition that must hold, in C# or as an <Expression> child in XPRESS');
      break;
    case 'AssertValueRequiredAspect':
      if (binding === undefined) needs('Binding', 'the property that must have a value');
      break;
    case 'BuildUniqueValueAspect':
      if (binding === undefined) needs('Binding', 'the property to fill');
      if (!hasExpression) needs('an Expression', 'the candidate value for each iteration, in C# or as an <Expression> child in XPRESS');
      break;
    case 'InvokeWorkflowAspect':
      requireAttribute(el, 'Workflow', ctx, 'the workflow to launch');
      break;
    case 'NotificationAspect':
      if (childrenNamed(el, 'Recipient').length === 0) {
        ctx.diags.error('DEF_MISSING_ELEMENT', `<NotificationAspect> needs at least one <Recipient Type="…"/>`, el.location);
      }
      break;
  }

  const priority = integerAttribute(el, 'Priority', 0, ctx);
  const iterations = el.attributes.has('IterationsCount') ? integerAttribute(el, 'IterationsCount', 1, ctx) : undefined;
  if (iterations !== undefined && iterations < 1) {
    ctx.diags.error('DEF_BAD_VALUE', `IterationsCount="${iterations}" must be 1 or more`, attrLocation(el, 'IterationsCount'));
  }
  const acceptNullText = el.attributes.get('AcceptNullValueExpression');
  const acceptNull = acceptNullText !== undefined && !isCSharp(acceptNullText) ? booleanAttribute(el, 'AcceptNullValueExpression', false, ctx) : undefined;
  if (identifier === undefined || ctx.diags.errorCount > errorsBefore) return undefined;

  const attributes: Record<string, string> = {};
  for (const [name, value] of el.attributes) if (!MODELLED.has(name) && !name.startsWith('xmlns')) attributes[name] = value;
  const optional = <T>(key: string, value: T | undefined): Record<string, T> => (value === undefined ? {} : { [key]: value });
  const aspect: AspectModel = {
    kind,
    identifier,
    ...optional('binding', binding),
    ...optional('expressionBinding', el.attributes.get('ExpressionBinding')),
    ...optional('expression', expression),
    ...optional('ifExpression', expressions['IfExpression']),
    ...optional('message', el.attributes.get('Message_L1')),
    priority,
    ...optional('workflow', el.attributes.get('Workflow')),
    ...optional('acceptNullValue', acceptNull),
    ...optional('acceptNullValueExpression', expressions['AcceptNullValueExpression']),
    ...optional('simulationExpression', expressions['SimulationExpression']),
    ...optional('iterationsCount', iterations),
    ...optional('checkExpression', expressions['SqlCheckExpression']),
    ...(kind === 'NotificationAspect' ? { recipients } : {}),
    ...optional('subjectExpression', expressions['SubjectExpression_L1']),
    attributes,
    pointCuts,
    location: el.location,
  };
  return { type: 'Aspect', dialect: 'netwrix', name: identifier, location: el.location, aspect };
}

/** `Workflow:Activity` → its two parts, or undefined with `DEF_BAD_VALUE`. */
function splitActivityRef(el: XmlElement, value: string, ctx: LoadContext): [string, string] | undefined {
  const parts = value.split(':');
  if (parts.length !== 2 || parts[0]!.trim() === '' || parts[1]!.trim() === '') {
    ctx.diags.error('DEF_BAD_VALUE', `<${el.name}> Activity="${value}" must be "Workflow:Activity", e.g. "User_Onboarding:Request"`, attrLocation(el, 'Activity'));
    return undefined;
  }
  return [parts[0]!, parts[1]!];
}

/** Checks a full state name against the templates; reports `NETWRIX_UNKNOWN_STATE` when no template has it. */
function checkStateName(el: XmlElement, value: string, ctx: LoadContext): boolean {
  if (parseStateName(value)) return true;
  const prefix = value.split('-')[0] ?? '';
  const hint = isTemplateName(prefix)
    ? `the states of ${prefix} are ${TEMPLATES[prefix].states.map((s) => stateName(prefix, s.short)).join(', ')}`
    : `states are named <Template>-<State>, e.g. ActionWithRefine-Executed, with Template one of ${TEMPLATE_NAMES.join(', ')}`;
  ctx.diags.error('NETWRIX_UNKNOWN_STATE', `ActivityState="${value}" is not a template state; ${hint}`, attrLocation(el, 'ActivityState'));
  return false;
}

function readPointCut(el: XmlElement, ctx: LoadContext): PointCutModel | undefined {
  refuseCSharp(el, ctx);
  checkAttributes(el, { known: ['Activity', 'ActivityState', 'Mode', 'TemplateTransformation'] }, ctx);
  for (const child of el.children) ctx.diags.error('DEF_UNKNOWN_ELEMENT', `<PointCut> has no child elements; <${child.name}> is not allowed`, child.location);
  const activity = requireAttribute(el, 'Activity', ctx, '"Workflow:Activity"');
  const state = requireAttribute(el, 'ActivityState', ctx, 'a template state such as ActionWithRefine-Executed');
  const activityOk = activity !== undefined && splitActivityRef(el, activity, ctx) !== undefined;
  const stateOk = state !== undefined && checkStateName(el, state, ctx);
  const modeText = el.attributes.get('Mode') ?? 'Before';
  const mode = modeText === 'Before' || modeText === '0' ? 'Before' : modeText === 'After' || modeText === '1' ? 'After' : undefined;
  if (mode === undefined) {
    ctx.diags.error('DEF_BAD_VALUE', `<PointCut> Mode="${modeText}" must be Before (0, on entry to the state) or After (1, on exit)`, attrLocation(el, 'Mode'));
  }
  const transformation = el.attributes.get('TemplateTransformation');
  if (transformation !== undefined) {
    ctx.diags.warning(
      'NETWRIX_TEMPLATE_TRANSFORMATION_IGNORED',
      `TemplateTransformation="${transformation}" is kept but has no effect: idflow has no template transformations, so this PointCut always applies`,
      attrLocation(el, 'TemplateTransformation'),
    );
  }
  if (!activityOk || !stateOk || mode === undefined) return undefined;
  return {
    activity: activity!,
    activityState: state!,
    mode,
    ...(transformation !== undefined ? { templateTransformation: transformation } : {}),
    location: el.location,
  };
}

const RECIPIENT_TYPES = ['Actor', 'Performer', 'Binding', 'Hardcoded', 'Expression', 'Profile'] as const;
type RecipientType = (typeof RECIPIENT_TYPES)[number];

function readRecipient(el: XmlElement, ctx: LoadContext): NotificationRecipientModel | undefined {
  refuseCSharp(el, ctx, ['Expression']);
  checkAttributes(el, { known: ['Type', 'Binding', 'EmailAddresses', 'Expression', 'Activity', 'ActivityState', 'IsCC'] }, ctx);
  for (const child of el.children) {
    if (child.name !== 'Expression') ctx.diags.error('DEF_UNKNOWN_ELEMENT', `<Recipient> may contain only <Expression> (XPRESS), not <${child.name}>`, child.location);
  }
  const errorsBefore = ctx.diags.errorCount;
  const typeText = requireAttribute(el, 'Type', ctx, RECIPIENT_TYPES.join(', '));
  if (typeText !== undefined && !(RECIPIENT_TYPES as readonly string[]).includes(typeText)) {
    ctx.diags.error('DEF_BAD_VALUE', `<Recipient> Type="${typeText}" is not a recipient type; use one of ${RECIPIENT_TYPES.join(', ')}`, attrLocation(el, 'Type'));
  }
  const type = typeText as RecipientType;
  const isCC = booleanAttribute(el, 'IsCC', false, ctx);
  const expression = readExpression(el, 'Expression', ctx);
  const binding = el.attributes.get('Binding');
  const activity = el.attributes.get('Activity');
  const activityState = el.attributes.get('ActivityState');
  const emails = el.attributes.get('EmailAddresses');
  const emailAddresses = emails?.split(/[;,]/).map((s) => s.trim()).filter((s) => s !== '');
  switch (type) {
    case 'Binding':
      requireAttribute(el, 'Binding', ctx, 'the property holding the address, e.g. Directory_User:Mail');
      break;
    case 'Hardcoded':
      if (!emailAddresses || emailAddresses.length === 0) requireAttribute(el, 'EmailAddresses', ctx, 'addresses separated by ";"');
      break;
    case 'Expression':
      if (!expression && !el.attributes.has('Expression') && childrenNamed(el, 'Expression').length === 0) {
        ctx.diags.error('DEF_MISSING_ATTRIBUTE', `<Recipient Type="Expression"> needs an Expression (C#, or an <Expression> child in XPRESS) returning an address or a list`, el.location);
      }
      break;
    case 'Performer':
      if (requireAttribute(el, 'Activity', ctx, '"Workflow:Activity" of the past step') !== undefined) splitActivityRef(el, activity!, ctx);
      if (requireAttribute(el, 'ActivityState', ctx, 'the state whose performer is notified') !== undefined) checkStateName(el, activityState!, ctx);
      break;
    default:
      break;
  }
  if (ctx.diags.errorCount > errorsBefore) return undefined;
  return {
    type,
    ...(binding !== undefined ? { binding } : {}),
    ...(emailAddresses !== undefined ? { emailAddresses } : {}),
    ...(expression !== undefined ? { expression } : {}),
    ...(activity !== undefined ? { activity } : {}),
    ...(activityState !== undefined ? { activityState } : {}),
    isCC,
  };
}
