import type { TaskInstanceView, WorkItemView } from '../../engine/engine-api.js';
import { formatFittedTable, terminalWidth, type ListColumn } from '../list-output.js';
import { println, shortTime } from '../output.js';

/** The state as people read it: `executing (waiting)` while the instance waits on people or timers. */
export function stateText(t: TaskInstanceView): string {
  return t.state === 'executing' && t.waiting ? 'executing (waiting)' : t.state;
}

/** A TaskInstance in `key  value` lines (idflow run, idflow task show). */
export function printTaskInstance(t: TaskInstanceView, options: { readonly variables?: boolean } = {}): void {
  const lines: [string, string | undefined][] = [
    ['id', t.id],
    ['name', t.name],
    ['definition', `${t.definition.name} v${t.definition.version} (${t.definition.type} ${t.definition.id})`],
    ['state', stateText(t)],
    ['launcher', t.launcher],
    ['subject', t.subject],
    ['position', t.position.length ? t.position.join(', ') : undefined],
    ['steps', String(t.steps)],
    ['progress', t.progress ? `${t.progress.message} (${shortTime(t.progress.at)})` : undefined],
    ['created', shortTime(t.createdAt)],
    ['updated', shortTime(t.updatedAt)],
    ['finished', t.finishedAt ? shortTime(t.finishedAt) : undefined],
    ['expires', t.expiresAt ? shortTime(t.expiresAt) : undefined],
    ['outcome', t.result?.outcome],
    ['outputs', t.result && Object.keys(t.result.outputs).length ? JSON.stringify(t.result.outputs) : undefined],
    ['errors', t.result?.errors.length ? t.result.errors.join('; ') : undefined],
    ['messages', t.result?.messages.length ? t.result.messages.join('; ') : undefined],
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  for (const [k, v] of lines) if (v !== undefined) println(`${k.padEnd(width)}  ${v}`);
  if (t.history.length) {
    println('history:');
    for (const h of t.history) {
      const how = h.cancelled ? 'cancelled' : h.timedOut ? 'timed out' : h.decision ? `${h.decision} by ${h.actor ?? '?'}` : 'open';
      const when = h.completedAt ? shortTime(h.completedAt) : `since ${shortTime(h.enteredAt)}`;
      println(`  ${h.activity}: ${how} (${when})${h.comment ? ` "${h.comment}"` : ''}`);
    }
  }
  if (options.variables) {
    const names = Object.keys(t.variables).sort();
    if (names.length) {
      println('variables:');
      for (const n of names) println(`  ${n} = ${JSON.stringify(t.variables[n])}`);
    }
  }
}

/** The columns of a work-item table; `--fields` takes their names. */
export const WORK_ITEM_COLUMNS: readonly ListColumn<WorkItemView>[] = [
  { name: 'id', text: (w) => w.id, keep: true },
  { name: 'owner', text: (w) => w.owner ?? (w.permission ? `(${w.permission})` : ''), json: (w) => w.owner ?? null },
  { name: 'permission', text: (w) => w.permission ?? '', optional: true },
  { name: 'definition', text: (w) => w.definition },
  { name: 'activity', text: (w) => w.activity },
  { name: 'request', text: (w) => w.request },
  { name: 'decisions', text: (w) => w.decisions.join('|'), json: (w) => w.decisions },
  { name: 'due', text: (w) => shortTime(w.dueAt), json: (w) => w.dueAt ?? null },
  { name: 'state', text: (w) => w.state },
  { name: 'created', text: (w) => shortTime(w.createdAt), json: (w) => w.createdAt, optional: true },
  { name: 'instance', text: (w) => w.instanceId, optional: true, keep: true },
  { name: 'decision', text: (w) => w.decision ?? '', optional: true },
  { name: 'decided-by', text: (w) => w.decidedBy ?? '', optional: true },
];

/** Work items as a table (after run/decide; `idflow workitems` prints them through printList). */
export function printWorkItems(items: readonly WorkItemView[]): void {
  println(formatFittedTable(items, WORK_ITEM_COLUMNS.filter((c) => !c.optional), terminalWidth()));
}

/** `open work items:` and their table, when there are any (after run, decide, task show, task watch). */
export function printOpenWorkItems(items: readonly WorkItemView[]): void {
  if (items.length === 0) return;
  println('open work items:');
  printWorkItems(items);
}
