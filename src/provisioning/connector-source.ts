/**
 * Where a provisioning worker gets the connector an order names: the connector objects of the repository, built
 * through the connector registry and kept alive between batches (src/connectors/connector-pool.ts), or connectors a
 * program made itself.
 */
import type { Connector } from '../connectors/connector.js';
import { ConnectorPool } from '../connectors/connector-pool.js';
import { createConnectorRegistry, type ConnectorEnv, type ConnectorRegistry } from '../connectors/connector-registry.js';
import { ldapConnectorFactory } from '../connectors/ldap/ldap-connector-factory.js';
import { IdflowError } from '../errors.js';
import type { ObjectStore } from '../repository/object-store.js';

export interface ConnectorSource {
  /** The live connector called `name`. Throws a coded error when there is none or it cannot be built. */
  connector(name: string): Promise<Connector>;
  /** Between batches: drop connectors whose object changed since they were built. Never while a call is in flight. */
  refresh?(): Promise<void>;
  /** Whether {@link refresh} has anything to do (one cheap query), so that a worker waits for its calls only then. */
  changed?(): Promise<boolean>;
  /** Closes every connector made. */
  close(): Promise<void>;
}

export class ConnectorUnknownError extends IdflowError {
  constructor(name: string, why: string) {
    super('PROVISIONING_CONNECTOR_UNKNOWN', `no connector ${name}: ${why}`, { connector: name });
  }
}

/** The registry a worker uses: every kind idflow ships (`csv`, `scim`, `ldap`). */
export function workerConnectorRegistry(): ConnectorRegistry {
  const registry = createConnectorRegistry();
  if (!registry.has('ldap')) registry.register(ldapConnectorFactory);
  return registry;
}

/**
 * The repository's connector objects, each built on first use and rebuilt when its object changes; secrets from
 * `env` (the process environment by default), through the variables the settings name.
 */
export function repositoryConnectors(objects: ObjectStore, options: { readonly registry?: ConnectorRegistry; readonly env?: ConnectorEnv } = {}): ConnectorSource {
  const pool = new ConnectorPool(objects, { registry: options.registry ?? workerConnectorRegistry(), ...(options.env && { env: options.env }) });
  return {
    connector: (name) => pool.get(name),
    refresh: () => pool.refresh(),
    changed: () => pool.changed(),
    close: () => pool.close(),
  };
}

/** A source over connectors already made (a program that builds its own; the tests' HTTP target). */
export function fixedConnectors(connectors: readonly Connector[]): ConnectorSource {
  const byName = new Map(connectors.map((c) => [c.name, c]));
  return {
    async connector(name) {
      const c = byName.get(name);
      if (!c) throw new ConnectorUnknownError(name, `this worker has only ${[...byName.keys()].join(', ') || 'no connectors'}`);
      return c;
    },
    async close() {
      await Promise.all([...byName.values()].map((c) => c.close().catch(() => undefined)));
    },
  };
}
