/**
 * How the Waveset user services plan a change set: `planChangeSet` (src/identity/) in `persist` mode with
 * provisioning, as Netwrix Persist does, so a view committed by a Waveset workflow and a Netwrix `changes` produce
 * the same identity write and the same provisioning orders, with one difference: a Waveset user disabled by
 * `disableUser` stays disabled when its view is committed (planChangeSet enables a disabled account whenever the
 * identity holds a resource on its connector, which is right for an account disabled because its last resource
 * went). Only a resource given on that connector in the same change, or `enableUser`, enables it again.
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

export async function planWavesetChangeSet(reader: IdentityReader, changeSet: ChangeSet, ctx: WavesetPlanContext): Promise<IdentityWrite> {
  const write = await planChangeSet(reader, changeSet, { ...ctx, mode: 'persist', provisioning: true });
  const orders = write.orders ?? [];
  if (!orders.some((o) => o.operation === 'enable')) return write;
  const given = new Set<string>();
  for (const add of changeSet.resources?.add ?? []) {
    const connector = (await reader.getResource(add.resource))?.connector;
    if (connector) given.add(connector);
  }
  return { ...write, orders: orders.filter((o) => o.operation !== 'enable' || given.has(o.connector)) };
}
