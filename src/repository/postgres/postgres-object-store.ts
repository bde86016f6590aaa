import { randomUUID } from 'node:crypto';
import type { LoadedObject } from '../../definition/load.js';
import type { ObjectType } from '../../definition/model/objects.js';
import { ConflictError, InvalidInputError } from '../../errors.js';
import { objectDigest } from '../object-digest.js';
import { ALL_COLUMNS, findProcessObject, IS_LATEST, SUMMARY_COLUMNS, toStored, toSummary, type ObjectRow } from '../object-rows.js';
import type { ObjectStore, PutStatus, StoredObject, StoredObjectSummary } from '../object-store.js';
import { statement, type PgDatabase } from './postgres-database.js';


const S = {
  latest: statement(`SELECT ${ALL_COLUMNS} FROM objects WHERE type = $1 AND name = $2 ORDER BY version DESC LIMIT 1`),
  /** The latest version of each of several objects, in one statement. */
  latestOfMany: statement(
    `SELECT DISTINCT ON (type, name) ${ALL_COLUMNS} FROM objects
     WHERE (type, name) IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY type, name, version DESC`,
  ),
  insertMany: statement(
    `INSERT INTO objects (id, type, name, version, digest, model, xml, source_file, created_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::json[], $7::text[], $8::text[], $9::timestamptz[])`,
  ),
  /** Taken first by every import: imports of one database take turns (see migration 0005). */
  lockCounter: statement(`SELECT value FROM change_counters WHERE name = 'objects' FOR UPDATE`),
  bumpCounter: statement(`UPDATE change_counters SET value = value + 1 WHERE name = 'objects'`),
  changeMark: statement(`SELECT value FROM change_counters WHERE name = 'objects'`),
  version: statement(`SELECT ${ALL_COLUMNS} FROM objects WHERE type = $1 AND name = $2 AND version = $3`),
  byId: statement(`SELECT ${ALL_COLUMNS} FROM objects WHERE id = $1`),
  list: statement(`SELECT ${SUMMARY_COLUMNS} FROM objects o WHERE type = $1 AND ${IS_LATEST} ORDER BY name COLLATE "C"`),
  listLatest: statement(`SELECT ${ALL_COLUMNS} FROM objects o WHERE type = $1 AND ${IS_LATEST} ORDER BY name COLLATE "C"`),
  versions: statement(`SELECT ${SUMMARY_COLUMNS} FROM objects WHERE type = $1 AND name = $2 ORDER BY version`),
  counts: statement('SELECT type, COUNT(DISTINCT name) AS count FROM objects GROUP BY type'),
};

/** Definition objects in PostgreSQL: the same rows and rules as the SQLite store. */
export class PostgresObjectStore implements ObjectStore {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
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
    if (objects.length === 0) return [];
    const createdAt = new Date().toISOString();
    try {
      return await this.#db.transaction(async (tx) => {
        // The counter's row lock makes a second import of the same definition wait for the first and then see
        // its version (unchanged, or one more), instead of both inserting the same version number.
        await tx.query(S.lockCounter);
        const { rows } = await tx.query<ObjectRow>(S.latestOfMany, [objects.map((o) => o.object.type), objects.map((o) => o.object.name)]);
        const previous = new Map(rows.map((r) => [`${r.type}\u0000${r.name}`, r]));
        const inserted: StoredObject[] = [];
        const results = objects.map(({ object, xml, file }) => {
          const digest = objectDigest(object);
          const before = previous.get(`${object.type}\u0000${object.name}`);
          if (before && before.digest === digest) return { status: 'unchanged' as PutStatus, stored: toStored(before) };
          const stored: StoredObject = {
            id: randomUUID(),
            type: object.type,
            name: object.name,
            version: before ? before.version + 1 : 1,
            digest,
            model: object,
            xml,
            sourceFile: file,
            createdAt,
          };
          inserted.push(stored);
          return { status: (before ? 'new-version' : 'created') as PutStatus, stored };
        });
        if (inserted.length > 0) {
          const column = <K extends keyof StoredObject>(k: K) => inserted.map((s) => s[k]);
          await tx.query(S.insertMany, [
            column('id'),
            column('type'),
            column('name'),
            column('version'),
            column('digest'),
            inserted.map((s) => JSON.stringify(s.model)),
            column('xml'),
            column('sourceFile'),
            column('createdAt'),
          ]);
          await tx.query(S.bumpCounter);
        }
        return results;
      });
    } catch (e) {
      // Only an import that bypassed the counter lock (another program writing the table) can get here.
      if ((e as { code?: unknown }).code === 'REPO_CONSTRAINT') {
        throw new ConflictError('REPO_IMPORT_CONFLICT', 'another import stored a version of the same definition at the same time; import again', {}, { cause: e });
      }
      throw e;
    }
  }

  async getLatest(type: ObjectType, name: string): Promise<StoredObject | undefined> {
    const row = (await this.#db.query<ObjectRow>(S.latest, [type, name])).rows[0];
    return row ? toStored(row) : undefined;
  }

  async getVersion(type: ObjectType, name: string, version: number): Promise<StoredObject | undefined> {
    const row = (await this.#db.query<ObjectRow>(S.version, [type, name, version])).rows[0];
    return row ? toStored(row) : undefined;
  }

  async getById(id: string): Promise<StoredObject | undefined> {
    const row = (await this.#db.query<ObjectRow>(S.byId, [id])).rows[0];
    return row ? toStored(row) : undefined;
  }

  async list(type: ObjectType): Promise<StoredObjectSummary[]> {
    return (await this.#db.query<ObjectRow>(S.list, [type])).rows.map(toSummary);
  }

  async listLatest(type: ObjectType): Promise<StoredObject[]> {
    return (await this.#db.query<ObjectRow>(S.listLatest, [type])).rows.map(toStored);
  }

  async versions(type: ObjectType, name: string): Promise<StoredObjectSummary[]> {
    return (await this.#db.query<ObjectRow>(S.versions, [type, name])).rows.map(toSummary);
  }

  async changeMark(): Promise<string> {
    const row = (await this.#db.query<{ value: number }>(S.changeMark)).rows[0];
    return String(row?.value ?? 0);
  }

  async counts(): Promise<Partial<Record<ObjectType, number>>> {
    const { rows } = await this.#db.query<{ type: ObjectType; count: number }>(S.counts);
    return Object.fromEntries(rows.map((r) => [r.type, r.count]));
  }

  async findProcess(name: string): Promise<StoredObject | undefined> {
    return findProcessObject(name, (type, n) => this.getLatest(type, n));
  }
}
