import type { LoadedObject } from '../definition/load.js';
import type { DefinitionObject, ObjectType } from '../definition/model/objects.js';

/** One stored version of a definition object. */
export interface StoredObject {
  /** Generated id of this version (a new one per version). */
  readonly id: string;
  readonly type: ObjectType;
  readonly name: string;
  /** 1 for the first import, +1 per changed import. */
  readonly version: number;
  /** sha256 of the canonical JSON model; equal digests mean "unchanged". */
  readonly digest: string;
  readonly model: DefinitionObject;
  readonly xml: string;
  readonly sourceFile: string;
  /** ISO 8601. */
  readonly createdAt: string;
}

export type StoredObjectSummary = Omit<StoredObject, 'model' | 'xml'>;

export type PutStatus = 'created' | 'new-version' | 'unchanged';

/** Definition objects, versioned. Async so that the PostgreSQL implementation satisfies it too. */
export interface ObjectStore {
  /** Stores each object unless identical to its latest version; all or nothing. */
  putMany(objects: readonly LoadedObject[]): Promise<{ status: PutStatus; stored: StoredObject }[]>;
  getLatest(type: ObjectType, name: string): Promise<StoredObject | undefined>;
  getVersion(type: ObjectType, name: string, version: number): Promise<StoredObject | undefined>;
  getById(id: string): Promise<StoredObject | undefined>;
  /** Latest version of every object of a type, by name. */
  list(type: ObjectType): Promise<StoredObjectSummary[]>;
  /** Like {@link list}, with the models and XML (listings that show what each object holds). */
  listLatest(type: ObjectType): Promise<StoredObject[]>;
  /** How many objects (names, not versions) each type has; types without objects are absent. */
  counts(): Promise<Partial<Record<ObjectType, number>>>;
  /** Every version of one object, oldest first. */
  versions(type: ObjectType, name: string): Promise<StoredObjectSummary[]>;
  /**
   * An opaque token that changes whenever an object is stored. Caches compare it with one cheap query instead of
   * re-listing every object.
   */
  changeMark(): Promise<string>;
  /** Latest launchable/callable process called `name`: TaskDefinition, then Workflow, then Configuration with a process. */
  findProcess(name: string): Promise<StoredObject | undefined>;
}
