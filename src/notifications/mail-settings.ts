/**
 * The mail settings (docs/email.md): the SMTP server, the sender, the console's base URL for links, where
 * people's addresses come from, reminders, and how the mail workers claim and retry. Read from a JSON file
 * (`--mail-config`, `IDFLOW_MAIL_CONFIG`), checked once by {@link compileMailSettings}, then frozen.
 *
 * ```json
 * {
 *   "smtp": { "host": "smtp.example.org", "port": 587, "security": "starttls", "user": "idflow", "passwordEnv": "IDFLOW_SMTP_PASSWORD" },
 *   "from": "idflow <idflow@example.org>",
 *   "baseUrl": "https://idflow.example.org",
 *   "domain": "example.org",
 *   "addresses": { "jdoe": "john.doe@example.org" },
 *   "reminderBefore": "1d",
 *   "escalateTo": ["helpdesk@example.org"]
 * }
 * ```
 */
import { MailPasswordMissingError, MailSettingsError } from './mail-errors.js';

/** `tls`: TLS from the first byte (port 465); `starttls`: plain, then upgraded, refused without it; `none`: plain. */
export type SmtpSecurity = 'tls' | 'starttls' | 'none';

export interface SmtpSettings {
  readonly host: string;
  /** @default 465 with `tls`, else 587 */
  readonly port?: number;
  /** @default "starttls" */
  readonly security?: SmtpSecurity;
  readonly user?: string;
  /** The environment variable holding the password (never the password itself: settings files get copied). */
  readonly passwordEnv?: string;
  /** One send (connect, greet, transfer) gives up after this. Milliseconds or `"30s"`. @default 30s */
  readonly timeout?: number | string;
}

export interface MailSettings {
  readonly smtp: SmtpSettings;
  /** The sender, `name <address>` or an address. */
  readonly from: string;
  /** The console's address: mails link to the console's `<baseUrl>/inbox/<id>` and `<baseUrl>/tasks/<id>`. */
  readonly baseUrl: string;
  /** Addresses of people by login, ahead of `domain`. */
  readonly addresses?: Readonly<Record<string, string>>;
  /** A login without an entry in `addresses` gets `<login>@<domain>`. */
  readonly domain?: string;
  /** Remind the holder of an open work item this long before it is due (ms or `"1d"`). @default no reminders */
  readonly reminderBefore?: number | string;
  /** Addresses told of every escalation, besides the requester and the item's holder. */
  readonly escalateTo?: readonly string[];
  /** Notifications claimed per round. @default 10 */
  readonly batchSize?: number;
  /** Sends tried before a transiently failing notification is failed for good. @default 8 */
  readonly maxAttempts?: number;
  /** Wait before the first retry; doubled for each next (ms or `"30s"`). @default 30s */
  readonly retryDelay?: number | string;
  /** Cap of one wait between retries. @default 1h */
  readonly maxRetryDelay?: number | string;
  /** Pause between rounds that found nothing to send. @default 1s */
  readonly idle?: number | string;
}

/** A secret that prints as `[hidden]` in logs, JSON and inspection. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[hidden]';
  }
  toJSON(): string {
    return '[hidden]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[hidden]';
  }
}

export interface CompiledMailSettings {
  readonly smtp: {
    readonly host: string;
    readonly port: number;
    readonly security: SmtpSecurity;
    readonly user: string | null;
    readonly password: Secret | null;
    readonly timeoutMs: number;
  };
  readonly from: string;
  readonly baseUrl: string;
  readonly addresses: ReadonlyMap<string, string>;
  readonly domain: string | null;
  readonly reminderBeforeMs: number | null;
  readonly escalateTo: readonly string[];
  readonly batchSize: number;
  readonly maxAttempts: number;
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  /** A claim holds a batch for every send's timeout and a margin: a worker that hangs gives it up after that. */
  readonly leaseMs: number;
  readonly idleMs: number;
}

const ADDRESS = /^[^\s@<>()",;]+@[^\s@<>()",;]+$/;
const DOMAIN = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds from a number or `"90s"`, `"15m"`, `"24h"`, `"2d"`. */
function duration(field: string, value: unknown, min: number): number {
  let ms: number | undefined;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') {
    const m = /^(\d+)\s*(ms|s|m|h|d)$/.exec(value.trim());
    if (m) ms = Number(m[1]) * UNITS[m[2]!]!;
  }
  if (ms === undefined || !Number.isSafeInteger(ms) || ms < min) {
    throw new MailSettingsError(field, `must be a duration of at least ${min} ms: milliseconds, or a number with ms, s, m, h or d ("30s", "1d"), not ${JSON.stringify(value)}`, { value });
  }
  return ms;
}

function integer(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new MailSettingsError(field, `must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`, { value });
  }
  return value;
}

function text(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new MailSettingsError(field, `must be a non-empty string, not ${JSON.stringify(value)}`, { value });
  return value.trim();
}

function address(field: string, value: unknown): string {
  const a = text(field, value);
  if (!ADDRESS.test(a)) throw new MailSettingsError(field, `must be an email address (name@domain), not ${JSON.stringify(a)}`, { value: a });
  return a;
}

function object(field: string, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new MailSettingsError(field, 'must be an object', {});
  return value as Record<string, unknown>;
}

/** The sender: an address, or `Display Name <address>`. */
function sender(value: unknown): string {
  const from = text('from', value);
  const m = /^(.*)<([^<>]+)>$/.exec(from);
  address('from', m ? m[2]!.trim() : from);
  return from;
}

/** The base URL of links: http(s), absolute, no query or fragment; kept without its trailing slash. */
function baseUrl(value: unknown): string {
  const raw = text('baseUrl', value);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MailSettingsError('baseUrl', `must be an absolute http(s) URL such as https://idflow.example.org, not ${JSON.stringify(raw)}`, { value: raw });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new MailSettingsError('baseUrl', `must be an http(s) URL without credentials, query or fragment, not ${JSON.stringify(raw)}`, { value: raw });
  }
  return url.href.replace(/\/+$/, '');
}

const KNOWN = new Set(['smtp', 'from', 'baseUrl', 'addresses', 'domain', 'reminderBefore', 'escalateTo', 'batchSize', 'maxAttempts', 'retryDelay', 'maxRetryDelay', 'idle']);
const KNOWN_SMTP = new Set(['host', 'port', 'security', 'user', 'passwordEnv', 'timeout']);

/**
 * Checks the settings once and fills in the defaults. The SMTP password is read from the environment variable
 * `smtp.passwordEnv` names, here, and kept as a {@link Secret}: it never appears in a message, a log or JSON.
 */
export function compileMailSettings(input: unknown, env: Readonly<Record<string, string | undefined>> = process.env): CompiledMailSettings {
  const s = object('(the settings)', input);
  for (const k of Object.keys(s)) if (!KNOWN.has(k)) throw new MailSettingsError(k, `is not a mail setting (known: ${[...KNOWN].join(', ')})`);
  const smtpIn = object('smtp', s['smtp']);
  for (const k of Object.keys(smtpIn)) if (!KNOWN_SMTP.has(k)) throw new MailSettingsError(`smtp.${k}`, `is not an SMTP setting (known: ${[...KNOWN_SMTP].join(', ')})`);
  const security = smtpIn['security'] ?? 'starttls';
  if (security !== 'tls' && security !== 'starttls' && security !== 'none') {
    throw new MailSettingsError('smtp.security', `must be "tls", "starttls" or "none", not ${JSON.stringify(security)}`, { value: security });
  }
  const user = smtpIn['user'] === undefined ? null : text('smtp.user', smtpIn['user']);
  let password: Secret | null = null;
  if (smtpIn['passwordEnv'] !== undefined) {
    const variable = text('smtp.passwordEnv', smtpIn['passwordEnv']);
    const value = env[variable];
    if (value === undefined || value === '') throw new MailPasswordMissingError(variable);
    password = new Secret(value);
  }
  if (password !== null && user === null) throw new MailSettingsError('smtp.user', 'is needed with smtp.passwordEnv (a password signs in a user)');
  const timeoutMs = smtpIn['timeout'] === undefined ? 30_000 : duration('smtp.timeout', smtpIn['timeout'], 100);
  const addresses = new Map<string, string>();
  if (s['addresses'] !== undefined) {
    for (const [login, a] of Object.entries(object('addresses', s['addresses']))) addresses.set(login, address(`addresses.${login}`, a));
  }
  let domain: string | null = null;
  if (s['domain'] !== undefined) {
    domain = text('domain', s['domain']);
    if (!DOMAIN.test(domain)) throw new MailSettingsError('domain', `must be a domain name such as example.org, not ${JSON.stringify(domain)}`, { value: domain });
  }
  const escalateIn = s['escalateTo'] ?? [];
  if (!Array.isArray(escalateIn)) throw new MailSettingsError('escalateTo', 'must be a list of email addresses');
  const batchSize = s['batchSize'] === undefined ? 10 : integer('batchSize', s['batchSize'], 1, 1000);
  const retryDelayMs = s['retryDelay'] === undefined ? 30_000 : duration('retryDelay', s['retryDelay'], 0);
  const maxRetryDelayMs = s['maxRetryDelay'] === undefined ? 3_600_000 : duration('maxRetryDelay', s['maxRetryDelay'], 0);
  if (maxRetryDelayMs < retryDelayMs) throw new MailSettingsError('maxRetryDelay', `must not be shorter than retryDelay (${retryDelayMs} ms)`);
  return Object.freeze({
    smtp: Object.freeze({
      host: text('smtp.host', smtpIn['host']),
      port: smtpIn['port'] === undefined ? (security === 'tls' ? 465 : 587) : integer('smtp.port', smtpIn['port'], 1, 65535),
      security,
      user,
      password,
      timeoutMs,
    }),
    from: sender(s['from']),
    baseUrl: baseUrl(s['baseUrl']),
    addresses,
    domain,
    reminderBeforeMs: s['reminderBefore'] === undefined ? null : duration('reminderBefore', s['reminderBefore'], 1),
    escalateTo: Object.freeze(escalateIn.map((a, k) => address(`escalateTo[${k}]`, a))),
    batchSize,
    maxAttempts: s['maxAttempts'] === undefined ? 8 : integer('maxAttempts', s['maxAttempts'], 1, 100),
    retryDelayMs,
    maxRetryDelayMs,
    leaseMs: batchSize * timeoutMs + 30_000,
    idleMs: s['idle'] === undefined ? 1000 : duration('idle', s['idle'], 0),
  });
}
