import type { IdentityStore } from '../identity/identity-store.js';
import type { AbsenceStore } from './absence-store.js';
import type { AccessStore } from './access-store.js';
import type { AuditQueryStore, HrStore } from './hr-store.js';
import type { NotificationStore } from './notification-store.js';
import type { ObjectStore } from './object-store.js';
import type { ProfileStore } from './profile-store.js';
import type { ProvisioningStore } from './provisioning-store.js';
import type { RuntimeStore } from './runtime-store.js';

/**
 * The storage idflow runs on. The SQLite implementation is the embedded default; PostgreSQL (roadmap) implements
 * the same interfaces. Nothing outside src/repository/ writes SQL.
 */
export interface Repository {
  readonly objects: ObjectStore;
  readonly runtime: RuntimeStore;
  /** Who holds which profile (the profiles AccessControlRules grant permissions to). */
  readonly profiles: ProfileStore;
  /** The provisioning outbox: orders to connectors, claimed by provisioning workers (src/provisioning/). */
  readonly provisioning: ProvisioningStore;
  /** Identities, their dated records, resources, assignments and accounts (src/identity/). */
  readonly identities: IdentityStore;
  /** Accounts, sessions, API tokens and sign-in failures (src/http/ uses it). */
  readonly access: AccessStore;
  /** The notification outbox the mail workers send from (docs/email.md). */
  readonly notifications: NotificationStore;
  /** The HR feed's sources, snapshots, runs and pending launches (src/connectors/hr/, docs/hr-feed.md). */
  readonly hr: HrStore;
  /** Out of office: absences and their delegates, and the hand-over of open work items (docs/decisions/out-of-office.md). */
  readonly absences: AbsenceStore;
  /** The audit trail read by filter (`idflow audit`). */
  readonly audit: AuditQueryStore;
  /** `sqlite` or `postgres`: for messages only; nothing branches on it outside src/repository/. */
  readonly kind: 'sqlite' | 'postgres';
  /** Where it is: the file path, or the URL without its password. */
  readonly location: string;
  close(): Promise<void>;
}
