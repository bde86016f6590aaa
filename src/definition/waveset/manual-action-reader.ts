import type { LoadContext } from '../load-context.js';
import { parseApprovalMode } from '../../approvals/approval-mode.js';
import { parseApprovalScheme } from '../../approvals/approval-scheme.js';
import type { ApprovalModel, DecisionModel, ManualActionModel, OwnerModel, ReturnModel } from '../model/action.js';
import type { Expr } from '../model/expression.js';
import type { VariableDecl } from '../model/variable.js';
import type { XmlElement } from '../xml/xml-element.js';
import {
  booleanAttr,
  checkAttributes,
  compact,
  describeElement,
  integerAttr,
  stringAttr,
} from './attribute-types.js';
import { compileValueChildren, isExpressionElement, joinTexts, reportIfRepeated, reportStrayText, reportUnknownElement, textOf } from './child-elements.js';
import { readObjectRef } from './object-ref-reader.js';
import { readReturn } from './return-reader.js';
import { readVariables } from './variable-reader.js';
import { WavesetCodes } from './waveset-codes.js';

/** idflow attributes that make a manual action an approval (docs/approvals.md), beside the approval's `escalation`. */
const APPROVAL_ATTRIBUTES = [
  'approvalMode',
  'approvalScheme',
  'approvalSubject',
  'approvalResource',
  'approvalProfile',
  'approvalPerson',
  'approvalFallback',
  'escalation',
] as const;

/** Attributes that describe a work item; also accepted on `<Action manual='true'>` without a `<ManualAction>`. */
export const WORK_ITEM_ATTRIBUTES = [
  'owner',
  'timeout',
  'ignoreTimeout',
  'itemType',
  'authType',
  'request',
  'requester',
  // idflow's approval attributes (docs/approvals.md); a vendor file has none of them and keeps its meaning.
  ...APPROVAL_ATTRIBUTES,
] as const;
/** Children that describe a work item; also accepted on `<Action manual='true'>` without a `<ManualAction>`. */
export const WORK_ITEM_CHILDREN = [
  'Owner',
  'Timeout',
  'WorkItemRequest',
  'ExposedVariables',
  'EditableVariables',
  'ViewVariables',
  'ObjectRef',
  'FormRef',
] as const;

const MANUAL_ACTION_ATTRIBUTES = ['name', ...WORK_ITEM_ATTRIBUTES];
const MANUAL_ACTION_CHILDREN = ['Comments', 'Variable', 'Return', ...WORK_ITEM_CHILDREN];

/** Work item types whose decisions are approve/reject; every other type offers a single `submit`. */
const APPROVAL_ITEM_TYPES = ['approval'];

/** A `<ManualAction>` element and its `<Comments>` (which the model keeps on the enclosing action). */
export interface ReadManualAction {
  readonly manual: ManualActionModel;
  readonly comments?: string;
}

/** `<ManualAction name=… owner=… timeout=…>…</ManualAction>`. */
export function readManualAction(el: XmlElement, ctx: LoadContext): ReadManualAction {
  checkAttributes(el, MANUAL_ACTION_ATTRIBUTES, ctx);
  reportStrayText(el, ctx);
  const comments: XmlElement[] = [];
  const variables: XmlElement[] = [];
  const returns: XmlElement[] = [];
  const workItem: XmlElement[] = [];
  for (const c of el.children) {
    if (c.name === 'Comments') comments.push(c);
    else if (c.name === 'Variable') variables.push(c);
    else if (c.name === 'Return') returns.push(c);
    else if ((WORK_ITEM_CHILDREN as readonly string[]).includes(c.name)) workItem.push(c);
    else reportUnknownElement(c, el, MANUAL_ACTION_CHILDREN, ctx);
  }
  const vars = readVariables(variables, `manual action ${describeElement(el)}`, ctx);
  const rets = returns.map((r) => readReturn(r, ctx)).filter((r): r is ReturnModel => r !== undefined);
  const manual = readWorkItem(el, workItem, vars, rets, ctx);
  return compact<ReadManualAction>({ manual, comments: joinTexts(comments) });
}

/**
 * Reads the work-item attributes of `el` and the work-item children given (`WORK_ITEM_CHILDREN`), which the caller
 * has already sorted out. Unknown attributes are the caller's to report.
 */
export function readWorkItem(
  el: XmlElement,
  children: readonly XmlElement[],
  variables: readonly VariableDecl[],
  returns: readonly ReturnModel[],
  ctx: LoadContext,
): ManualActionModel {
  const owners: OwnerModel[] = [];
  const ownerAttr = stringAttr(el, 'owner');
  if (ownerAttr !== undefined) {
    if (ownerAttr.trim() === '') {
      ctx.diags.error(WavesetCodes.BAD_VALUE, `owner='' on <${el.name}> names nobody`, el.attributeLocations.get('owner') ?? el.location);
    } else {
      owners.push({ kind: 'name', name: ownerAttr, location: el.attributeLocations.get('owner') ?? el.location });
    }
  }
  let timeoutEl: XmlElement | undefined;
  let timeoutExpression: Expr | undefined;
  let requestEl: XmlElement | undefined;
  let request = stringAttr(el, 'request');
  let requestExpression: Expr | undefined;
  const lists: Record<'ExposedVariables' | 'EditableVariables' | 'ViewVariables', XmlElement | undefined> = {
    ExposedVariables: undefined,
    EditableVariables: undefined,
    ViewVariables: undefined,
  };
  const names: Partial<Record<keyof typeof lists, string[]>> = {};
  let formEl: XmlElement | undefined;
  let form: ManualActionModel['form'];

  for (const c of children) {
    switch (c.name) {
      case 'Owner': {
        const o = readOwner(c, ctx);
        if (o) owners.push(o);
        break;
      }
      case 'Timeout':
        if (reportIfRepeated(c, el, timeoutEl, ctx)) break;
        timeoutEl = c;
        timeoutExpression = requireExpression(c, ctx, 'the timeout, e.g. <i>60</i>');
        break;
      case 'WorkItemRequest': {
        if (reportIfRepeated(c, el, requestEl, ctx)) break;
        requestEl = c;
        if (request !== undefined) {
          ctx.diags.error(WavesetCodes.BAD_VALUE, `${describeElement(el)} has both a request attribute and a <WorkItemRequest>; keep one`, c.location);
        }
        if (c.children.length > 0) requestExpression = compileValueChildren(c, expressionChildren(c, ctx), ctx);
        else if (textOf(c) !== '') request = textOf(c);
        else ctx.diags.error(WavesetCodes.MISSING_ELEMENT, `<WorkItemRequest> is empty; give the request text or an expression`, c.location);
        break;
      }
      case 'ExposedVariables':
      case 'EditableVariables':
      case 'ViewVariables':
        if (reportIfRepeated(c, el, lists[c.name], ctx)) break;
        lists[c.name] = c;
        names[c.name] = readNameList(c, ctx);
        break;
      case 'ObjectRef':
      case 'FormRef': {
        if (reportIfRepeated(c, el, formEl, ctx)) break;
        formEl = c;
        form = readFormRef(c, ctx);
        break;
      }
      default:
        reportUnknownElement(c, el, WORK_ITEM_CHILDREN, ctx);
    }
  }

  const itemType = stringAttr(el, 'itemType');
  const decisions: DecisionModel[] =
    itemType === undefined || APPROVAL_ITEM_TYPES.includes(itemType)
      ? [
          { name: 'approve', kind: 'complete' },
          { name: 'reject', kind: 'complete' },
        ]
      : [{ name: 'submit', kind: 'complete' }];

  return compact<ManualActionModel>({
    name: el.name === 'ManualAction' ? stringAttr(el, 'name') : undefined,
    owners,
    timeout: integerAttr(el, 'timeout', ctx, undefined),
    timeoutExpression,
    ignoreTimeout: booleanAttr(el, 'ignoreTimeout', ctx, false),
    itemType,
    authType: stringAttr(el, 'authType'),
    request,
    requestExpression,
    requester: stringAttr(el, 'requester'),
    exposedVariables: names.ExposedVariables,
    editableVariables: names.EditableVariables,
    viewVariables: names.ViewVariables,
    variables,
    returns,
    form,
    decisions,
    approval: readApproval(el, ctx),
    location: el.location,
  });
}

/**
 * The approval attributes, when `approvalMode` or `approvalScheme` is present. Literal modes, schemes and
 * escalations are checked here; those with `$(var)` when the items are put up.
 */
function readApproval(el: XmlElement, ctx: LoadContext): ApprovalModel | undefined {
  const get = (name: string): string | undefined => stringAttr(el, name);
  const mode = get('approvalMode');
  const scheme = get('approvalScheme');
  if (mode === undefined && scheme === undefined) {
    for (const name of APPROVAL_ATTRIBUTES) {
      if (el.attributes.has(name)) {
        ctx.diags.error(WavesetCodes.BAD_VALUE, `${name}= belongs to an approval; add approvalMode= or approvalScheme= to <${el.name}>`, el.attributeLocations.get(name) ?? el.location);
      }
    }
    return undefined;
  }
  const literal = (v: string | undefined): v is string => v !== undefined && !v.includes('$(');
  const check = (name: string, fn: () => unknown): void => {
    try {
      fn();
    } catch (e) {
      ctx.diags.error(WavesetCodes.BAD_VALUE, `${name}= ${(e as Error).message}`, el.attributeLocations.get(name) ?? el.location);
    }
  };
  if (literal(mode)) check('approvalMode', () => parseApprovalMode(mode));
  if (literal(scheme)) check('approvalScheme', () => parseApprovalScheme(scheme));
  const escalation = get('escalation');
  if (literal(escalation) && !['manager', 'none'].includes(escalation.trim().toLowerCase())) {
    ctx.diags.error(WavesetCodes.BAD_VALUE, `escalation='${escalation}' is not manager or none`, el.attributeLocations.get('escalation') ?? el.location);
  }
  return compact<ApprovalModel>({
    mode,
    scheme,
    subject: get('approvalSubject'),
    resource: get('approvalResource'),
    profile: get('approvalProfile'),
    person: get('approvalPerson'),
    fallback: get('approvalFallback'),
    escalation,
  });
}

/** `<Owner name='$(APPROVER)'/>`, `<Owner>Configurator</Owner>` or `<Owner><ref>approvers</ref></Owner>`. */
function readOwner(el: XmlElement, ctx: LoadContext): OwnerModel | undefined {
  checkAttributes(el, ['name'], ctx);
  const name = stringAttr(el, 'name');
  if (el.children.length > 0) {
    if (name !== undefined) {
      ctx.diags.error(WavesetCodes.BAD_VALUE, `<Owner> has both a name attribute and an expression; keep one`, el.children[0]!.location);
    }
    const expression = compileValueChildren(el, expressionChildren(el, ctx), ctx);
    return expression ? { kind: 'expression', expression, location: el.location } : undefined;
  }
  const owner = name ?? textOf(el);
  if (owner.trim() === '') {
    ctx.diags.error(WavesetCodes.MISSING_ATTRIBUTE, `<Owner> needs a name attribute or an expression naming the owner`, el.location);
    return undefined;
  }
  return { kind: 'name', name: owner, location: el.location };
}

/** The children of a value container that may form an expression; reports the others. */
function expressionChildren(el: XmlElement, ctx: LoadContext): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (c.name === 'expression' || isExpressionElement(c)) out.push(c);
    else reportUnknownElement(c, el, ['expression', 'an XPRESS expression'], ctx);
  }
  return out;
}

function requireExpression(el: XmlElement, ctx: LoadContext, example: string): Expr | undefined {
  checkAttributes(el, [], ctx);
  reportStrayText(el, ctx);
  if (el.children.length === 0) {
    ctx.diags.error(WavesetCodes.MISSING_ELEMENT, `<${el.name}> is empty; put an expression inside it giving ${example}`, el.location);
    return undefined;
  }
  return compileValueChildren(el, expressionChildren(el, ctx), ctx);
}

/**
 * `<ExposedVariables><List><String>a</String>…</List></ExposedVariables>` or plain `<String>` children
 * (the XPRESS spellings `<list>`/`<s>` are read the same way).
 */
function readNameList(el: XmlElement, ctx: LoadContext): string[] {
  checkAttributes(el, [], ctx);
  const out: string[] = [];
  const readString = (s: XmlElement): void => {
    const t = textOf(s);
    if (t === '') ctx.diags.error(WavesetCodes.BAD_VALUE, `<${s.name}> in <${el.name}> is empty; give a variable name`, s.location);
    else out.push(t);
  };
  for (const c of el.children) {
    if (c.name === 'List' || c.name === 'list') {
      for (const s of c.children) {
        if (s.name === 'String' || s.name === 's') readString(s);
        else reportUnknownElement(s, c, ['String'], ctx);
      }
    } else if (c.name === 'String' || c.name === 's') {
      readString(c);
    } else {
      reportUnknownElement(c, el, ['List', 'String'], ctx);
    }
  }
  return out;
}

/** `<ObjectRef type='UserForm' …/>`, `<FormRef name='…'/>` or `<FormRef><ObjectRef type='UserForm' …/></FormRef>`. */
function readFormRef(el: XmlElement, ctx: LoadContext): ManualActionModel['form'] {
  if (el.name === 'ObjectRef') return readObjectRef(el, ctx, 'UserForm');
  checkAttributes(el, ['name', 'id'], ctx);
  const inner = el.children;
  if (inner.length === 0) {
    const id = stringAttr(el, 'id');
    const name = stringAttr(el, 'name');
    if (!id && !name) {
      ctx.diags.error(WavesetCodes.MISSING_ATTRIBUTE, `<FormRef> needs a name or an id attribute, or an <ObjectRef type='UserForm'> inside`, el.location);
      return undefined;
    }
    return compact({ type: 'UserForm', id, name });
  }
  let ref: ManualActionModel['form'];
  for (const c of inner) {
    if (c.name === 'ObjectRef' && ref === undefined) ref = readObjectRef(c, ctx, 'UserForm');
    else reportUnknownElement(c, el, ['one ObjectRef'], ctx);
  }
  return ref;
}
