/**
 * Links aspects to the template states their PointCuts name, over a whole load set (an aspect may live in another
 * file than its workflow). Each aspect stays an object of its own and is also copied into the `aspects.before` /
 * `aspects.after` of the ActivityModel of that state, so the engine needs no lookup at run time.
 */
import type { DiagnosticBag } from '../diagnostic.js';
import type { ActivityModel } from '../model/activity.js';
import type { AspectModel } from '../model/aspect.js';
import type { DefinitionObject, WorkflowObject } from '../model/objects.js';
import { templateActivityName } from './compile-workflow.js';
import { TEMPLATES, parseStateName, stateName, withArticle, type TemplateName } from './templates.js';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** Highest priority first; equal priorities by identifier, so the order does not depend on file order. */
function byPriority(a: AspectModel, b: AspectModel): number {
  return b.priority - a.priority || a.identifier.localeCompare(b.identifier);
}

/** The workflows of a load set by name (the first of a duplicated name; duplicates are reported elsewhere). */
export function workflowsByName(objects: readonly DefinitionObject[]): Map<string, WorkflowObject> {
  const map = new Map<string, WorkflowObject>();
  for (const o of objects) if (o.type === 'Workflow' && !map.has(o.name)) map.set(o.name, o);
  return map;
}

/**
 * Fills `aspects` on every template ActivityModel of the set's workflows from the set's aspects, replacing what
 * was there (so linking twice gives the same result). Mutates the workflow objects in place.
 *
 * - PointCut naming a workflow not in the set: warning `NETWRIX_POINTCUT_UNRESOLVED` (the workflow may be in the
 *   repository; the aspect is linked into it only when both are linked together).
 * - PointCut naming an activity that a workflow of the set lacks: error `NETWRIX_POINTCUT_UNRESOLVED`.
 * - PointCut naming a state that is not a state of that activity's template: error `NETWRIX_UNKNOWN_STATE`.
 * Validation does not check PointCuts again; this is the only place.
 */
export function linkAspects(objects: readonly DefinitionObject[], diags: DiagnosticBag): void {
  const workflows = workflowsByName(objects);
  const buckets = new Map<ActivityModel, { before: AspectModel[]; after: AspectModel[] }>();
  for (const o of objects) {
    if (o.type !== 'Aspect') continue;
    const aspect = o.aspect;
    for (const pc of aspect.pointCuts) {
      const [workflowName = '', activityId = ''] = pc.activity.split(':');
      const workflow = workflows.get(workflowName);
      if (!workflow) {
        diags.warning(
          'NETWRIX_POINTCUT_UNRESOLVED',
          `aspect "${aspect.identifier}" is not linked to ${pc.activity}: workflow "${workflowName}" is not in the files loaded; ` +
            `the aspect runs there only once it is linked with that workflow (load or import them together)`,
          pc.location,
        );
        continue;
      }
      const decl = workflow.activities.find((a) => a.identifier === activityId);
      if (!decl) {
        // The workflow is right here, so its activities are known for certain: a typo would leave a dead aspect.
        diags.error(
          'NETWRIX_POINTCUT_UNRESOLVED',
          `aspect "${aspect.identifier}": workflow "${workflowName}" has no activity "${activityId}"; its activities are ${workflow.activities.map((a) => a.identifier).join(', ')}`,
          pc.location,
        );
        continue;
      }
      const template = TEMPLATES[decl.template as TemplateName];
      const parsed = parseStateName(pc.activityState);
      if (!parsed || parsed.template.name !== template.name) {
        diags.error(
          'NETWRIX_UNKNOWN_STATE',
          `aspect "${aspect.identifier}": ${pc.activity} is ${withArticle(template.name)} activity, which has no state ${pc.activityState}; its states are ${template.states.map((s) => stateName(template.name, s.short)).join(', ')}`,
          pc.location,
        );
        continue;
      }
      const target = templateActivityName(decl.identifier, decl.template, parsed.state.short);
      const activity = workflow.process.activities.find((a) => a.name === target);
      if (!activity) continue; // Cannot happen for a compiled workflow; a hand-made object is validation's business.
      const bucket = buckets.get(activity) ?? { before: [], after: [] };
      buckets.set(activity, bucket);
      const list = pc.mode === 'Before' ? bucket.before : bucket.after;
      if (!list.includes(aspect)) list.push(aspect);
    }
  }
  for (const workflow of workflows.values()) {
    for (const activity of workflow.process.activities) {
      if (!activity.template) continue;
      const writable = activity as Writable<ActivityModel>;
      const bucket = buckets.get(activity);
      if (bucket) writable.aspects = { before: bucket.before.sort(byPriority), after: bucket.after.sort(byPriority) };
      else delete writable.aspects;
    }
  }
}
