/**
 * The two calls the runtime makes into the interpreter. A port (not a direct import at every call site) so the
 * runtime depends on one seam; `openEngine` binds it to src/engine/interpreter/interpreter.ts.
 */
import type { ProcessObject } from '../definition/model/objects.js';
import type { XValue } from '../expression/env.js';
import type { AdvanceOutcome, InstanceState, ResumeEvent, RunContext } from './interpreter/interpreter-types.js';

export interface InterpreterPort {
  /** Runs a new instance from its start activity up to the first wait state or the end. */
  start(definition: ProcessObject, inputs: Readonly<Record<string, XValue>>, ctx: RunContext): AdvanceOutcome | Promise<AdvanceOutcome>;
  /** Continues an instance after a decision or a timer, up to the next wait state or the end. */
  resume(definition: ProcessObject, state: InstanceState, event: ResumeEvent, ctx: RunContext): AdvanceOutcome | Promise<AdvanceOutcome>;
}
