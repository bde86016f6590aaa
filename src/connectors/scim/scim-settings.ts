/**
 * The settings of a `<Connector kind="scim">` (docs/connectors/scim.md):
 *
 * ```xml
 * <Connector name="crm" kind="scim">
 *   <baseUrl>https://crm.example.com/scim/v2</baseUrl>
 *   <tokenEnv>IDFLOW_CRM_TOKEN</tokenEnv>
 *   <timeoutMs>10000</timeoutMs>
 *   <groupKey>displayName</groupKey>
 *   <enterpriseExtension>true</enterpriseExtension>
 * </Connector>
 * ```
 */
import { SettingsReader } from '../connector-settings.js';

export interface ScimSettings {
  /** The service's base URL, without a trailing slash; `/Users` and `/Groups` are appended. */
  readonly baseUrl: string;
  /** The environment variable holding the bearer token; none: requests carry no Authorization header. */
  readonly tokenEnv?: string;
  /** How long one HTTP request may take, in milliseconds. */
  readonly timeoutMs: number;
  /** How resources name groups on this target: by `displayName` (looked up once per group) or by SCIM `id`. */
  readonly groupKey: 'displayName' | 'id';
  /**
   * Whether the target takes the enterprise User extension (department, organization, employeeNumber, manager).
   * Without it, those attributes are refused (`CONNECTOR_ATTRIBUTE_UNKNOWN`) rather than silently dropped.
   */
  readonly enterpriseExtension: boolean;
  /** Whether a token may be sent over plain http: to another machine (refused unless set). */
  readonly allowHttp: boolean;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

export function parseScimSettings(raw: Readonly<Record<string, unknown>>, where: string): ScimSettings {
  const r = new SettingsReader(raw, where);
  const url = r.url('baseUrl', { required: true });
  if (url.search !== '' || url.hash !== '') r.fail('baseUrl', 'must not hold a query (?…) or fragment (#…)');
  const tokenEnv = r.envName('tokenEnv');
  const allowHttp = r.boolean('allowHttp', false);
  // A bearer token in clear text over the network is as good as published; to this machine (tests, a local proxy) it is not.
  if (url.protocol === 'http:' && tokenEnv !== undefined && !allowHttp && !isLoopback(url.hostname)) {
    r.fail('baseUrl', `would send the bearer token in clear text to ${url.hostname} (http:); use https:, or set allowHttp to true for a network you trust`);
  }
  const settings: ScimSettings = {
    baseUrl: url.href.replace(/\/+$/, ''),
    ...(tokenEnv !== undefined && { tokenEnv }),
    timeoutMs: r.integer('timeoutMs', { min: 1, max: 600_000, default: 10_000 }),
    groupKey: r.oneOf('groupKey', ['displayName', 'id'] as const, 'displayName'),
    enterpriseExtension: r.boolean('enterpriseExtension', true),
    allowHttp,
  };
  r.done();
  return settings;
}
