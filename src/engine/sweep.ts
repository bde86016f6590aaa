import type { EngineContext } from './engine-context.js';
import { terminateWrite } from './task-control.js';
import { removeEndedAssignments } from '../identity/assignment-end-sweep.js';
import { applyDueRecords } from '../identity/dated-record-sweep.js';

/**
 * The housekeeping of a worker round:
 * - resultLimit N: finished instances whose time is up are deleted (their audit rows stay);
 * - execLimit: unfinished instances past their deadline (launch time + execLimit seconds, waits and suspension
 *   included) are terminated.
 * - dated records: identity records whose date has come take effect (src/identity/dated-record-sweep.ts);
 * - assignment ends: assignments whose end date has come are removed (src/identity/assignment-end-sweep.ts).
 * Returns how many instances it deleted or terminated (records applied are not counted).
 */
export async function sweep(ctx: EngineContext, now: number): Promise<number> {
  let swept = 0;
  const expired = await ctx.store.expiredInstances(now, ctx.batchSize);
  if (expired.length > 0) swept += await ctx.store.deleteInstances(expired);
  const overdue = await ctx.store.overdueInstances(now, ctx.batchSize);
  if (overdue.length > 0) {
    const writes = await Promise.all(
      overdue.map(async (i) => {
        const seconds = Math.round(((i.execDeadline ?? now) - i.createdAt) / 1000);
        return terminateWrite(ctx, i, 'system', `execLimit of ${seconds} seconds exceeded`, now);
      }),
    );
    swept += (await ctx.store.commit(writes)).filter((s) => s === 'committed').length;
  }
  await applyDueRecords(ctx.repository.identities, now, ctx.batchSize);
  await removeEndedAssignments(ctx.repository.identities, now, ctx.batchSize);
  return swept;
}
