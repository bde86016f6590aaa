/**
 * Live connectors for a long-running process (a provisioning worker): built once per connector object from the
 * repository and reused across orders, rebuilt when the object changes. A worker calls {@link ConnectorPool.refresh}
 * once per batch it claims: one cheap query (the object store's change mark) tells whether any object changed, and
 * only then are the connectors whose object has a new version closed and rebuilt.
 */
import type { ObjectStore } from '../repository/object-store.js';
import type { Connector } from './connector.js';
import { createConnectorRegistry, findConnectorObject, type ConnectorEnv, type ConnectorRegistry } from './connector-registry.js';
import { canonicalJson } from '../repository/object-digest.js';

interface Entry {
  readonly connector: Connector;
  /** The object's model as canonical JSON: a new version with the same settings keeps the connection. */
  readonly digest: string;
}

export class ConnectorPool {
  readonly #objects: ObjectStore;
  readonly #registry: ConnectorRegistry;
  readonly #env: ConnectorEnv;
  readonly #live = new Map<string, Promise<Entry>>();
  #mark: string | undefined;

  constructor(objects: ObjectStore, options: { readonly registry?: ConnectorRegistry; readonly env?: ConnectorEnv } = {}) {
    this.#objects = objects;
    this.#registry = options.registry ?? createConnectorRegistry();
    this.#env = options.env ?? process.env;
  }

  /**
   * The connector called `name`, built on first use. Throws `CONNECTOR_UNKNOWN` when the repository has no such
   * object, `CONNECTOR_SETTINGS_INVALID` when its settings no longer parse, or the kind's own error when it cannot be
   * built (a secret's variable unset). A failed build is not kept: the next call tries again.
   */
  async get(name: string): Promise<Connector> {
    let entry = this.#live.get(name);
    if (!entry) {
      entry = this.#build(name);
      this.#live.set(name, entry);
      entry.catch(() => {
        if (this.#live.get(name) === entry) this.#live.delete(name);
      });
    }
    return (await entry).connector;
  }

  async #build(name: string): Promise<Entry> {
    const object = await findConnectorObject(this.#objects, name);
    return { connector: this.#registry.create(object, this.#env), digest: canonicalJson({ kind: object.kind, settings: object.settings }) };
  }

  /** Whether any object changed since the last {@link refresh} (one query): whether a refresh has work to do. */
  async changed(): Promise<boolean> {
    return (await this.#objects.changeMark()) !== this.#mark;
  }

  /**
   * Closes and forgets the connectors whose object changed (or was removed) since they were built. Cheap when
   * nothing changed: one query. Call it between batches, never while a connector of this pool is in use.
   */
  async refresh(): Promise<void> {
    const mark = await this.#objects.changeMark();
    if (mark === this.#mark) return;
    this.#mark = mark;
    for (const [name, pending] of [...this.#live]) {
      const entry = await pending.catch(() => undefined);
      if (!entry) continue;
      const object = await findConnectorObject(this.#objects, name).catch(() => undefined);
      const digest = object && canonicalJson({ kind: object.kind, settings: object.settings });
      if (digest === entry.digest) continue;
      this.#live.delete(name);
      await entry.connector.close().catch(() => undefined);
    }
  }

  /** Closes every connector; the pool may be used again afterwards (connectors are rebuilt). */
  async close(): Promise<void> {
    const entries = [...this.#live.values()];
    this.#live.clear();
    for (const pending of entries) {
      const entry = await pending.catch(() => undefined);
      await entry?.connector.close().catch(() => undefined);
    }
  }
}
