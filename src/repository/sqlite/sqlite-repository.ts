import { SqliteAbsenceStore } from './sqlite-absence-store.js';
import type { Repository } from '../repository.js';
import { SqliteAccessStore } from './sqlite-access-store.js';
import { mapStorageErrors } from '../storage-error.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { SqliteNotificationStore } from './sqlite-notification-store.js';
import { SqliteAuditQueryStore, SqliteHrStore } from './sqlite-hr-store.js';
import type { AuditQueryStore, HrStore } from '../hr-store.js';
import { SqliteObjectStore } from './sqlite-object-store.js';
import { SqliteProfileStore } from './sqlite-profile-store.js';
import { SqliteProvisioningStore } from './sqlite-provisioning-store.js';
import { sqliteIdentityStore } from './sqlite-identity-store.js';
import type { IdentityStore } from '../../identity/identity-store.js';
import { SqliteRuntimeStore } from './sqlite-runtime-store.js';
import { sqliteStorageError } from './sqlite-storage-error.js';

/** The embedded repository: every store on one better-sqlite3 connection. Open it with `openRepository`. */
export class SqliteRepository implements Repository {
  readonly kind = 'sqlite' as const;
  readonly location: string;
  /** Opened with SQLite's read-only flag (the file is not writable): reads work, writes fail with `REPO_READ_ONLY`. */
  readonly readOnly: boolean;
  readonly objects: SqliteObjectStore;
  readonly runtime: SqliteRuntimeStore;
  readonly profiles: SqliteProfileStore;
  readonly provisioning: SqliteProvisioningStore;
  readonly identities: IdentityStore;

  readonly access: SqliteAccessStore;
  readonly notifications: SqliteNotificationStore;
  readonly hr: HrStore;
  readonly absences: SqliteAbsenceStore;
  readonly audit: AuditQueryStore;
  /**
   * @internal The shared connection, for the SQLite stores in src/repository/sqlite/ only. Nothing outside
   * src/repository/ may use it: that code must run on PostgreSQL too.
   */
  readonly db: SqliteDatabase;

  /** `databaseClock`: database time for leases (see OpenRepositoryOptions.databaseClock). */
  constructor(db: SqliteDatabase, location: string, options: { readonly readOnly?: boolean; readonly databaseClock?: () => number } = {}) {
    this.db = db;
    this.location = location;
    this.readOnly = options.readOnly ?? false;
    // The store boundary: a busy, read-only, full or damaged database leaves every store as a coded StorageError.
    this.objects = mapStorageErrors(new SqliteObjectStore(db), location, sqliteStorageError);
    this.runtime = mapStorageErrors(new SqliteRuntimeStore(db, options.databaseClock), location, sqliteStorageError);
    this.profiles = mapStorageErrors(new SqliteProfileStore(db), location, sqliteStorageError);
    this.provisioning = mapStorageErrors(new SqliteProvisioningStore(db, options.databaseClock), location, sqliteStorageError);
    this.identities = mapStorageErrors(sqliteIdentityStore(db), location, sqliteStorageError);

    this.access = mapStorageErrors(new SqliteAccessStore(db), location, sqliteStorageError);
    this.notifications = mapStorageErrors(new SqliteNotificationStore(db, options.databaseClock), location, sqliteStorageError);
    this.hr = mapStorageErrors(new SqliteHrStore(db), location, sqliteStorageError);
    this.absences = mapStorageErrors(new SqliteAbsenceStore(db), location, sqliteStorageError);
    this.audit = mapStorageErrors(new SqliteAuditQueryStore(db), location, sqliteStorageError);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
