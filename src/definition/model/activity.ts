import type { SourceLocation } from '../diagnostic.js';
import type { ActionModel } from './action.js';
import type { AspectModel } from './aspect.js';
import type { TransitionModel } from './transition.js';
import type { VariableDecl } from './variable.js';

/**
 * For activities compiled from a Netwrix template: which template state this activity is.
 * `final` marks the end states (Executed/Approved continue to the next template activity through a
 * transition; Declined and Aborted end the instance; Purged is reached only by Purge).
 */
export interface TemplateStateModel {
  /** Netwrix activity identifier, e.g. `Request`. */
  readonly activity: string;
  /** One of the seven template names. */
  readonly template: string;
  /** Full state name, e.g. `ActionWithRefine-ActionPending`. */
  readonly state: string;
  /** Short state name used in permissions, e.g. `ActionPending`. */
  readonly shortState: string;
  readonly outcome?: 'success' | 'declined' | 'aborted' | 'purged';
  /** Permission for acting in this state; absent for system states. */
  readonly permission?: string;
}

/** One step of a process. */
export interface ActivityModel {
  /** Waveset `id` (sequential integers in file order), or a generated one. */
  readonly id: string;
  /** Unique within the process; transitions refer to it. */
  readonly name: string;
  readonly title?: string;
  readonly comments?: string;
  readonly variables: readonly VariableDecl[];
  readonly actions: readonly ActionModel[];
  readonly transitions: readonly TransitionModel[];
  /** `and`: take every true transition in parallel (attribute `andSplit='true'`). Default `xor`. */
  readonly split: 'xor' | 'and';
  /** `and`: wait until every incoming branch has arrived (attribute `andJoin='true'`). Default `xor`. */
  readonly join: 'xor' | 'and';
  /** `<WorkflowEditor x='' y=''/>` position, kept for diagrams. */
  readonly editor?: { readonly x: number; readonly y: number };
  readonly template?: TemplateStateModel;
  /** Netwrix aspects run on entering (before) and leaving (after) this state, sorted by priority, highest first. */
  readonly aspects?: { readonly before: readonly AspectModel[]; readonly after: readonly AspectModel[] };
  readonly location: SourceLocation;
}
