/**
 * How the Waveset user services plan a change set: `planChangeSet` (src/identity/) in `persist` mode with
 * provisioning, as Netwrix Persist does, so a view committed by a Waveset workflow and a Netwrix `changes` produce
 * the same identity write and the same provisioning orders.
 */
import type { ChangeSet } from '../identity/change-set.js';
import type { IdentityReader } from '../identity/identity-store.js';
import type { IdentityWrite } from '../identity/identity-write.js';
import { planChangeSet } from '../identity/plan-change-set.js';

export interface WavesetPlanContext {
  readonly now: number;
  readonly idempotencyKey: string;
  readonly instanceId: string;
  /** The identity's id; absent: the change set creates one. */
  readonly subject?: string;
  /** The instance waits for the orders' results. */
  readonly wait: boolean;
}

export function planWavesetChangeSet(reader: IdentityReader, changeSet: ChangeSet, ctx: WavesetPlanContext): Promise<IdentityWrite> {
  return planChangeSet(reader, changeSet, { ...ctx, mode: 'persist', provisioning: true });
}
