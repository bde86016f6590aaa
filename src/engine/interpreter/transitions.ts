/**
 * Choosing transitions, AND-splits and AND-joins (docs/decisions/engine-split-join.md).
 *
 * - XOR (default): transitions are tried in document order; the first whose condition is true is taken; one
 *   without a condition is always true, so it acts as the else. A transition carrying a `decision` is only
 *   eligible when the activity's work item was decided with it.
 * - AND-split: every eligible transition whose condition is true (or absent) is taken; each branch is a token
 *   whose lineage gains the split's id.
 * - AND-join: a token arriving at an AND-join waits for every branch of its innermost split (the split's
 *   `expected` count). A branch that ends elsewhere is no longer expected. When the last expected branch has
 *   arrived, one token continues with the split's lineage. Each split needs its own AND-join activity.
 */
import type { ActivityModel } from '../../definition/model/activity.js';
import type { TransitionModel } from '../../definition/model/transition.js';
import { evaluate } from '../../expression/index.js';
import { InstanceFailure } from './interpreter-errors.js';
import type { TokenState } from './instance-state.js';
import type { Run } from './run.js';
import { Scope, truthy } from './variables.js';
import { errorMessage } from './messages.js';

export function chooseTransitions(run: Run, token: TokenState, activity: ActivityModel): TransitionModel[] {
  const chosen: TransitionModel[] = [];
  let scope: Scope | undefined;
  for (const tr of activity.transitions) {
    if (tr.decision !== undefined && tr.decision !== token.decision) continue;
    if (tr.condition) {
      scope ??= new Scope(run, run.frame(token.frame), token);
      let ok: boolean;
      try {
        ok = truthy(evaluate(tr.condition, scope));
      } catch (e) {
        throw new InstanceFailure(
          'ENGINE_EXPRESSION_FAILED',
          `activity '${activity.name}': the condition of the transition to '${tr.to}' failed: ${errorMessage(e)}`,
        );
      }
      if (!ok) continue;
    }
    chosen.push(tr);
    if (activity.split !== 'and') break;
  }
  return chosen;
}

/** Sends the token along the chosen transitions; returns the token that continues at once (the first branch). */
export function followTransitions(run: Run, token: TokenState, from: ActivityModel, chosen: readonly TransitionModel[]): TokenState {
  if (from.split !== 'and') {
    moveTo(token, chosen[0]!.to);
    return token;
  }
  const id = `s${++run.state.counters.split}`;
  run.state.splits[id] = { frame: token.frame, from: from.name, expected: chosen.length, arrived: 0, lineage: [...token.lineage] };
  const lineage = [...token.lineage, id];
  for (let i = 1; i < chosen.length; i++) {
    const t = run.newToken(token.frame, chosen[i]!.to, [...lineage]);
    if (token.assign) t.assign = token.assign;
    run.queue.push(t);
  }
  token.lineage = lineage;
  moveTo(token, chosen[0]!.to);
  return token;
}

function moveTo(token: TokenState, to: string): void {
  token.activity = to;
  token.phase = 'enter';
  token.action = 0;
  token.vars = null;
  token.decision = undefined;
  token.record = undefined;
}

/**
 * A token reaches an AND-join activity. Returns the token that enters the activity (possibly a fresh one made
 * by the join), or null when it must wait for the other branches.
 */
export function arriveAtJoin(run: Run, token: TokenState): TokenState | null {
  const id = token.lineage[token.lineage.length - 1];
  // Not a branch of an open split: a join of one, pass through.
  if (id === undefined) return token;
  const split = run.state.splits[id];
  if (!split) {
    token.lineage.pop();
    return token;
  }
  split.arrived++;
  split.at ??= token.activity;
  run.removeToken(token);
  // The joined token enters this activity; it is not counted again here, so an enclosing split joins further on.
  return fireJoin(run, id);
}

/** Makes the joined token when every expected branch of split `id` has arrived. */
export function fireJoin(run: Run, id: string): TokenState | null {
  const split = run.state.splits[id];
  if (!split || split.arrived === 0 || split.arrived < split.expected || split.at === undefined) return null;
  delete run.state.splits[id];
  return run.newToken(split.frame, split.at, [...split.lineage]);
}

/**
 * A branch ended without reaching its join: it is no longer expected. If that completes a join, the joined
 * token is queued. A split whose branches all ended counts as one ended branch of the enclosing split.
 */
export function branchEnded(run: Run, lineage: readonly string[]): void {
  for (let i = lineage.length - 1; i >= 0; i--) {
    const id = lineage[i]!;
    const split = run.state.splits[id];
    if (!split) return;
    split.expected--;
    if (split.expected > 0 || split.arrived > 0) {
      const joined = fireJoin(run, id);
      if (joined) run.queue.push(joined);
      return;
    }
    delete run.state.splits[id];
  }
}
