import type { Migration } from '../migration.js';
import type { AppliedMigration, MigrationDriver } from '../migrator.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** Runs migrations on an SQLite database; each migration and its ledger row commit together. */
export class SqliteMigrationDriver implements MigrationDriver {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async applied(): Promise<readonly AppliedMigration[]> {
    const table = this.#db
      .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`)
      .get();
    if (!table) return [];
    return this.#db.prepare('SELECT version, name FROM schema_migrations').all() as AppliedMigration[];
  }

  async apply(migration: Migration, appliedAt: string): Promise<void> {
    this.#db.transaction(() => {
      this.#db.exec(migration.sqlite);
      this.#db
        .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
        .run(migration.version, migration.name, appliedAt);
    })();
  }
}
