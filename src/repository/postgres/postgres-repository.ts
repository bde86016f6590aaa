import { PostgresAbsenceStore } from './postgres-absence-store.js';
import type { Repository } from '../repository.js';
import { PostgresAccessStore } from './postgres-access-store.js';
import type { PgDatabase } from './postgres-database.js';
import { PostgresNotificationStore } from './postgres-notification-store.js';
import { PostgresAuditQueryStore, PostgresHrStore } from './postgres-hr-store.js';
import { PostgresObjectStore } from './postgres-object-store.js';
import { PostgresProfileStore } from './postgres-profile-store.js';
import { PostgresProvisioningStore } from './postgres-provisioning-store.js';
import { postgresIdentityStore } from './postgres-identity-store.js';
import type { IdentityStore } from '../../identity/identity-store.js';
import { PostgresRuntimeStore } from './postgres-runtime-store.js';

/**
 * The server repository: every store on one connection pool, shared with any number of other idflow processes.
 * Open it with `openRepository({ url: 'postgres://…' })` or `DATABASE_URL`.
 */
export class PostgresRepository implements Repository {
  readonly kind = 'postgres' as const;
  /** The URL without its password. */
  readonly location: string;
  readonly objects: PostgresObjectStore;
  readonly runtime: PostgresRuntimeStore;
  readonly profiles: PostgresProfileStore;
  readonly provisioning: PostgresProvisioningStore;
  readonly identities: IdentityStore;

  readonly access: PostgresAccessStore;
  readonly notifications: PostgresNotificationStore;
  readonly hr: PostgresHrStore;
  readonly absences: PostgresAbsenceStore;
  readonly audit: PostgresAuditQueryStore;
  /** @internal The pool, for src/repository/postgres/ and the tests' raw checks only. */
  readonly db: PgDatabase;
  #closed = false;

  /** `databaseClock`: database time for leases instead of the server's clock (OpenRepositoryOptions.databaseClock). */
  constructor(db: PgDatabase, location: string, options: { readonly databaseClock?: () => number } = {}) {
    this.db = db;
    this.location = location;
    this.objects = new PostgresObjectStore(db);
    this.runtime = new PostgresRuntimeStore(db, options.databaseClock);
    this.profiles = new PostgresProfileStore(db);
    this.provisioning = new PostgresProvisioningStore(db, options.databaseClock);
    this.identities = postgresIdentityStore(db);

    this.access = new PostgresAccessStore(db);
    this.notifications = new PostgresNotificationStore(db, options.databaseClock);
    this.hr = new PostgresHrStore(db);
    this.absences = new PostgresAbsenceStore(db);
    this.audit = new PostgresAuditQueryStore(db);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.db.close();
  }
}
