import { InvalidInputError, NotFoundError } from '../errors.js';
import type { RuntimeStore } from '../repository/runtime-store.js';
import { TaskNotFoundError } from './engine-errors.js';

/**
 * Short ids, as git takes short commit hashes. TaskInstance ids are time-ordered UUIDs, so every id made the same
 * day starts alike (`01a1fcda-b46e-7…`); what tells them apart is the random last group. A TaskInstance may
 * therefore be named by its whole id, a unique prefix of it, or a unique prefix of its last group (`3f9a2c`); a work
 * item by its whole id, a unique prefix of it or of its tail (`3f9a2c` when that instance has one work item), or
 * `<short task id>.<n>` (`3f9a2c.2`). Shorter than {@link MIN_PREFIX} characters, only a whole id counts.
 *
 * Ambiguity is refused (`TASK_ID_AMBIGUOUS`, `WORKITEM_ID_AMBIGUOUS`) with the candidates; nothing is guessed.
 */
export const MIN_PREFIX = 4;

/** Candidates listed in an ambiguity error. */
const MAX_LISTED = 10;

const INSTANCE_PREFIX = /^[0-9a-f-]+$/;

export async function resolveTaskId(store: RuntimeStore, text: string): Promise<string> {
  if (await store.getInstance(text)) return text;
  const prefix = text.trim().toLowerCase();
  if (prefix.length < MIN_PREFIX || !INSTANCE_PREFIX.test(prefix)) throw notFound(text);
  const ids = await store.findInstanceIds(prefix, MAX_LISTED + 1);
  if (ids.length === 1) return ids[0]!;
  if (ids.length === 0) throw notFound(text);
  throw ambiguous('TASK_ID_AMBIGUOUS', 'task instances', text, ids);
}

export async function resolveWorkItemId(store: RuntimeStore, text: string): Promise<string> {
  if (await store.getWorkItem(text)) return text;
  const short = text.trim().toLowerCase();
  const dotted = /^([0-9a-f-]+)\.(\d+)$/.exec(short);
  if (dotted) {
    // `<short task id>.<n>`: the task part resolves as a task id does, the number must exist in that instance.
    const taskText = dotted[1]!;
    const instanceId = await resolveTaskId(store, taskText).catch((e: unknown) => {
      if (e instanceof TaskNotFoundError) throw workItemNotFound(text);
      throw e;
    });
    const id = `${instanceId}.${dotted[2]}`;
    if (await store.getWorkItem(id)) return id;
    const items = await store.listWorkItems({ instanceId });
    throw workItemNotFound(text, items.length > 0 ? `; task instance ${instanceId} has ${items.map((w) => `${w.id} (${w.state})`).join(', ')}` : undefined);
  }
  if (short.length < MIN_PREFIX || !INSTANCE_PREFIX.test(short)) throw workItemNotFound(text);
  const ids = await store.findWorkItemIds(short, MAX_LISTED + 1);
  if (ids.length === 1) return ids[0]!;
  if (ids.length === 0) throw workItemNotFound(text);
  throw ambiguous('WORKITEM_ID_AMBIGUOUS', 'work items', text, ids);
}

function notFound(text: string): TaskNotFoundError {
  return new TaskNotFoundError(text, undefined, '; give the whole id, or at least 4 characters of its start or of its last group (`idflow tasks` lists them)');
}

function workItemNotFound(text: string, hint = '; give the whole id, a unique start of it, or TASK.N (`idflow workitems` lists the open ones)'): NotFoundError {
  return new NotFoundError('WORKITEM_NOT_FOUND', `no work item ${text}${hint}`, { workItemId: text });
}

function ambiguous(code: string, what: string, text: string, ids: readonly string[]): InvalidInputError {
  const listed = ids.slice(0, MAX_LISTED);
  const more = ids.length > MAX_LISTED ? ' and more' : '';
  return new InvalidInputError(code, `${text} is the start of ${listed.length}${more} ${what}: ${listed.join(', ')}${more ? ', …' : ''}; give more characters`, {
    prefix: text,
    candidates: listed,
  });
}
