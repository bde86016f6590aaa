import { readFile } from 'node:fs/promises';
import type { XValue } from '../expression/env.js';
import { checkVarValue } from './commands/run-support.js';
import { UsageError } from './usage-error.js';

/**
 * `idflow run --vars-file FILE`: input variables from a JSON or YAML file holding one mapping (`name: value`).
 * JSON is YAML, so one parser reads both (`yaml`, loaded only when the option is used). Values pass the same
 * checks as `--var` values (reserved keys, numbers that would lose digits, nesting depth).
 * Refused with CLI_BAD_VARS_FILE: an unreadable file, a file that does not parse, or one that is not a mapping.
 */
export async function readVarsFile(file: string): Promise<Record<string, XValue>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError('CLI_BAD_VARS_FILE', `--vars-file ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { file });
  }
  const { parse } = await import('yaml');
  let value: unknown;
  try {
    // intAsBigInt keeps every integer's digits; checkVarValue then refuses those beyond ±2^53, as --var does.
    value = parse(text, { intAsBigInt: true, maxAliasCount: 100, uniqueKeys: true });
  } catch (e) {
    throw new UsageError('CLI_BAD_VARS_FILE', `--vars-file ${file}: not JSON or YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, { file });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError('CLI_BAD_VARS_FILE', `--vars-file ${file}: must hold one mapping of variable names to values, like {"accountId": "jdoe"}`, { file });
  }
  const out: Record<string, XValue> = {};
  for (const [name, raw] of Object.entries(value as Record<string, unknown>)) {
    out[name] = checkVarValue(name, normalise(raw), `--vars-file ${file}`);
  }
  return out;
}

/** YAML's values as JSON's: bigints back to numbers when exact (else left for the check to refuse), dates as ISO text. */
function normalise(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : Number.POSITIVE_INFINITY;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(normalise);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = normalise(x);
    return o;
  }
  return v;
}
