/**
 * Where a provisioning worker gets the connector an order names. The registry of connector kinds and the connector
 * objects in the repository belong to the connector work (src/connectors/connector-registry.ts); the worker only
 * needs "the live connector called NAME", made once per worker and closed when it stops.
 */
import type { Connector, ConnectorFactory } from '../connectors/connector.js';
import { IdflowError } from '../errors.js';

export interface ConnectorSource {
  /** The connector object `name`, made on first use. Throws `PROVISIONING_CONNECTOR_UNKNOWN` when there is none. */
  connector(name: string): Promise<Connector>;
  /** Closes every connector made. */
  close(): Promise<void>;
}

/** The settings of one connector object: its kind (`ldap`, `scim`, `csv`) and its raw settings. */
export interface ConnectorDefinition {
  readonly kind: string;
  readonly settings: Readonly<Record<string, unknown>>;
}

export class ConnectorUnknownError extends IdflowError {
  constructor(name: string, why: string) {
    super('PROVISIONING_CONNECTOR_UNKNOWN', `no connector ${name}: ${why}`, { connector: name });
  }
}

/**
 * A source over connector factories and a lookup of connector objects (`definitionOf`, e.g. the repository's
 * connector objects): each connector is made on first use with its factory's validated settings and the
 * environment (secrets come from variables the settings name), then kept.
 */
export function connectorSource(
  factories: readonly ConnectorFactory[],
  definitionOf: (name: string) => Promise<ConnectorDefinition | undefined>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ConnectorSource {
  const byKind = new Map(factories.map((f) => [f.kind, f]));
  const made = new Map<string, Promise<Connector>>();
  return {
    connector(name) {
      let c = made.get(name);
      if (!c) {
        c = (async () => {
          const def = await definitionOf(name);
          if (!def) throw new ConnectorUnknownError(name, 'no connector object has this name');
          const factory = byKind.get(def.kind);
          if (!factory) throw new ConnectorUnknownError(name, `its kind ${def.kind} is not one of ${[...byKind.keys()].join(', ') || '(none)'}`);
          return factory.create(name, factory.parseSettings(def.settings, `connector ${name}`), env);
        })();
        // A failed lookup is not kept: the object may be imported meanwhile.
        c.catch(() => made.delete(name));
        made.set(name, c);
      }
      return c;
    },
    async close() {
      const all = [...made.values()];
      made.clear();
      await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => undefined)));
    },
  };
}

/** A source over connectors already made (a program that builds its own, the tests' HTTP target). */
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
