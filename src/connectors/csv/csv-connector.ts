/**
 * The CSV export connector (kind `csv`, docs/connectors/csv.md), for systems that take files instead of calls: every
 * operation is one record of a CSV file in a directory the target system reads.
 *
 * - The record: `operation`, the key column (the `keyAttribute`, `login` by default), the attribute columns, then
 *   `newKey` (rename), `group` (membership), `order` (the order's idempotency key) and `at` (when it was written).
 * - `mode=append`: every record goes to `<fileName>.csv`; `mode=perRun`: a connector's run (from its start to
 *   close(), i.e. a worker's life) writes its own `<fileName>-<run>.csv`.
 * - Writes are atomic: the new file is written whole beside the old one, synced, and renamed over it, so a reader
 *   sees the old file or the new one, never half a record. A lock file keeps two workers of one machine apart.
 * - The files are the connector's memory: before writing, it reads what its files hold (once, then again only when
 *   they changed under it). An order whose idempotency key is there already is answered from its record (written
 *   once); a create whose key is present is adopted (no record); an operation on a key the files do not hold is
 *   `CONNECTOR_NOT_FOUND`; a delete of an absent key succeeds without a record.
 */
import { randomBytes } from 'node:crypto';
import { access, constants, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ACCOUNT_ATTRIBUTE_NAMES,
  ConnectorError,
  type AccountAttributes,
  type Connector,
  type ConnectorCheck,
  type ConnectorFactory,
  type ProvisioningOperation,
  type ProvisioningRequest,
  type ProvisioningResult,
} from '../connector.js';
import { formatRecord, parseCsv } from './csv-format.js';
import { withFileLock } from './csv-file-lock.js';
import { parseCsvSettings, type CsvSettings } from './csv-settings.js';

/** What the files say: which keys are present, and what each order already written answered. */
interface Index {
  /** The files' names, sizes and times when read or last written by us: another change makes us read again. */
  signature: string;
  readonly present: Set<string>;
  readonly orders: Map<string, ProvisioningResult>;
}

export class CsvConnector implements Connector {
  readonly kind = 'csv';
  readonly name: string;
  readonly #settings: CsvSettings;
  readonly #header: readonly string[];
  /** This run's file in `perRun` mode; the one file in `append` mode. */
  readonly #file: string;
  #index: Index | undefined;
  /** Serialises this connector's writes in this process (the lock file serialises processes). */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(name: string, settings: CsvSettings) {
    this.name = name;
    this.#settings = settings;
    this.#header = ['operation', settings.keyAttribute, ...settings.columns, 'newKey', 'group', 'order', 'at'];
    const run = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.#file = settings.mode === 'append' ? `${settings.fileName}.csv` : `${settings.fileName}-${run}.csv`;
  }

  /** The file this connector writes to (for tests and `idflow connector test`). */
  get file(): string {
    return join(this.#settings.directory, this.#file);
  }

  apply(request: ProvisioningRequest): Promise<ProvisioningResult> {
    const next = this.#queue
      .then(() =>
        withFileLock(join(this.#settings.directory, `.${this.#settings.fileName}.lock`), request.signal, `connector ${this.name}`, () => this.#applyLocked(request)),
      )
      .catch((e: unknown) => {
        throw this.#fileError(e);
      });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #applyLocked(request: ProvisioningRequest): Promise<ProvisioningResult> {
    const op = request.operation;
    if ('attributes' in op && op.attributes) this.#checkAttributes(op.attributes);
    const index = await this.#readIndex();
    const done = index.orders.get(request.idempotencyKey);
    if (done) return done;
    const planned = this.#plan(op, index);
    if (!planned.record) return planned.result;
    await this.#append(planned.record, request);
    this.#remember(index, op, planned.result, request.idempotencyKey);
    index.signature = await this.#signature();
    return planned.result;
  }

  /**
   * File-system failures as connector errors. The directory is the target's: it is never created here (a misspelt
   * directory would swallow every file), so a missing one is the target being unavailable, like a mount not there yet.
   */
  #fileError(e: unknown): unknown {
    if (e instanceof ConnectorError) return e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) return e;
    const details = { connector: this.name, directory: this.#settings.directory, errno: code };
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      return new ConnectorError('CONNECTOR_REJECTED', `connector ${this.name}: may not write to ${this.#settings.directory} (${code})`, { transient: false, details, cause: e });
    }
    const why = code === 'ENOENT' || code === 'ENOTDIR' ? 'the directory is not there' : `the file system failed (${code})`;
    return new ConnectorError('CONNECTOR_UNAVAILABLE', `connector ${this.name}: cannot write to ${this.#settings.directory}: ${why}`, { transient: true, details, cause: e });
  }

  #checkAttributes(attributes: AccountAttributes): void {
    for (const name of Object.keys(attributes)) {
      if (!(ACCOUNT_ATTRIBUTE_NAMES as readonly string[]).includes(name)) {
        throw new ConnectorError('CONNECTOR_ATTRIBUTE_UNKNOWN', `connector ${this.name}: no account attribute "${name}"; the attributes are ${ACCOUNT_ATTRIBUTE_NAMES.join(', ')}`, {
          transient: false,
          details: { connector: this.name, attribute: name },
        });
      }
    }
  }

  /** The record an operation writes (none when there is nothing to write) and what it answers. */
  #plan(op: ProvisioningOperation, index: Index): { record?: Record<string, string>; result: ProvisioningResult } {
    const attrs = 'attributes' in op ? (op.attributes ?? {}) : {};
    const values = (a: AccountAttributes): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const c of this.#settings.columns) {
        const v = a[c];
        if (v !== undefined && v !== null) out[c] = typeof v === 'string' ? v : v.join(this.#settings.listSeparator);
      }
      return out;
    };
    if (op.kind === 'create') {
      const raw = attrs[this.#settings.keyAttribute];
      const key = typeof raw === 'string' ? raw : undefined;
      if (key === undefined || key === '') {
        throw new ConnectorError('CONNECTOR_REJECTED', `connector ${this.name}: a create needs "${this.#settings.keyAttribute}" (the keyAttribute setting), one value`, {
          transient: false,
          details: { connector: this.name },
        });
      }
      if (index.present.has(key)) return { result: { key, outcome: 'adopted' } };
      return { record: { operation: 'create', [this.#settings.keyAttribute]: key, ...values(attrs) }, result: { key, outcome: 'created' } };
    }
    if (!index.present.has(op.key)) {
      if (op.kind === 'delete') return { result: { key: op.key, outcome: 'deleted' } };
      throw new ConnectorError('CONNECTOR_NOT_FOUND', `connector ${this.name}: no account "${op.key}" in ${this.#settings.directory}/${this.#settings.fileName}*.csv`, {
        transient: false,
        details: { connector: this.name, key: op.key },
      });
    }
    const base = { operation: op.kind, [this.#settings.keyAttribute]: op.key };
    switch (op.kind) {
      case 'update':
        return { record: { ...base, ...values(op.attributes) }, result: { key: op.key, outcome: 'changed' } };
      case 'rename': {
        const newKey = this.#settings.keyAttribute === 'login' ? op.newLogin : op.key;
        const record = { ...base, ...values({ ...(op.attributes ?? {}), login: op.newLogin }), newKey };
        return { record, result: { key: newKey, outcome: 'changed' } };
      }
      case 'disable':
      case 'enable':
        return { record: base, result: { key: op.key, outcome: 'changed' } };
      case 'delete':
        return { record: base, result: { key: op.key, outcome: 'deleted' } };
      case 'addMember':
      case 'removeMember':
        return { record: { ...base, group: op.group }, result: { key: op.key, outcome: 'changed' } };
    }
  }

  #remember(index: Index, op: ProvisioningOperation, result: ProvisioningResult, order: string): void {
    if (op.kind === 'create') index.present.add(result.key);
    if (op.kind === 'rename') {
      index.present.delete(op.key);
      index.present.add(result.key);
    }
    if (op.kind === 'delete') index.present.delete(op.key);
    index.orders.set(order, result);
  }

  /** The connector's files in the directory: `<stem>.csv` and every run's `<stem>-<run>.csv`, by name. */
  async #files(): Promise<string[]> {
    const stem = this.#settings.fileName;
    const names = await readdir(this.#settings.directory).catch(() => [] as string[]);
    return names.filter((n) => n === `${stem}.csv` || (n.startsWith(`${stem}-`) && n.endsWith('.csv'))).sort();
  }

  async #signature(): Promise<string> {
    const parts: string[] = [];
    for (const name of await this.#files()) {
      const s = await stat(join(this.#settings.directory, name)).catch(() => undefined);
      if (s) parts.push(`${name}:${s.size}:${s.mtimeMs}`);
    }
    return parts.join('|');
  }

  async #readIndex(): Promise<Index> {
    const signature = await this.#signature();
    if (this.#index && this.#index.signature === signature) return this.#index;
    const index: Index = { signature, present: new Set(), orders: new Map() };
    const key = this.#settings.keyAttribute;
    // Older runs first (names carry the run's start time), so the latest record of a key decides.
    for (const name of await this.#files()) {
      const records = parseCsv(await readFile(join(this.#settings.directory, name), 'utf8'));
      const header = records[0] ?? [];
      const at = (column: string): number => header.indexOf(column);
      const [iOp, iKey, iNew, iOrder] = [at('operation'), at(key), at('newKey'), at('order')];
      if (iOp < 0 || iKey < 0) continue;
      for (const r of records.slice(1)) {
        const k = r[iKey] ?? '';
        const operation = r[iOp];
        let result: ProvisioningResult = { key: k, outcome: 'changed' };
        if (operation === 'create') {
          index.present.add(k);
          result = { key: k, outcome: 'created' };
        } else if (operation === 'rename') {
          const to = (iNew >= 0 ? r[iNew] : undefined) || k;
          index.present.delete(k);
          index.present.add(to);
          result = { key: to, outcome: 'changed' };
        } else if (operation === 'delete') {
          index.present.delete(k);
          result = { key: k, outcome: 'deleted' };
        }
        const order = iOrder >= 0 ? r[iOrder] : undefined;
        if (order) index.orders.set(order, result);
      }
    }
    this.#index = index;
    return index;
  }

  /** Writes the file again with one more record: temp file, fsync, rename, fsync of the directory. */
  async #append(record: Record<string, string>, request: ProvisioningRequest): Promise<void> {
    const path = this.file;
    let before = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    if (before !== undefined && before !== '') {
      const header = parseCsv(before.split(/\r?\n/, 1)[0]!)[0] ?? [];
      if (header.join(',') !== this.#header.join(',')) {
        throw new ConnectorError(
          'CONNECTOR_REJECTED',
          `connector ${this.name}: ${path} has other columns (${header.join(',')}) than the settings give (${this.#header.join(',')}); move the file away or give another fileName`,
          { transient: false, details: { connector: this.name, file: path } },
        );
      }
      if (!before.endsWith('\n')) before += '\r\n';
    } else {
      before = formatRecord(this.#header);
    }
    const row = this.#header.map((c) => (c === 'order' ? request.idempotencyKey : c === 'at' ? new Date().toISOString() : (record[c] ?? '')));
    const temp = join(this.#settings.directory, `.${this.#file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(before + formatRecord(row));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (e) {
      await unlink(temp).catch(() => undefined);
      throw e;
    }
    const dir = await open(this.#settings.directory, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  async check(signal: AbortSignal): Promise<ConnectorCheck> {
    signal.throwIfAborted();
    const dir = this.#settings.directory;
    try {
      await access(dir, constants.W_OK);
    } catch {
      return { ok: false, detail: `the directory ${dir} does not exist or this process may not write to it` };
    }
    const index = await this.#readIndex();
    const files = await this.#files();
    return {
      ok: true,
      detail: `${dir} is writable; ${files.length} file${files.length === 1 ? '' : 's'} of ${this.#settings.fileName}, ${index.present.size} account${index.present.size === 1 ? '' : 's'} present; mode ${this.#settings.mode}`,
    };
  }

  async close(): Promise<void> {
    await this.#queue;
  }
}

export const csvConnectorFactory: ConnectorFactory<CsvSettings> = {
  kind: 'csv',
  parseSettings: parseCsvSettings,
  create: (name, settings) => new CsvConnector(name, settings),
};
