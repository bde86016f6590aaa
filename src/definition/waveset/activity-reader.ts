import type { LoadContext } from '../load-context.js';
import type { ActionModel } from '../model/action.js';
import type { ActivityModel } from '../model/activity.js';
import type { TransitionModel } from '../model/transition.js';
import type { XmlElement } from '../xml/xml-element.js';
import { booleanAttr, checkAttributes, compact, describeElement, integerAttr, requiredAttr, stringAttr } from './attribute-types.js';
import { actionFromManualAction, readAction } from './action-reader.js';
import { joinTexts, reportIfRepeated, reportStrayText, reportUnknownElement } from './child-elements.js';
import { readTransition } from './transition-reader.js';
import { readVariables } from './variable-reader.js';

const ACTIVITY_ATTRIBUTES = ['id', 'name', 'title', 'andSplit', 'andJoin'] as const;
const ACTIVITY_CHILDREN = ['Comments', 'Variable', 'Action', 'ManualAction', 'Transition', 'WorkflowEditor'] as const;

/**
 * `<Activity id='1' name='Approve' title='…' andSplit='true' andJoin='true'>` with `<Comments>`, activity-level
 * `<Variable>`s, `<Action>`s and `<ManualAction>`s (in document order), `<Transition>`s (order kept: the first true
 * one wins) and a `<WorkflowEditor x y/>` position. `index` is its position in the process, its id when it has none.
 * Returns undefined without a name.
 */
export function readActivity(el: XmlElement, index: number, ctx: LoadContext): ActivityModel | undefined {
  checkAttributes(el, ACTIVITY_ATTRIBUTES, ctx);
  reportStrayText(el, ctx);
  const name = requiredAttr(el, 'name', ctx, 'transitions refer to activities by name');
  const comments: XmlElement[] = [];
  const variables: XmlElement[] = [];
  const actions: ActionModel[] = [];
  const transitions: TransitionModel[] = [];
  let editorEl: XmlElement | undefined;
  let editor: ActivityModel['editor'];
  let actionIndex = 0;
  for (const c of el.children) {
    switch (c.name) {
      case 'Comments':
        comments.push(c);
        break;
      case 'Variable':
        variables.push(c);
        break;
      case 'Action': {
        const a = readAction(c, actionIndex++, ctx);
        if (a) actions.push(a);
        break;
      }
      case 'ManualAction':
        actions.push(actionFromManualAction(c, actionIndex++, ctx));
        break;
      case 'Transition': {
        const t = readTransition(c, ctx);
        if (t) transitions.push(t);
        break;
      }
      case 'WorkflowEditor':
        if (reportIfRepeated(c, el, editorEl, ctx)) break;
        editorEl = c;
        editor = readEditorPosition(c, ctx);
        break;
      default:
        reportUnknownElement(c, el, ACTIVITY_CHILDREN, ctx);
    }
  }
  const vars = readVariables(variables, `activity ${describeElement(el)}`, ctx);
  const split = booleanAttr(el, 'andSplit', ctx, false) ? 'and' : 'xor';
  const join = booleanAttr(el, 'andJoin', ctx, false) ? 'and' : 'xor';
  if (name === undefined) return undefined;
  return compact<ActivityModel>({
    id: stringAttr(el, 'id') ?? String(index),
    name,
    title: stringAttr(el, 'title'),
    comments: joinTexts(comments),
    variables: vars,
    actions,
    transitions,
    split,
    join,
    editor,
    location: el.location,
  });
}

/** `<WorkflowEditor x='81' y='9'/>`: the Business Process Editor's position of the activity. */
function readEditorPosition(el: XmlElement, ctx: LoadContext): ActivityModel['editor'] {
  checkAttributes(el, ['x', 'y'], ctx);
  for (const c of el.children) reportUnknownElement(c, el, ['nothing (<WorkflowEditor> is empty)'], ctx);
  const x = integerAttr(el, 'x', ctx, undefined);
  const y = integerAttr(el, 'y', ctx, undefined);
  if (x === undefined || y === undefined) {
    if (!el.attributes.has('x') || !el.attributes.has('y')) requiredAttr(el, el.attributes.has('x') ? 'y' : 'x', ctx);
    return undefined;
  }
  return { x, y };
}
