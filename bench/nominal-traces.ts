/**
 * What the engine is designed to write per instance (DESIGN.md "Fast by design"), used for the bare-SQLite
 * baseline only while the engine cannot be run to record its real commits. Reports mark these rows `nominal`.
 */
import type { ScenarioName } from './idflow-scenarios.js';
import type { CommitShape, WriteTrace } from './write-recorder.js';

const STATE_BYTES = 700;
const AUDIT_BYTES = 200;
const ITEM_BYTES = 400;
const BATCH = 100;

function repeat(shape: CommitShape, times: number): CommitShape[] {
  return Array.from({ length: times }, () => shape);
}

export function nominalTrace(scenario: ScenarioName): WriteTrace {
  switch (scenario) {
    case 'a-async':
      // One commit per launch (instance row + launch audit), then one commit per worker batch.
      return {
        instances: BATCH,
        commits: [
          ...repeat(
            {
              writes: [
                { table: 'task_instances', op: 'insert', rows: 1, bytes: STATE_BYTES },
                { table: 'audit_events', op: 'insert', rows: 1, bytes: AUDIT_BYTES },
              ],
            },
            BATCH,
          ),
          {
            writes: [
              { table: 'task_instances', op: 'update', rows: BATCH, bytes: BATCH * STATE_BYTES },
              { table: 'audit_events', op: 'insert', rows: BATCH, bytes: BATCH * AUDIT_BYTES },
            ],
          },
        ],
      };
    case 'a-sync':
      return {
        instances: 1,
        commits: [
          {
            writes: [
              { table: 'task_instances', op: 'insert', rows: 1, bytes: STATE_BYTES },
              { table: 'audit_events', op: 'insert', rows: 2, bytes: 2 * AUDIT_BYTES },
            ],
          },
        ],
      };
    case 'b':
      return {
        instances: 1,
        commits: [
          {
            writes: [
              { table: 'task_instances', op: 'insert', rows: 1, bytes: STATE_BYTES },
              { table: 'work_items', op: 'insert', rows: 1, bytes: ITEM_BYTES },
              { table: 'audit_events', op: 'insert', rows: 1, bytes: AUDIT_BYTES },
            ],
          },
          {
            writes: [
              { table: 'task_instances', op: 'update', rows: 1, bytes: STATE_BYTES },
              { table: 'work_items', op: 'update', rows: 1, bytes: ITEM_BYTES },
              { table: 'audit_events', op: 'insert', rows: 2, bytes: 2 * AUDIT_BYTES },
            ],
          },
        ],
      };
  }
}
