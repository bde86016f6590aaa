/**
 * Reading a connector object's settings, once, at import (and again, identically, when a connector is built). Each
 * kind's `parseSettings` takes the raw settings through a {@link SettingsReader}, which refuses a missing, malformed
 * or unknown setting with a `CONNECTOR_SETTINGS_INVALID` error naming it, so the import can point at its line.
 *
 * Raw settings come from XML (text, lists of text for a repeated setting, nested maps for a group) or from code
 * (tests, the API), where numbers and booleans are accepted as such.
 */
import { InvalidInputError } from '../errors.js';

/** A connector object's setting is missing, malformed or unknown. `setting` names it (`auth.tokenEnv` inside a group). */
export class ConnectorSettingsError extends InvalidInputError {
  readonly setting: string;

  constructor(setting: string, message: string, where: string) {
    super('CONNECTOR_SETTINGS_INVALID', `${where}: setting "${setting}": ${message}`, { setting, where });
    this.setting = setting;
  }
}

/**
 * Names that hold a secret when written in settings. A setting of that name (`password`, `token`, `apiKey`, …) is
 * refused whatever the kind, before the kind reads anything: the repository, `idflow show` and the audit must never
 * hold a secret, so settings name the environment variable instead (`tokenEnv`, `passwordEnv`).
 */
const SECRET_NAME = /^(password|passwd|pwd|secret|token|bearer|apikey|api_key|accesskey|clientsecret|credentials?|privatekey)$/i;

/** True when a setting of this name would hold a secret (see {@link SECRET_NAME}). */
export function isSecretSettingName(name: string): boolean {
  return SECRET_NAME.test(name.replace(/[-_]/g, ''));
}

/** What an environment variable's name may be: letters, digits and `_`, not starting with a digit. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Reads settings one by one and remembers which it read, so {@link done} can refuse the rest as unknown. Every
 * method throws {@link ConnectorSettingsError} naming the setting.
 */
export class SettingsReader {
  readonly #raw: Readonly<Record<string, unknown>>;
  readonly #where: string;
  readonly #prefix: string;
  readonly #read = new Set<string>();

  /** `where` says which object is read (`connector hr-scim at connectors.xml:3`); it starts every message. */
  constructor(raw: Readonly<Record<string, unknown>>, where: string, prefix = '') {
    this.#raw = raw;
    this.#where = where;
    this.#prefix = prefix;
  }

  fail(name: string, message: string): never {
    throw new ConnectorSettingsError(`${this.#prefix}${name}`, message, this.#where);
  }

  #take(name: string): unknown {
    this.#read.add(name);
    const v = this.#raw[name];
    return typeof v === 'string' ? v.trim() : v;
  }

  /** A text setting; `undefined` when absent or empty and not required. */
  string(name: string, options: { required: true }): string;
  string(name: string, options?: { required?: boolean }): string | undefined;
  string(name: string, options: { required?: boolean } = {}): string | undefined {
    const v = this.#take(name);
    if (v === undefined || v === null || v === '') {
      if (options.required) this.fail(name, 'is required');
      return undefined;
    }
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (typeof v !== 'string') this.fail(name, 'must be text, written once');
    return v;
  }

  /** An `http:` or `https:` URL, without credentials in it. */
  url(name: string, options: { required: true }): URL;
  url(name: string, options?: { required?: boolean }): URL | undefined;
  url(name: string, options: { required?: boolean } = {}): URL | undefined {
    const text = this.string(name, options);
    if (text === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return this.fail(name, `"${text}" is not a URL; write it as https://host/path`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') this.fail(name, `must be an http: or https: URL, not ${url.protocol}`);
    // A password in the URL would be stored in the repository and shown by `idflow show`.
    if (url.username !== '' || url.password !== '') this.fail(name, 'must not hold a user name or password; name the variable that holds the secret instead');
    return url;
  }

  /** A whole number within [min, max]. */
  integer(name: string, options: { min: number; max: number; default: number }): number {
    const v = this.#take(name);
    if (v === undefined || v === null || v === '') return options.default;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n)) this.fail(name, `must be a whole number, not ${JSON.stringify(v)}`);
    if (n < options.min || n > options.max) this.fail(name, `must be between ${options.min} and ${options.max}, not ${n}`);
    return n;
  }

  /** `true`/`false` (also `yes`/`no`). */
  boolean(name: string, defaultValue: boolean): boolean {
    const v = this.#take(name);
    if (v === undefined || v === null || v === '') return defaultValue;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') {
      const t = v.toLowerCase();
      if (t === 'true' || t === 'yes') return true;
      if (t === 'false' || t === 'no') return false;
    }
    return this.fail(name, `must be true or false, not ${JSON.stringify(v)}`);
  }

  /** One of `values`. */
  oneOf<T extends string>(name: string, values: readonly T[], defaultValue: T): T {
    const v = this.string(name);
    if (v === undefined) return defaultValue;
    if (!(values as readonly string[]).includes(v)) this.fail(name, `must be one of ${values.join(', ')}, not "${v}"`);
    return v as T;
  }

  /** The NAME of an environment variable (the secret itself is read from it when the connector is built). */
  envName(name: string, options: { required: true }): string;
  envName(name: string, options?: { required?: boolean }): string | undefined;
  envName(name: string, options: { required?: boolean } = {}): string | undefined {
    const v = this.string(name, options);
    if (v !== undefined && !ENV_NAME.test(v)) {
      // Never echo it: what does not look like a variable's name may well be the secret itself.
      this.fail(name, 'must be the name of an environment variable (letters, digits and _), not a value; put the secret in that variable');
    }
    return v;
  }

  /** A list: a repeated setting, or one setting whose values are separated by commas. Empty entries are dropped. */
  list(name: string): string[] | undefined {
    const v = this.#take(name);
    if (v === undefined || v === null || v === '') return undefined;
    const items = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : undefined;
    if (!items || !items.every((i) => typeof i === 'string')) return this.fail(name, 'must be text or a list of text');
    return (items as string[]).map((i) => i.trim()).filter((i) => i !== '');
  }

  /** A group of settings (`<attributes><email>mail</email></attributes>`), read by its own reader. */
  group(name: string): SettingsReader | undefined {
    const v = this.#take(name);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) return this.fail(name, 'must be a group of settings (child elements)');
    return new SettingsReader(v as Record<string, unknown>, this.#where, `${this.#prefix}${name}.`);
  }

  /** The names given that no method asked for, in the order written. */
  unread(): string[] {
    return Object.keys(this.#raw).filter((k) => !this.#read.has(k));
  }

  /** Refuses the first setting that nothing read: a misspelt setting must not be silently ignored. */
  done(): void {
    const extra = this.unread()[0];
    if (extra === undefined) return;
    const known = [...this.#read].sort().join(', ');
    this.fail(extra, `is not a setting of this connector; the settings are ${known}`);
  }
}

/** Refuses settings that would hold a secret (see {@link isSecretSettingName}), at any depth. */
export function refuseSecretSettings(raw: Readonly<Record<string, unknown>>, where: string, prefix = ''): void {
  for (const [name, value] of Object.entries(raw)) {
    if (isSecretSettingName(name)) {
      throw new ConnectorSettingsError(
        `${prefix}${name}`,
        `secrets are never written in connector settings (the repository, idflow show and the audit would hold them); put it in an environment variable and name that variable with "${name}Env"`,
        where,
      );
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      refuseSecretSettings(value as Record<string, unknown>, where, `${prefix}${name}.`);
    }
  }
}
