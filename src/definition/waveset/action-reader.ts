import type { LoadContext } from '../load-context.js';
import type { ActionModel, ArgumentModel, ManualActionModel, ReturnModel } from '../model/action.js';
import type { Expr } from '../model/expression.js';
import type { XmlElement } from '../xml/xml-element.js';
import { booleanAttr, checkAttributes, compact, describeElement, stringAttr } from './attribute-types.js';
import { readArgument } from './argument-reader.js';
import { compileExpressionWrapper, compileValueChildren, isExpressionElement, joinTexts, reportIfRepeated, reportStrayText, reportUnknownElement } from './child-elements.js';
import { readManualAction, readWorkItem, WORK_ITEM_ATTRIBUTES, WORK_ITEM_CHILDREN } from './manual-action-reader.js';
import { readReturn } from './return-reader.js';
import { readVariables } from './variable-reader.js';
import { WavesetCodes } from './waveset-codes.js';

const ACTION_ATTRIBUTES = ['id', 'name', 'title', 'hidden', 'application', 'class', 'process', 'manual'] as const;
const ACTION_CHILDREN = ['Comments', 'Variable', 'Argument', 'Return', 'Condition', 'expression', 'ManualAction'] as const;

type Kind = 'service' | 'subprocess' | 'expression' | 'manual';
const KIND_WORDING: Record<Kind, string> = {
  service: 'a service call (application= or class=)',
  subprocess: 'a subprocess (process=)',
  expression: 'an XPRESS action (<expression>)',
  manual: "a manual action (manual='true' or <ManualAction>)",
};

/**
 * `<Action>`: exactly one of a service call (`application=`/`class=` with `<Argument name='op'>`), a subprocess
 * (`process=`), an XPRESS action (`<expression>`) or a manual action (`manual='true'` or a `<ManualAction>` child).
 * `index` is the action's position in its activity, its id when it has no `id` attribute.
 * Returns undefined when the action cannot be built (the reason is in ctx.diags).
 */
export function readAction(el: XmlElement, index: number, ctx: LoadContext): ActionModel | undefined {
  const manualFlag = booleanAttr(el, 'manual', ctx, false);
  const manualChild = el.children.find((c) => c.name === 'ManualAction');
  // `<Action manual='true'>` without a <ManualAction> describes the work item itself.
  const hostsWorkItem = manualFlag && manualChild === undefined;
  checkAttributes(el, hostsWorkItem ? [...ACTION_ATTRIBUTES, ...WORK_ITEM_ATTRIBUTES] : ACTION_ATTRIBUTES, ctx);
  reportStrayText(el, ctx);

  const comments: XmlElement[] = [];
  const variables: XmlElement[] = [];
  const args: ArgumentModel[] = [];
  const returns: ReturnModel[] = [];
  const workItem: XmlElement[] = [];
  let conditionEl: XmlElement | undefined;
  let condition: Expr | undefined;
  let expressionEl: XmlElement | undefined;
  let expression: Expr | undefined;
  let manualEl: XmlElement | undefined;
  const allowed: string[] = hostsWorkItem ? [...ACTION_CHILDREN, ...WORK_ITEM_CHILDREN] : [...ACTION_CHILDREN];

  for (const c of el.children) {
    switch (c.name) {
      case 'Comments':
        comments.push(c);
        break;
      case 'Variable':
        variables.push(c);
        break;
      case 'Argument': {
        const a = readArgument(c, ctx);
        if (a) args.push(a);
        break;
      }
      case 'Return': {
        const r = readReturn(c, ctx);
        if (r) returns.push(r);
        break;
      }
      case 'Condition':
        if (reportIfRepeated(c, el, conditionEl, ctx)) break;
        conditionEl = c;
        checkAttributes(c, [], ctx);
        reportStrayText(c, ctx);
        // `<Condition/>` (empty) appears in Sun's call-shape examples; it means no condition.
        condition = compileValueChildren(c, conditionChildren(c, ctx), ctx);
        break;
      case 'expression':
        if (reportIfRepeated(c, el, expressionEl, ctx)) break;
        expressionEl = c;
        checkAttributes(c, [], ctx);
        reportStrayText(c, ctx);
        expression = compileExpressionWrapper(c, ctx);
        break;
      case 'ManualAction':
        if (reportIfRepeated(c, el, manualEl, ctx)) break;
        manualEl = c;
        break;
      default:
        if (hostsWorkItem && (WORK_ITEM_CHILDREN as readonly string[]).includes(c.name)) workItem.push(c);
        else reportUnknownElement(c, el, allowed, ctx, unknownChildHint(c));
    }
  }

  const vars = readVariables(variables, `action ${describeElement(el)}`, ctx);
  let manualComments: string | undefined;
  let manual: ManualActionModel | undefined;
  if (manualEl) {
    const read = readManualAction(manualEl, ctx);
    manual = read.manual;
    manualComments = read.comments;
  } else if (hostsWorkItem) {
    manual = readWorkItem(el, workItem, [], [], ctx);
  }

  const hidden = el.attributes.has('hidden') ? booleanAttr(el, 'hidden', ctx, false) : undefined;
  const kinds: Kind[] = [];
  if (el.attributes.has('application') || el.attributes.has('class')) kinds.push('service');
  if (el.attributes.has('process')) kinds.push('subprocess');
  if (expressionEl) kinds.push('expression');
  if (manualFlag || manualEl) kinds.push('manual');
  if (kinds.length !== 1) {
    ctx.diags.error(
      WavesetCodes.ACTION_KIND,
      kinds.length === 0
        ? `${describeElement(el)} does nothing: give it application= or class= with <Argument name='op'> (a service call), process= (a subprocess), an <expression>, or manual='true' / a <ManualAction>`
        : `${describeElement(el)} is ${kinds.map((k) => KIND_WORDING[k]).join(' and ')}; an action does one thing, so split it into several actions`,
      el.location,
    );
    return undefined;
  }

  const base = {
    id: stringAttr(el, 'id') ?? String(index),
    name: stringAttr(el, 'name'),
    title: stringAttr(el, 'title'),
    hidden,
    comments: [joinTexts(comments), manualComments].filter((t) => t !== undefined).join('\n\n') || undefined,
    condition,
    arguments: args,
    returns,
    variables: vars,
    location: el.location,
  };

  switch (kinds[0]!) {
    case 'service':
      return compact<ActionModel>({
        ...base,
        kind: 'service',
        application: stringAttr(el, 'application'),
        className: stringAttr(el, 'class'),
        op: literalOp(args),
      });
    case 'subprocess': {
      const process = stringAttr(el, 'process')!;
      if (process.trim() === '') {
        ctx.diags.error(WavesetCodes.BAD_VALUE, `process='' on <Action> names no process`, el.attributeLocations.get('process') ?? el.location);
        return undefined;
      }
      return compact<ActionModel>({ ...base, kind: 'subprocess', process });
    }
    case 'expression':
      return expression ? compact<ActionModel>({ ...base, kind: 'expression', expression }) : undefined;
    case 'manual':
      return manual ? compact<ActionModel>({ ...base, kind: 'manual', manual }) : undefined;
  }
}

/**
 * A `<ManualAction>` written directly in an `<Activity>`: an action of kind `manual` whose variables and returns
 * stay on the manual action (the enclosing action has none).
 */
export function actionFromManualAction(el: XmlElement, index: number, ctx: LoadContext): ActionModel {
  const { manual, comments } = readManualAction(el, ctx);
  return compact<ActionModel>({
    kind: 'manual',
    id: String(index),
    name: manual.name,
    comments,
    arguments: [],
    returns: [],
    variables: [],
    manual,
    location: el.location,
  });
}

/** The `op` argument when it is a literal (no `$(var)` and no expression). */
function literalOp(args: readonly ArgumentModel[]): string | undefined {
  const op = args.find((a) => a.name === 'op');
  if (!op || op.value === undefined || op.value.includes('$(')) return undefined;
  return op.value;
}

function conditionChildren(el: XmlElement, ctx: LoadContext): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (c.name === 'expression' || isExpressionElement(c)) out.push(c);
    else reportUnknownElement(c, el, ['expression', 'an XPRESS condition'], ctx);
  }
  return out;
}

function unknownChildHint(c: XmlElement): string {
  if (c.name === 'script') return 'JavaScript actions are not supported; write the action as an XPRESS <expression>';
  if (isExpressionElement(c)) return `wrap the XPRESS in <expression>…</expression>`;
  return '';
}
