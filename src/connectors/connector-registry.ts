/**
 * The connector registry: connector kind → {@link ConnectorFactory}. It validates a `<Connector>` object's settings
 * at import (the loader calls {@link ConnectorRegistry.parseSettings}) and builds live connectors from the stored
 * objects (provisioning workers, `idflow connector test`).
 *
 * The kinds idflow ships are in {@link createConnectorRegistry}; a program embedding idflow may add its own.
 */
import type { ConnectorObject } from '../definition/model/objects.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import type { ObjectStore } from '../repository/object-store.js';
import type { Connector, ConnectorFactory } from './connector.js';
import { refuseSecretSettings } from './connector-settings.js';
import { csvConnectorFactory } from './csv/csv-connector.js';
import { ldapConnectorFactory } from './ldap/ldap-connector-factory.js';
import { scimConnectorFactory } from './scim/scim-connector.js';

/** Where secrets are read from when a connector is built: the process environment by default. */
export type ConnectorEnv = Readonly<Record<string, string | undefined>>;

/** What a connector is built from: a stored `<Connector>` object's model, or the same shape from code. */
export type ConnectorDefinition = Pick<ConnectorObject, 'name' | 'kind' | 'settings'>;

export class ConnectorRegistry {
  readonly #factories = new Map<string, ConnectorFactory>();

  constructor(factories: readonly ConnectorFactory<any>[] = []) {
    for (const f of factories) this.register(f);
  }

  /** Adds a kind (a later registration of the same kind replaces the earlier one). */
  register<S>(factory: ConnectorFactory<S>): this {
    this.#factories.set(factory.kind, factory as ConnectorFactory);
    return this;
  }

  /** The kinds known, sorted. */
  kinds(): string[] {
    return [...this.#factories.keys()].sort();
  }

  has(kind: string): boolean {
    return this.#factories.has(kind);
  }

  /** The factory of `kind`; refuses an unknown kind with `CONNECTOR_KIND_UNKNOWN`, listing the known ones. */
  factory(kind: string): ConnectorFactory {
    const f = this.#factories.get(kind);
    if (!f) {
      throw new InvalidInputError('CONNECTOR_KIND_UNKNOWN', `no connector kind "${kind}"; the kinds are ${this.kinds().join(', ')}`, {
        kind,
        kinds: this.kinds(),
      });
    }
    return f;
  }

  /**
   * Validates settings for `kind`: refuses a setting that would hold a secret whatever the kind, then lets the
   * kind's `parseSettings` read the rest. Throws `CONNECTOR_SETTINGS_INVALID` naming the setting.
   */
  parseSettings(kind: string, raw: Readonly<Record<string, unknown>>, where: string): unknown {
    const factory = this.factory(kind);
    refuseSecretSettings(raw, where);
    return factory.parseSettings(raw, where);
  }

  /** Builds a live connector; secrets are read from `env` (the process environment by default). */
  create(definition: ConnectorDefinition, env: ConnectorEnv = process.env): Connector {
    const settings = this.parseSettings(definition.kind, definition.settings, `connector ${definition.name}`);
    return this.factory(definition.kind).create(definition.name, settings, env);
  }
}

/** A registry with every kind idflow ships: `csv`, `ldap`, `scim`. */
export function createConnectorRegistry(): ConnectorRegistry {
  return new ConnectorRegistry([csvConnectorFactory, ldapConnectorFactory, scimConnectorFactory]);
}

/**
 * The latest stored `<Connector>` called `name`, refused with `CONNECTOR_UNKNOWN` (listing the connectors there are)
 * when the repository has none of that name.
 */
export async function findConnectorObject(objects: ObjectStore, name: string): Promise<ConnectorObject> {
  const stored = await objects.getLatest('Connector', name);
  if (!stored || stored.model.type !== 'Connector') {
    const names = (await objects.list('Connector')).map((o) => o.name);
    throw new NotFoundError(
      'CONNECTOR_UNKNOWN',
      `no connector "${name}" in the repository; ${names.length > 0 ? `the connectors are ${names.join(', ')}` : 'import a <Connector> object first'}`,
      { name, connectors: names },
    );
  }
  return stored.model;
}

/** Builds the connector the repository's `<Connector name=NAME>` describes. */
export async function openConnector(
  objects: ObjectStore,
  name: string,
  options: { readonly registry?: ConnectorRegistry; readonly env?: ConnectorEnv } = {},
): Promise<Connector> {
  const object = await findConnectorObject(objects, name);
  return (options.registry ?? createConnectorRegistry()).create(object, options.env ?? process.env);
}
