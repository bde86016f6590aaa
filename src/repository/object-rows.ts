/**
 * The objects table's rows and their mapping to the store's records, shared by the SQLite and the PostgreSQL
 * object stores so that both select the same columns and read them back the same way.
 */
import type { DefinitionObject, ObjectType } from '../definition/model/objects.js';
import type { StoredObject, StoredObjectSummary } from './object-store.js';

export interface ObjectRow {
  id: string;
  type: ObjectType;
  name: string;
  version: number;
  digest: string;
  model?: string;
  xml?: string;
  source_file: string;
  created_at: string;
}

export const SUMMARY_COLUMNS = 'id, type, name, version, digest, source_file, created_at';
export const ALL_COLUMNS = `${SUMMARY_COLUMNS}, model, xml`;
/** The newest version of each (type, name): no later row of the same object exists. */
export const IS_LATEST = 'NOT EXISTS (SELECT 1 FROM objects n WHERE n.type = o.type AND n.name = o.name AND n.version > o.version)';

export function toSummary(row: ObjectRow): StoredObjectSummary {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    version: row.version,
    digest: row.digest,
    sourceFile: row.source_file,
    createdAt: row.created_at,
  };
}

export function toStored(row: ObjectRow): StoredObject {
  return { ...toSummary(row), model: JSON.parse(row.model ?? 'null') as DefinitionObject, xml: row.xml ?? '' };
}

/** The latest object named `name` that defines a process (a task definition, workflow or configuration, in that order). */
export async function findProcessObject(
  name: string,
  getLatest: (type: ObjectType, name: string) => Promise<StoredObject | undefined>,
): Promise<StoredObject | undefined> {
  for (const type of ['TaskDefinition', 'Workflow', 'Configuration'] as const) {
    const found = await getLatest(type, name);
    if (found && 'process' in found.model && found.model.process) return found;
  }
  return undefined;
}
