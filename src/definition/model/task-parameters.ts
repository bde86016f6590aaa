/**
 * The TaskDefinition parameters (reference waveset §1.2, DESIGN.md). Loaders fill every field, applying defaults,
 * so the engine never guesses.
 */
export interface TaskParameters {
  /** `sync | async | asyncImmediate`; null/absent/`DEFAULT` means async. */
  readonly execMode: 'sync' | 'async' | 'asyncImmediate';
  /** May a launch request ask for another mode than execMode. @default true */
  readonly syncControlAllowed: boolean;
  /** May the instance be suspended and resumed. @default true */
  readonly suspendable: boolean;
  /** Seconds an instance may run before it is terminated; 0 = no limit. @default 0 */
  readonly execLimit: number;
  /** Seconds a finished instance is kept; 0 = deleted at once, -1 = kept forever. @default 0 */
  readonly resultLimit: number;
  /** What to do when a TaskInstance of the same name exists. @default 'delete' */
  readonly resultOption: 'wait' | 'delete' | 'rename' | 'terminate';
  /** Continue to the next manual action of the same person at once (wizard-style). @default false */
  readonly wizard: boolean;
  /** Who may launch or schedule it. @default 'runschedule' */
  readonly visibility: 'runschedule' | 'invisible' | 'run' | 'schedule';
  /** Progress update interval in ms. @default 5000 */
  readonly progressInterval: number;
  /** `taskType`, for filtering only. @default 'Workflow' */
  readonly taskType: string;
  readonly executor?: string;
  readonly authType?: string;
}

export const DEFAULT_TASK_PARAMETERS: TaskParameters = Object.freeze({
  execMode: 'async',
  syncControlAllowed: true,
  suspendable: true,
  execLimit: 0,
  resultLimit: 0,
  resultOption: 'delete',
  wizard: false,
  visibility: 'runschedule',
  progressInterval: 5000,
  taskType: 'Workflow',
});
