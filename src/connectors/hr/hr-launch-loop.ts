import { setTimeout as sleep } from 'node:timers/promises';
import { loadHrSource } from './hr-import.js';
import { launchDueHr, type HrLaunchDeps, type HrLaunchReport } from './hr-launcher.js';

/** One round: the due HR launches of every source, each as its source's launcher. */
export function launchDueHrRound(deps: HrLaunchDeps): Promise<HrLaunchReport> {
  return launchDueHr(deps, { launcher: async (source) => (await loadHrSource(deps.repository, source)).launcher });
}

/**
 * `idflow worker`'s HR loop: a future hire's onboarding starts on its date without anyone running `idflow hr
 * launch`. Rounds every `everyMs` until `signal` aborts; a failed round is reported and the loop goes on.
 */
export async function runHrLaunchLoop(deps: HrLaunchDeps, signal: AbortSignal, options: { readonly everyMs?: number; readonly onError?: (e: unknown) => void } = {}): Promise<void> {
  const every = options.everyMs ?? 30_000;
  while (!signal.aborted) {
    try {
      await launchDueHrRound(deps);
    } catch (e) {
      options.onError?.(e);
    }
    try {
      await sleep(every, undefined, { signal });
    } catch {
      return;
    }
  }
}
