import type { ListPaging, RuntimeStore } from '../repository/runtime-store.js';
import type { ListOrder, PermissionResolver, WorkItemFilter, WorkItemView } from './engine-api.js';
import { mayDecide } from '../access/may-decide.js';
import { toWorkItemView } from './task-view.js';

/**
 * The work items a filter selects; with an owner, exactly those that person may decide (an inbox). What
 * `Engine.listWorkItems` answers, in a module of its own so that a command that only lists (`idflow workitems`)
 * need not load the interpreter to answer it.
 */
export async function listWorkItems(store: RuntimeStore, resolver: PermissionResolver | undefined, filter: WorkItemFilter = {}): Promise<WorkItemView[]> {
  let permissions = resolver;
  // When the resolver can list what the person holds, the inbox is one query by that list (limit included: every
  // row it returns is decidable) and the check below a set lookup, not a resolver call per offered item.
  const held = filter.owner !== undefined && permissions?.held ? new Set(await permissions.held(filter.owner)) : undefined;
  if (held) permissions = (_person: string, permission: string) => held.has(permission);
  const rows = await store.listWorkItems({
    ...(filter.owner !== undefined &&
      (held
        ? { owner: filter.owner, permissions: [...held], ...(filter.limit !== undefined && { limit: filter.limit }) }
        : { owner: filter.owner, includePermissionItems: permissions !== undefined })),
    // Without an owner every row is listed: the store stops at the limit.
    ...(filter.owner === undefined && filter.limit !== undefined && { limit: filter.limit }),
    ...(filter.instanceId !== undefined && { instanceId: filter.instanceId }),
    ...pagingOf(filter),
    state: filter.state ?? 'open',
  });
  const views = rows.map(toWorkItemView);
  const mine: WorkItemView[] = [];
  for (const v of views) {
    // The inbox of a person is exactly what mayDecide lets them decide.
    if (filter.owner === undefined || (await mayDecide(filter.owner, v, permissions)).allowed) mine.push(v);
    if (filter.limit !== undefined && mine.length >= filter.limit) break;
  }
  return mine;
}

/** A list's order and paging, as the store takes them. */
export function pagingOf(filter: ListOrder): ListPaging {
  return {
    ...(filter.order !== undefined && { order: filter.order }),
    ...(filter.after !== undefined && { after: filter.after }),
    ...(filter.since !== undefined && { createdFrom: filter.since }),
    ...(filter.until !== undefined && { createdTo: filter.until }),
  };
}
