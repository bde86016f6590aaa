/**
 * What an LDAP failure means for the order: the LDAP result code (or the socket's error) mapped to a
 * {@link ConnectorError}, transient or permanent (docs/connectors/ldap.md, "Errors").
 *
 * - busy (51), unavailable (52), unwilling to perform (53), and anything that happens to the connection (refused,
 *   reset, closed, no answer) are transient `CONNECTOR_UNAVAILABLE`; a time limit or an operation past the
 *   connector's `timeoutMs` is transient `CONNECTOR_TIMEOUT`;
 * - invalid credentials (49) and the other authentication refusals are permanent `CONNECTOR_AUTH_FAILED`;
 * - no such object (32) is permanent `CONNECTOR_NOT_FOUND`;
 * - every other result code, and a TLS certificate the connector will not trust, is permanent `CONNECTOR_REJECTED`.
 */
import { ResultCodeError } from 'ldapts';
import { ConnectorError } from '../connector.js';

const TRANSIENT_RESULT_CODES = new Set([51, 52, 53]);
const AUTH_RESULT_CODES = new Set([7, 8, 13, 48, 49]);
/** Socket-level failures worth retrying: the directory or the way to it is down for now. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'ENOTFOUND']);

export interface LdapErrorContext {
  /** What was being done, in words: `add`, `bind`, `modify DN`. */
  readonly operation: string;
  readonly dn?: string;
}

function where(context: LdapErrorContext): string {
  return context.dn !== undefined ? `LDAP ${context.operation} of '${context.dn}'` : `LDAP ${context.operation}`;
}

/** The {@link ConnectorError} for anything an LDAP call threw. A `ConnectorError` passes through unchanged. */
export function classifyLdapError(err: unknown, context: LdapErrorContext): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const details = { operation: context.operation, ...(context.dn !== undefined ? { dn: context.dn } : {}) };
  if (err instanceof ResultCodeError) {
    const message = `${where(context)} failed: ${err.message.split('\n')[0]} (LDAP result code ${err.code})`;
    const withCode = { ...details, ldapResultCode: err.code };
    if (TRANSIENT_RESULT_CODES.has(err.code)) return new ConnectorError('CONNECTOR_UNAVAILABLE', message, { transient: true, details: withCode, cause: err });
    if (err.code === 3) return new ConnectorError('CONNECTOR_TIMEOUT', message, { transient: true, details: withCode, cause: err });
    if (AUTH_RESULT_CODES.has(err.code)) return new ConnectorError('CONNECTOR_AUTH_FAILED', message, { transient: false, details: withCode, cause: err });
    if (err.code === 32) return new ConnectorError('CONNECTOR_NOT_FOUND', message, { transient: false, details: withCode, cause: err });
    return new ConnectorError('CONNECTOR_REJECTED', message, { transient: false, details: withCode, cause: err });
  }
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : undefined;
  const text = err instanceof Error ? err.message.split('\n')[0]! : String(err);
  if (code !== undefined && (NETWORK_CODES.has(code) || /^EAI_AGAIN$/.test(code))) {
    return new ConnectorError('CONNECTOR_UNAVAILABLE', `${where(context)}: the directory cannot be reached (${code}: ${text})`, {
      transient: true,
      details: { ...details, errno: code },
      cause: err,
    });
  }
  if (code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME/.test(code)) {
    return new ConnectorError('CONNECTOR_REJECTED', `${where(context)}: the directory's TLS certificate is not trusted (${code}: ${text}); check the tls settings`, {
      transient: false,
      details: { ...details, errno: code },
      cause: err,
    });
  }
  if (/timed out|timeout/i.test(text)) {
    return new ConnectorError('CONNECTOR_TIMEOUT', `${where(context)}: no answer in time (${text})`, { transient: true, details, cause: err });
  }
  if (/connection closed|socket error|socket connection not established|socket hang up/i.test(text)) {
    return new ConnectorError('CONNECTOR_UNAVAILABLE', `${where(context)}: the connection to the directory was lost (${text})`, { transient: true, details, cause: err });
  }
  return new ConnectorError('CONNECTOR_REJECTED', `${where(context)} failed: ${text}`, { transient: false, details, cause: err });
}

/** The LDAP result code of `err`, when it is one. */
export function resultCodeOf(err: unknown): number | undefined {
  if (err instanceof ResultCodeError) return err.code;
  if (err instanceof ConnectorError && typeof err.details['ldapResultCode'] === 'number') return err.details['ldapResultCode'];
  return undefined;
}
