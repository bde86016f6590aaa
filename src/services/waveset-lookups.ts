/**
 * What the Waveset user services read besides the identity store's reader (`ServiceCall.identities`): who holds a
 * user's lock, and lists for `queryObjects`. They read what is committed (not the writes of earlier steps of the same
 * advance); the engine builds them over the repository (src/engine/run-context.ts).
 */
import type { IdentityRow, ResourceRow } from '../identity/identity-rows.js';
import type { IdentityFilter, ResourceFilter } from '../identity/identity-store.js';

export interface WavesetLookups {
  /** The instance holding the lock on this subject key (`subjectKey(login)`), if any. */
  subjectHolder(subjectKey: string): Promise<string | undefined>;
  listIdentities(filter: IdentityFilter): Promise<IdentityRow[]>;
  listResources(filter: ResourceFilter): Promise<ResourceRow[]>;
}
