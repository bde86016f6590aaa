/**
 * Instances that wait on provisioning orders (docs/decisions/provisioning-waits.md). The interpreter parks an
 * action whose operation answered `waitFor`; the provisioning store wakes the instance (wake_at now, revision
 * moved) when one of those orders is settled; the worker then resumes it with a `provisioned` event that carries
 * the settled orders. Two runtime checks close the gaps a wake-up alone would leave: an advance that comes to rest
 * waiting on orders that are settled already (written by an earlier step, or settled while it ran) is due at once.
 */
import { SETTLED_ORDER_STATES } from '../provisioning/provisioning-order.js';
import type { EngineContext } from './engine-context.js';
import { awaitedOrders } from './interpreter/instance-state.js';
import type { AdvanceOutcome, InstanceState, ResumeEvent, SettledOrder } from './interpreter/interpreter-types.js';

/** The settled ones among the orders a state waits on (an empty list when it waits on none). */
export async function settledAwaitedOrders(ctx: EngineContext, state: InstanceState | null): Promise<SettledOrder[]> {
  const ids = awaitedOrders(state);
  if (ids.length === 0) return [];
  const orders = await ctx.repository.provisioning.getMany(ids);
  return orders
    .filter((o) => SETTLED_ORDER_STATES.includes(o.state))
    .map((o) => ({ id: o.id, state: o.state, ...(o.errorCode !== null && o.state === 'error' && { errorCode: o.errorCode }), ...(o.lastError !== null && o.state === 'error' && { error: o.lastError }) }));
}

/** Why a worker resumes a claimed instance: settled orders it waits on, else its timers. */
export async function workerResumeEvent(ctx: EngineContext, state: InstanceState): Promise<ResumeEvent> {
  const settled = await settledAwaitedOrders(ctx, state);
  return settled.length > 0 ? { kind: 'provisioned', orders: settled } : { kind: 'timer' };
}

/** An advance at rest that waits on orders already settled is due now, so a worker resumes it with them. */
export async function dueIfOrdersSettled(ctx: EngineContext, outcome: AdvanceOutcome, now: number): Promise<AdvanceOutcome> {
  if (outcome.status !== 'waiting' || outcome.checkpoint) return outcome;
  if ((await settledAwaitedOrders(ctx, outcome.state)).length === 0) return outcome;
  return { ...outcome, wakeAt: outcome.wakeAt === null || outcome.wakeAt > now ? now : outcome.wakeAt };
}
