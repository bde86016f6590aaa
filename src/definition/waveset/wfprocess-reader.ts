import type { LoadContext } from '../load-context.js';
import type { ActivityModel } from '../model/activity.js';
import type { ProcessModel } from '../model/process.js';
import type { XmlElement } from '../xml/xml-element.js';
import { checkAttributes, compact, integerAttr, stringAttr } from './attribute-types.js';
import { readActivity } from './activity-reader.js';
import { joinTexts, reportStrayText, reportUnknownElement } from './child-elements.js';
import { reportDuplicateNames } from './unique-names.js';
import { readVariables } from './variable-reader.js';

const WFPROCESS_ATTRIBUTES = ['name', 'title', 'maxSteps'] as const;
const WFPROCESS_CHILDREN = ['Comments', 'Variable', 'Activity'] as const;

/**
 * `<WFProcess name=… title=… maxSteps=…>` with `<Comments>`, process `<Variable>`s and `<Activity>`s.
 * `ownerName` (the TaskDefinition or Configuration name) names the process when the WFProcess has no name, as in
 * real exports. The start is the activity named `start`, else the first one; graph checks belong to validation.
 */
export function readWFProcess(el: XmlElement, ownerName: string, ctx: LoadContext): ProcessModel {
  checkAttributes(el, WFPROCESS_ATTRIBUTES, ctx);
  reportStrayText(el, ctx);
  const comments: XmlElement[] = [];
  const variables: XmlElement[] = [];
  const activities: ActivityModel[] = [];
  let index = 0;
  for (const c of el.children) {
    if (c.name === 'Comments') comments.push(c);
    else if (c.name === 'Variable') variables.push(c);
    else if (c.name === 'Activity') {
      const a = readActivity(c, index++, ctx);
      if (a) activities.push(a);
    } else reportUnknownElement(c, el, WFPROCESS_CHILDREN, ctx);
  }
  const name = stringAttr(el, 'name')?.trim() || ownerName;
  const where = `process '${name}'`;
  reportDuplicateNames(activities, 'activity', where, ctx);
  const vars = readVariables(variables, where, ctx);
  const start = activities.find((a) => a.name === 'start')?.name ?? activities[0]?.name ?? '';
  return compact<ProcessModel>({
    name,
    title: stringAttr(el, 'title'),
    maxSteps: integerAttr(el, 'maxSteps', ctx, 0, 0),
    comments: joinTexts(comments),
    variables: vars,
    activities,
    start,
    location: el.location,
  });
}
