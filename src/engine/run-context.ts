import type { RunContext } from './interpreter/interpreter-types.js';
import type { EngineContext } from './engine-context.js';

/** The interpreter's view of the world for one advance of one instance. */
export function makeRunContext(
  ctx: EngineContext,
  instance: { readonly id: string; readonly launcher: string; readonly subject: string | null },
  now: number,
): RunContext {
  return {
    instanceId: instance.id,
    now,
    launcher: instance.launcher,
    ...(instance.subject !== null && { subject: instance.subject }),
    resolveOperation: (op, application) => ctx.operations.resolveOperation(op, application),
    resolveProcess: (name) => ctx.definitions.process(name),
    resolveRule: (name) => ctx.definitions.rule(name),
  };
}
