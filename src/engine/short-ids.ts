import { nearestNames } from '../definition/validate/suggest.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import type { RuntimeStore } from '../repository/runtime-store.js';
import { escapeControls } from '../identity/subject-key.js';
import { TaskNotFoundError } from './engine-errors.js';

/**
 * Short ids, as git takes short commit hashes. TaskInstance ids are time-ordered UUIDs, so every id made the same
 * day starts alike (`01a1fcda-b46e-7…`); what tells them apart is the random last group. A TaskInstance may
 * therefore be named by its whole id, a unique prefix of it, or a unique prefix of its last group (`3f9a2c`); a work
 * item by its whole id, a unique prefix of it or of its tail (`3f9a2c` when that instance has one work item), or
 * `<short task id>.<n>` (`3f9a2c.2`). Shorter than {@link MIN_PREFIX} characters, only a whole id counts.
 *
 * Ambiguity is refused (`TASK_ID_AMBIGUOUS`, `WORKITEM_ID_AMBIGUOUS`) with the candidates; nothing is guessed.
 * What was typed is echoed with control characters escaped: it is printed to a terminal.
 */
export const MIN_PREFIX = 4;

/** Candidates listed in an ambiguity error. */
const MAX_LISTED = 10;

const INSTANCE_PREFIX = /^[0-9a-f-]+$/;

export async function resolveTaskId(store: RuntimeStore, text: string): Promise<string> {
  if (await store.getInstance(text)) return text;
  const prefix = text.trim().toLowerCase();
  if (prefix.length < MIN_PREFIX || !INSTANCE_PREFIX.test(prefix)) throw notFound(text, await nearestTasks(store, prefix));
  const ids = await store.findInstanceIds(prefix, MAX_LISTED + 1);
  if (ids.length === 1) return ids[0]!;
  if (ids.length === 0) throw notFound(text, await nearestTasks(store, prefix));
  throw ambiguous('TASK_ID_AMBIGUOUS', 'task instances', text, ids);
}

/** Unfinished instances looked at for "did you mean": the ones people act on. */
const NEAREST_POOL = 500;

/**
 * A mistyped short id (two digits swapped, one wrong): the unfinished instances whose id, or last group, starts with
 * something within typo distance of it.
 */
async function nearestTasks(store: RuntimeStore, text: string): Promise<string[]> {
  if (text.length < MIN_PREFIX) return [];
  const ids = (await store.listInstances({ states: ['ready', 'executing', 'suspended'], limit: NEAREST_POOL })).map((i) => i.id);
  return nearestIds(text, ids, (id) => shortForms(id, text.length, ''));
}

/** The same for open work items; `TASK.N` is compared with the short forms of the same length. */
async function nearestWorkItems(store: RuntimeStore, text: string): Promise<string[]> {
  const dot = text.lastIndexOf('.');
  const task = dot > 0 ? text.slice(0, dot) : text;
  if (task.length < MIN_PREFIX) return [];
  const ids = (await store.listWorkItems({ state: 'open', limit: NEAREST_POOL })).map((w) => w.id);
  return nearestIds(text, ids, (id) => (dot <= 0 ? shortForms(id, text.length, '') : shortForms(id, task.length, id.slice(id.lastIndexOf('.')))));
}

/**
 * The forms of `id` a typed short id of `length` characters is compared with: the start of its last group, and the
 * start of the whole id only when most of it was typed (ids made the same day share their first characters, so a
 * short start says nothing about which one was meant).
 */
function shortForms(id: string, length: number, suffix: string): string[] {
  const forms = [id.slice(24, 24 + length) + suffix];
  if (length > 24) forms.push(id.slice(0, length) + suffix);
  return forms;
}

function nearestIds(text: string, ids: readonly string[], forms: (id: string) => string[]): string[] {
  const byForm = new Map<string, string>();
  for (const id of ids) for (const form of forms(id)) if (!byForm.has(form)) byForm.set(form, id);
  return [...new Set(nearestNames(text, [...byForm.keys()]).map((form) => byForm.get(form)!))];
}

export async function resolveWorkItemId(store: RuntimeStore, text: string): Promise<string> {
  if (await store.getWorkItem(text)) return text;
  const short = text.trim().toLowerCase();
  const dotted = /^([0-9a-f-]+)\.(\d+)$/.exec(short);
  if (dotted) {
    // `<short task id>.<n>`: the task part resolves as a task id does, the number must exist in that instance.
    const taskText = dotted[1]!;
    const instanceId = await resolveTaskId(store, taskText).catch(async (e: unknown) => {
      if (e instanceof TaskNotFoundError) throw workItemNotFound(text, undefined, await nearestWorkItems(store, short));
      throw e;
    });
    const id = `${instanceId}.${dotted[2]}`;
    if (await store.getWorkItem(id)) return id;
    const items = await store.listWorkItems({ instanceId });
    throw workItemNotFound(text, items.length > 0 ? `; task instance ${instanceId} has ${items.map((w) => `${w.id} (${w.state})`).join(', ')}` : undefined);
  }
  if (short.length < MIN_PREFIX || !INSTANCE_PREFIX.test(short)) throw workItemNotFound(text, undefined, await nearestWorkItems(store, short));
  const ids = await store.findWorkItemIds(short, MAX_LISTED + 1);
  if (ids.length === 1) return ids[0]!;
  if (ids.length === 0) throw workItemNotFound(text, undefined, await nearestWorkItems(store, short));
  throw ambiguous('WORKITEM_ID_AMBIGUOUS', 'work items', text, ids);
}

function notFound(text: string, near: readonly string[]): TaskNotFoundError {
  const hint =
    near.length > 0
      ? `; did you mean ${near.join(' or ')}?`
      : '; give the whole id, or at least 4 characters of its start or of its last group (`idflow tasks` lists them)';
  return new TaskNotFoundError(escapeControls(text), undefined, hint);
}

function workItemNotFound(text: string, hint?: string, near: readonly string[] = []): NotFoundError {
  const why =
    hint ??
    (near.length > 0
      ? `; did you mean ${near.join(' or ')}?`
      : '; give the whole id, a unique start of it, or TASK.N (`idflow workitems` lists the open ones)');
  const shown = escapeControls(text);
  return new NotFoundError('WORKITEM_NOT_FOUND', `no work item ${shown}${why}`, { workItemId: shown, ...(near.length > 0 && { near: [...near] }) });
}

function ambiguous(code: string, what: string, text: string, ids: readonly string[]): InvalidInputError {
  const listed = ids.slice(0, MAX_LISTED);
  const more = ids.length > MAX_LISTED ? ' and more' : '';
  // Trimmed before the search, so a typed tab or newline can reach here: escaped like the not-found messages.
  const shown = escapeControls(text);
  return new InvalidInputError(code, `${shown} is the start of ${listed.length}${more} ${what}: ${listed.join(', ')}${more ? ', …' : ''}; give more characters`, {
    prefix: shown,
    candidates: listed,
  });
}
