import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../errors.js';
import { compileMailSettings, type CompiledMailSettings } from './mail-settings.js';

/** The environment variable naming the mail settings file when `--mail-config` is not given. */
export const MAIL_CONFIG_ENV = 'IDFLOW_MAIL_CONFIG';

/** Reads and checks a mail settings file (JSON): `MAIL_SETTINGS_UNREADABLE` when it cannot be read or parsed. */
export async function readMailSettings(path: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<CompiledMailSettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InvalidInputError('MAIL_SETTINGS_UNREADABLE', `cannot read the mail settings file ${path}: ${(e as Error).message}`, { path });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InvalidInputError('MAIL_SETTINGS_UNREADABLE', `the mail settings file ${path} is not JSON: ${(e as Error).message}`, { path });
  }
  return compileMailSettings(value, env);
}
