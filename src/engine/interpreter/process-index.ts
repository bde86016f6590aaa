/**
 * Activity lookup by name, built once per process model and cached on the (immutable) model object, so an
 * advance never scans the activity list.
 */
import type { ActivityModel } from '../../definition/model/activity.js';
import type { ProcessModel } from '../../definition/model/process.js';

export interface ProcessIndex {
  readonly model: ProcessModel;
  readonly activities: ReadonlyMap<string, ActivityModel>;
  /** Name of the first activity that is a Netwrix template state, if any (owned by the requester). */
  readonly firstTemplateActivity?: string;
}

/** Structural view of ProcessObject used when only `.process` matters. */
export interface ProcessObjectLike {
  readonly name: string;
  readonly process?: ProcessModel;
}

const cache = new WeakMap<ProcessModel, ProcessIndex>();

export function indexProcess(model: ProcessModel): ProcessIndex {
  let idx = cache.get(model);
  if (!idx) {
    const activities = new Map<string, ActivityModel>();
    for (const a of model.activities) activities.set(a.name, a);
    idx = { model, activities, firstTemplateActivity: model.activities.find((a) => a.template)?.template?.activity };
    cache.set(model, idx);
  }
  return idx;
}
