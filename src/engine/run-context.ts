import type { RunContext } from './interpreter/interpreter-types.js';
import type { EngineContext } from './engine-context.js';
import { IdentityOverlay } from '../identity/identity-overlay.js';
import { directoryOver } from '../approvals/approver-directory.js';

/** What a run context takes from the engine alone, the same for every advance. */
type EngineParts = Pick<RunContext, 'resolveOperation' | 'resolveProcess' | 'resolveRule' | 'lookups'> & {
  readonly profileHolders: (profile: string) => Promise<readonly string[]>;
};

/**
 * Made once per engine, not per advance: an HR wave makes two run contexts per joiner, and each closure made here
 * costs an allocation and, where the sources run through tsx (the benches, a checkout without a fresh dist/), the
 * esbuild `keepNames` helper's defineProperty. Each reads the context's fields when called, as before.
 */
const partsOf = new WeakMap<EngineContext, EngineParts>();

function engineParts(ctx: EngineContext): EngineParts {
  let parts = partsOf.get(ctx);
  if (parts === undefined) {
    parts = {
      resolveOperation: (op, application) => ctx.operations.resolveOperation(op, application),
      resolveProcess: (name) => ctx.definitions.process(name),
      resolveRule: (name) => ctx.definitions.rule(name),
      lookups: {
        subjectHolder: (key) => ctx.store.subjectHolder(key),
        listIdentities: (filter) => ctx.repository.identities.listIdentities(filter),
        listResources: (filter) => ctx.repository.identities.listResources(filter),
      },
      profileHolders: async (profile) => (await ctx.repository.profiles.list()).filter((a) => a.profile === profile).map((a) => a.person),
    };
    partsOf.set(ctx, parts);
  }
  return parts;
}

/**
 * The interpreter's view of the world for one advance of one instance. `checkpointDue`, when given, lets a long
 * run of automatic steps stop part-way so the runtime commits it (src/engine/checkpoint.ts).
 */
export function makeRunContext(
  ctx: EngineContext,
  instance: { readonly id: string; readonly launcher: string; readonly subject: string | null },
  now: number,
  checkpointDue?: () => boolean,
): RunContext {
  const identities = new IdentityOverlay(ctx.repository.identities);
  const parts = engineParts(ctx);
  return {
    instanceId: instance.id,
    now,
    launcher: instance.launcher,
    ...(instance.subject !== null && { subject: instance.subject }),
    resolveOperation: parts.resolveOperation,
    resolveProcess: parts.resolveProcess,
    resolveRule: parts.resolveRule,
    // One overlay per advance: a second Persist of the same advance sees the first one's planned write.
    identities,
    // Approvers read the same overlay: a manager set by an earlier Persist of this advance counts.
    approvers: directoryOver(identities, parts.profileHolders),
    lookups: parts.lookups!,
    print: printerFor(ctx, instance.id),
    limits: ctx.limits,
    monotonic: ctx.wallClock,
    ...(checkpointDue && { checkpointDue }),
  };
}

/** Returned, not bound to a name: esbuild's keepNames (tsx) then has no name to set on it at every advance. */
function printerFor(ctx: EngineContext, instanceId: string): (line: string) => void {
  return (line) => ctx.onPrint(instanceId, line);
}
