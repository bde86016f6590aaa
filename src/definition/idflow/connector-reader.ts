/**
 * `<Connector name="crm" kind="scim" description="…">` with one child element per setting:
 *
 * ```xml
 * <Connector name="crm" kind="scim">
 *   <baseUrl>https://crm.example.com/scim/v2</baseUrl>
 *   <tokenEnv>IDFLOW_CRM_TOKEN</tokenEnv>
 * </Connector>
 * ```
 *
 * A setting is the text of its element; a setting written several times is a list; an element with child elements
 * is a group of settings. The kind's own `parseSettings` (through the connector registry) validates them here, at
 * import, so a misspelt or missing setting stops the import at its line instead of failing the first order.
 */
import { ConnectorSettingsError } from '../../connectors/connector-settings.js';
import { IdflowError } from '../../errors.js';
import { checkAttributes, requireAttribute } from '../attributes.js';
import type { SourceLocation } from '../diagnostic.js';
import type { LoadContext } from '../load-context.js';
import type { ConnectorObject, ConnectorSettingValue } from '../model/objects.js';
import type { XmlElement } from '../xml/xml-element.js';

/** What validates a connector's settings: the connector registry (src/connectors/connector-registry.ts). */
export interface ConnectorSettingsValidator {
  kinds(): string[];
  has(kind: string): boolean;
  parseSettings(kind: string, raw: Readonly<Record<string, unknown>>, where: string): unknown;
}

type Settings = Record<string, ConnectorSettingValue>;

export function readConnector(el: XmlElement, ctx: LoadContext, validator: ConnectorSettingsValidator): ConnectorObject | undefined {
  checkAttributes(el, { known: ['name', 'kind', 'description'] }, ctx);
  const name = requireAttribute(el, 'name', ctx, 'the name resources and provisioning orders use (e.g. "corp-ldap")');
  const kind = requireAttribute(el, 'kind', ctx, `one of ${validator.kinds().join(', ')}`);
  const errorsBefore = ctx.diags.errorCount;
  const locations = new Map<string, SourceLocation>();
  const settings = readSettings(el, '', ctx, locations);
  if (name === undefined || kind === undefined) return undefined;
  if (!validator.has(kind)) {
    ctx.diags.error(
      'CONNECTOR_KIND_UNKNOWN',
      `<Connector '${name}'> has kind "${kind}", which idflow does not know; the kinds are ${validator.kinds().join(', ')}`,
      el.attributeLocations.get('kind') ?? el.location,
    );
    return undefined;
  }
  if (ctx.diags.errorCount !== errorsBefore) return undefined;
  try {
    validator.parseSettings(kind, settings, `<Connector '${name}'>`);
  } catch (e) {
    if (!(e instanceof IdflowError)) throw e;
    // Point at the setting's own element when the error names one that is written (a missing one: the Connector).
    const setting = e instanceof ConnectorSettingsError ? e.setting : e.details['setting'];
    const at = (typeof setting === 'string' ? locations.get(setting) : undefined) ?? el.location;
    ctx.diags.error(e.code, e.message, at);
    return undefined;
  }
  const description = el.attributes.get('description')?.trim();
  return {
    type: 'Connector',
    dialect: 'idflow',
    name,
    kind,
    ...(description ? { description } : {}),
    settings,
    location: el.location,
  };
}

function readSettings(el: XmlElement, prefix: string, ctx: LoadContext, locations: Map<string, SourceLocation>): Settings {
  if (el.text.trim() !== '') {
    ctx.diags.error('DEF_UNKNOWN_ELEMENT', `<${el.name}> holds text beside its settings; write each setting as a child element`, el.location);
  }
  const out: Settings = {};
  for (const c of el.children) {
    const path = `${prefix}${c.name}`;
    checkAttributes(c, { known: [] }, ctx);
    if (!locations.has(path)) locations.set(path, c.location);
    const value: ConnectorSettingValue = c.children.length > 0 ? readSettings(c, `${path}.`, ctx, locations) : c.text.trim();
    const earlier = out[c.name];
    if (earlier === undefined) {
      out[c.name] = value;
    } else if (typeof value === 'string' && (typeof earlier === 'string' || Array.isArray(earlier))) {
      out[c.name] = [...(typeof earlier === 'string' ? [earlier] : (earlier as readonly string[])), value];
    } else {
      ctx.diags.error('DEF_DUPLICATE_ELEMENT', `setting <${c.name}> is a group and may be written once`, c.location);
    }
  }
  return out;
}
