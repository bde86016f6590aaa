import type { Migration } from '../migration.js';
import type { AppliedMigration, MigrationDriver } from '../migrator.js';
import type { SqliteDatabase } from './sqlite-database.js';

/**
 * Runs migrations on an SQLite database; each migration and its ledger row commit together, in an IMMEDIATE
 * transaction (the database's one write lock) that writes the ledger row first: of several processes opening a new
 * file at once, one applies the migration and the others find its row and skip it.
 */
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

  async apply(migration: Migration, appliedAt: string): Promise<boolean> {
    return this.#db
      .transaction(() => {
        this.#db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
        const ledger = this.#db
          .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?) ON CONFLICT (version) DO NOTHING')
          .run(migration.version, migration.name, appliedAt);
        if (ledger.changes === 0) return false;
        this.#db.exec(migration.sqlite);
        return true;
      })
      .immediate();
  }
}
