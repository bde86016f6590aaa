import type { Repository } from '../repository.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { SqliteObjectStore } from './sqlite-object-store.js';
import { SqliteProfileStore } from './sqlite-profile-store.js';
import { SqliteRuntimeStore } from './sqlite-runtime-store.js';

/** The embedded repository: every store on one better-sqlite3 connection. Open it with `openRepository`. */
export class SqliteRepository implements Repository {
  readonly kind = 'sqlite' as const;
  readonly location: string;
  readonly objects: SqliteObjectStore;
  readonly runtime: SqliteRuntimeStore;
  readonly profiles: SqliteProfileStore;
  /**
   * @internal The shared connection, for the SQLite stores in src/repository/sqlite/ only. Nothing outside
   * src/repository/ may use it: that code must run on PostgreSQL too.
   */
  readonly db: SqliteDatabase;

  /** `databaseClock`: database time for leases (see OpenRepositoryOptions.databaseClock). */
  constructor(db: SqliteDatabase, location: string, databaseClock?: () => number) {
    this.db = db;
    this.location = location;
    this.objects = new SqliteObjectStore(db);
    this.runtime = new SqliteRuntimeStore(db, databaseClock);
    this.profiles = new SqliteProfileStore(db);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
