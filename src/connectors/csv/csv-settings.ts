/**
 * The settings of a `<Connector kind="csv">` (docs/connectors/csv.md):
 *
 * ```xml
 * <Connector name="badge-system" kind="csv">
 *   <directory>/var/spool/idflow/badges</directory>
 *   <fileName>badges</fileName>
 *   <mode>append</mode>
 *   <columns>login,firstName,lastName,email,department</columns>
 * </Connector>
 * ```
 */
import { isAbsolute } from 'node:path';
import { ACCOUNT_ATTRIBUTE_NAMES } from '../connector.js';
import { SettingsReader } from '../connector-settings.js';

export type CsvMode = 'append' | 'perRun';

export interface CsvSettings {
  /** Where the files are written: an absolute path (a worker's working directory is nobody's business). */
  readonly directory: string;
  /** The files' stem: `append` writes `<stem>.csv`, `perRun` writes `<stem>-<run>.csv`. */
  readonly fileName: string;
  readonly mode: CsvMode;
  /** The neutral attribute whose value is the account's key on this target (its row key). */
  readonly keyAttribute: string;
  /** The attribute columns, in order, after `operation` and the key column. */
  readonly columns: readonly string[];
  /** Joins the values of a multi-valued attribute in one field. */
  readonly listSeparator: string;
}

const DEFAULT_COLUMNS = ['firstName', 'lastName', 'displayName', 'email'];

export function parseCsvSettings(raw: Readonly<Record<string, unknown>>, where: string): CsvSettings {
  const r = new SettingsReader(raw, where);
  const directory = r.string('directory', { required: true });
  if (!isAbsolute(directory)) r.fail('directory', `must be an absolute path, not "${directory}"`);
  const fileName = r.string('fileName') ?? 'accounts';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(fileName) || fileName.endsWith('.csv')) {
    r.fail('fileName', `must be a plain file stem (letters, digits, . _ -; no directory, no .csv), not "${fileName}"`);
  }
  const known = ACCOUNT_ATTRIBUTE_NAMES as readonly string[];
  const keyAttribute = r.string('keyAttribute') ?? 'login';
  if (!known.includes(keyAttribute)) r.fail('keyAttribute', `"${keyAttribute}" is no account attribute; the attributes are ${known.join(', ')}`);
  const columns = r.list('columns') ?? DEFAULT_COLUMNS;
  for (const c of columns) if (!known.includes(c)) r.fail('columns', `"${c}" is no account attribute; the attributes are ${known.join(', ')}`);
  if (new Set(columns).size !== columns.length) r.fail('columns', 'names a column twice');
  const listSeparator = r.string('listSeparator') ?? ';';
  if (listSeparator.length !== 1) r.fail('listSeparator', 'must be one character');
  const settings: CsvSettings = {
    directory,
    fileName,
    mode: r.oneOf('mode', ['append', 'perRun'] as const, 'append'),
    keyAttribute,
    columns: columns.filter((c) => c !== keyAttribute),
    listSeparator,
  };
  r.done();
  return settings;
}
