/**
 * One SCIM HTTP exchange with Node's fetch: bearer token, a per-request timeout joined to the caller's abort signal,
 * JSON bodies, and every failure turned into a {@link ConnectorError} that says whether it is worth retrying:
 * - no connection, 5xx, 429 → `CONNECTOR_UNAVAILABLE`, transient, with the target's `Retry-After` when it gave one;
 * - no answer in time, or the caller aborted → `CONNECTOR_TIMEOUT`, transient;
 * - 401, 403 → `CONNECTOR_AUTH_FAILED`; 404 → `CONNECTOR_NOT_FOUND`; other 4xx → `CONNECTOR_REJECTED`; permanent.
 * Callers pass the statuses they handle themselves (`allow`: a 404 on delete means "already gone").
 *
 * The token is read from the environment variable the settings name when the connector is built; it is sent only in
 * the Authorization header and never appears in a message.
 */
import { ConnectorError } from '../connector.js';
import { parseRetryAfter } from '../retry-after.js';
import type { ScimSettings } from './scim-settings.js';

export interface ScimResponse {
  readonly status: number;
  /** The parsed JSON body; undefined when empty (204). */
  readonly body: unknown;
}

export interface ScimRequest {
  readonly signal: AbortSignal;
  readonly body?: unknown;
  /** Sent as `Idempotency-Key` (targets that know the header deduplicate with it; the others ignore it). */
  readonly idempotencyKey?: string;
  /** Statuses answered to the caller instead of being thrown. */
  readonly allow?: readonly number[];
}

/** The most of an error body quoted in a message: enough for the target's reason, not a whole HTML page. */
const DETAIL_LIMIT = 300;

export class ScimHttp {
  readonly #settings: ScimSettings;
  readonly #token: string | undefined;
  readonly #connector: string;

  constructor(connector: string, settings: ScimSettings, env: Readonly<Record<string, string | undefined>>) {
    this.#connector = connector;
    this.#settings = settings;
    const token = settings.tokenEnv !== undefined ? env[settings.tokenEnv] : undefined;
    this.#token = token !== undefined && token !== '' ? token : undefined;
  }

  get baseUrl(): string {
    return this.#settings.baseUrl;
  }

  /** `GET`, `POST`, … on a path below the base URL (`/Users?filter=…`). */
  async request(method: string, path: string, request: ScimRequest): Promise<ScimResponse> {
    if (this.#settings.tokenEnv !== undefined && this.#token === undefined) {
      throw new ConnectorError(
        'CONNECTOR_AUTH_FAILED',
        `connector ${this.#connector}: the environment variable ${this.#settings.tokenEnv} (its tokenEnv setting) is not set in this process`,
        { transient: false, details: { connector: this.#connector, variable: this.#settings.tokenEnv } },
      );
    }
    const what = `${method} ${path.split('?')[0]}`;
    const timeout = AbortSignal.timeout(this.#settings.timeoutMs);
    const signal = AbortSignal.any([request.signal, timeout]);
    const headers: Record<string, string> = { accept: 'application/scim+json, application/json' };
    if (this.#token !== undefined) headers['authorization'] = `Bearer ${this.#token}`;
    if (request.body !== undefined) headers['content-type'] = 'application/scim+json';
    if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.#settings.baseUrl}${path}`, {
        method,
        headers,
        signal,
        ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
      });
      text = await response.text();
    } catch (e) {
      throw this.#transportError(what, e, request.signal, timeout);
    }
    const body = parseBody(text);
    if ((response.status >= 200 && response.status < 300) || request.allow?.includes(response.status)) {
      return { status: response.status, body };
    }
    throw this.#statusError(what, response, body, text);
  }

  #transportError(what: string, e: unknown, caller: AbortSignal, timeout: AbortSignal): ConnectorError {
    const details = { connector: this.#connector, request: what };
    if (caller.aborted) {
      return new ConnectorError('CONNECTOR_TIMEOUT', `${this.#where(what)}: stopped waiting: the call was aborted (the order's time is up or the worker is stopping)`, {
        transient: true,
        details,
        cause: e,
      });
    }
    if (timeout.aborted) {
      return new ConnectorError('CONNECTOR_TIMEOUT', `${this.#where(what)}: no answer within ${this.#settings.timeoutMs} ms (the timeoutMs setting)`, {
        transient: true,
        details: { ...details, timeoutMs: this.#settings.timeoutMs },
        cause: e,
      });
    }
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
    return new ConnectorError('CONNECTOR_UNAVAILABLE', `${this.#where(what)}: cannot reach ${new URL(this.#settings.baseUrl).host}: ${reason}`, {
      transient: true,
      details: { ...details, reason },
      cause: e,
    });
  }

  #statusError(what: string, response: Response, body: unknown, text: string): ConnectorError {
    const status = response.status;
    const scim = (body ?? {}) as { detail?: unknown; scimType?: unknown };
    const said = typeof scim.detail === 'string' ? scim.detail : text;
    const detail = `${status}${typeof scim.scimType === 'string' ? ` ${scim.scimType}` : ''}${said ? `: ${said.slice(0, DETAIL_LIMIT)}` : ''}`;
    const details = { connector: this.#connector, request: what, status, ...(typeof scim.scimType === 'string' && { scimType: scim.scimType }) };
    if (status === 429 || status >= 500) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), response.headers.get('date'));
      return new ConnectorError('CONNECTOR_UNAVAILABLE', `${this.#where(what)}: the service is busy or failing (${detail})`, {
        transient: true,
        ...(retryAfterMs !== undefined && { retryAfterMs }),
        details: { ...details, ...(retryAfterMs !== undefined && { retryAfterMs }) },
      });
    }
    if (status === 401 || status === 403) {
      const token = this.#settings.tokenEnv !== undefined ? `the token in ${this.#settings.tokenEnv}` : 'no token (no tokenEnv setting)';
      return new ConnectorError('CONNECTOR_AUTH_FAILED', `${this.#where(what)}: the service refused ${token} (${detail})`, { transient: false, details });
    }
    if (status === 404) return new ConnectorError('CONNECTOR_NOT_FOUND', `${this.#where(what)}: not found (${detail})`, { transient: false, details });
    return new ConnectorError('CONNECTOR_REJECTED', `${this.#where(what)}: refused (${detail})`, { transient: false, details });
  }

  #where(what: string): string {
    return `connector ${this.#connector}: ${what}`;
  }
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
