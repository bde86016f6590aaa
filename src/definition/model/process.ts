import type { SourceLocation } from '../diagnostic.js';
import type { ActivityModel } from './activity.js';
import type { VariableDecl } from './variable.js';

/**
 * A process (Waveset `WFProcess`, or a Netwrix workflow compiled into template states): the graph the engine runs.
 * Plain JSON: `JSON.parse(JSON.stringify(p))` is equal to `p`.
 */
export interface ProcessModel {
  readonly name: string;
  readonly title?: string;
  /** As written; 0 means the default (5000). */
  readonly maxSteps: number;
  readonly comments?: string;
  readonly variables: readonly VariableDecl[];
  /** In document order. */
  readonly activities: readonly ActivityModel[];
  /** Name of the first activity (Waveset `start`, or the first activity; Netwrix: the first template state). */
  readonly start: string;
  readonly location: SourceLocation;
}
