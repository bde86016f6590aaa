/**
 * PLACEHOLDER — defined by the engine runtime work: TaskInstances, work items, schedules, audit events,
 * subject locks and the side-effect ledger. Async, so PostgreSQL can implement it too.
 */
export interface RuntimeStore {
  readonly kind: 'runtime';
}
