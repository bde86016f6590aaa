import { randomUUID } from 'node:crypto';
import type { LoadedObject } from '../../definition/load.js';
import type { ObjectType } from '../../definition/model/objects.js';
import { InvalidInputError } from '../../errors.js';
import { objectDigest } from '../object-digest.js';
import { ALL_COLUMNS, findProcessObject, IS_LATEST, SUMMARY_COLUMNS, toStored, toSummary, type ObjectRow } from '../object-rows.js';
import type { ObjectStore, PutStatus, StoredObject, StoredObjectSummary } from '../object-store.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';

const SELECT_LATEST = `SELECT ${ALL_COLUMNS} FROM objects WHERE type = ? AND name = ? ORDER BY version DESC LIMIT 1`;
const BUMP_OBJECTS_COUNTER = `UPDATE change_counters SET value = value + 1 WHERE name = 'objects'`;

/**
 * Definition objects in SQLite. better-sqlite3 is synchronous; the methods are async only to satisfy the
 * interface that the PostgreSQL store will share.
 */
export class SqliteObjectStore implements ObjectStore {
  readonly #db: SqliteDatabase;
  /** Prepared statements by SQL text: the engine lists definitions before every launch and worker round. */
  readonly #statements = new Map<string, SqliteStatement>();

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  #prepare(sql: string): SqliteStatement {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      stmt = this.#db.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }

  async putMany(objects: readonly LoadedObject[]): Promise<{ status: PutStatus; stored: StoredObject }[]> {
    const seen = new Set<string>();
    for (const { object, file } of objects) {
      const key = `${object.type}\u0000${object.name}`;
      if (seen.has(key)) {
        throw new InvalidInputError('REPO_DUPLICATE_OBJECT', `${object.type} "${object.name}" appears more than once in one import (again in ${file})`, {
          type: object.type,
          name: object.name,
          file,
        });
      }
      seen.add(key);
    }
    const latest = this.#prepare(SELECT_LATEST);
    const insert = this.#prepare(
      `INSERT INTO objects (id, type, name, version, digest, model, xml, source_file, created_at)
       VALUES (@id, @type, @name, @version, @digest, @model, @xml, @sourceFile, @createdAt)`,
    );
    const createdAt = new Date().toISOString();
    const run = this.#db.transaction((items: readonly LoadedObject[]) =>
      items.map(({ object, xml, file }) => {
        const digest = objectDigest(object);
        const previous = latest.get(object.type, object.name) as ObjectRow | undefined;
        if (previous && previous.digest === digest) {
          return { status: 'unchanged' as PutStatus, stored: toStored(previous) };
        }
        const stored: StoredObject = {
          id: randomUUID(),
          type: object.type,
          name: object.name,
          version: previous ? previous.version + 1 : 1,
          digest,
          model: object,
          xml,
          sourceFile: file,
          createdAt,
        };
        insert.run({ ...stored, model: JSON.stringify(object) });
        return { status: (previous ? 'new-version' : 'created') as PutStatus, stored };
      }),
    );
    // IMMEDIATE: two processes importing at once take turns instead of both reading, then one failing to write.
    return this.#db.transaction((items: readonly LoadedObject[]) => {
      const results = run(items);
      if (results.some((r) => r.status !== 'unchanged')) this.#prepare(BUMP_OBJECTS_COUNTER).run();
      return results;
    }).immediate(objects);
  }

  async getLatest(type: ObjectType, name: string): Promise<StoredObject | undefined> {
    const row = this.#prepare(SELECT_LATEST).get(type, name);
    return row ? toStored(row as ObjectRow) : undefined;
  }

  async getVersion(type: ObjectType, name: string, version: number): Promise<StoredObject | undefined> {
    const row = this.#prepare(`SELECT ${ALL_COLUMNS} FROM objects WHERE type = ? AND name = ? AND version = ?`).get(type, name, version);
    return row ? toStored(row as ObjectRow) : undefined;
  }

  async getById(id: string): Promise<StoredObject | undefined> {
    const row = this.#prepare(`SELECT ${ALL_COLUMNS} FROM objects WHERE id = ?`).get(id);
    return row ? toStored(row as ObjectRow) : undefined;
  }

  async list(type: ObjectType): Promise<StoredObjectSummary[]> {
    const rows = this.#prepare(`SELECT ${SUMMARY_COLUMNS} FROM objects o WHERE type = ? AND ${IS_LATEST} ORDER BY name`).all(type);
    return (rows as ObjectRow[]).map(toSummary);
  }

  /** Latest version of every object of a type, with the models (for listings that show dialect and counts). */
  async listLatest(type: ObjectType): Promise<StoredObject[]> {
    const rows = this.#prepare(`SELECT ${ALL_COLUMNS} FROM objects o WHERE type = ? AND ${IS_LATEST} ORDER BY name`).all(type);
    return (rows as ObjectRow[]).map(toStored);
  }

  async versions(type: ObjectType, name: string): Promise<StoredObjectSummary[]> {
    const rows = this.#prepare(`SELECT ${SUMMARY_COLUMNS} FROM objects WHERE type = ? AND name = ? ORDER BY version`).all(type, name);
    return (rows as ObjectRow[]).map(toSummary);
  }

  async changeMark(): Promise<string> {
    // A counter bumped in the import's own transaction (migration 0005), not MAX(rowid): the same rule as on
    // PostgreSQL, where a sequence does not follow commit order.
    const row = this.#prepare(`SELECT value FROM change_counters WHERE name = 'objects'`).get() as { value: number } | undefined;
    return String(row?.value ?? 0);
  }

  async counts(): Promise<Partial<Record<ObjectType, number>>> {
    const rows = this.#prepare('SELECT type, COUNT(DISTINCT name) AS count FROM objects GROUP BY type').all() as { type: ObjectType; count: number }[];
    return Object.fromEntries(rows.map((r) => [r.type, r.count]));
  }

  async findProcess(name: string): Promise<StoredObject | undefined> {
    return findProcessObject(name, (type, n) => this.getLatest(type, n));
  }
}
