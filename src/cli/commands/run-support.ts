import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { EngineOptions } from '../../engine/engine-api.js';
import { openEngine, type RuntimeEngine, type RuntimeOptions } from '../../engine/engine.js';
import type { XValue } from '../../expression/env.js';
import type { Repository } from '../../repository/repository.js';
import { openRequiredCliRepository } from '../cli-repository.js';
import { UsageError } from '../usage-error.js';

/**
 * `--var k=v`, repeatable: the value is JSON when it parses as JSON (`--var n=3`, `--var ok=true`,
 * `--var 'roles=["a","b"]'`), else the text as written (`--var name=Ann`). Commander calls this once per occurrence.
 */
export function collectVar(text: string, previous: Record<string, XValue> = {}): Record<string, XValue> {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError('CLI_BAD_VAR', `--var wants NAME=VALUE, not "${text}"`, { text });
  const name = text.slice(0, eq);
  const raw = text.slice(eq + 1);
  let value: XValue;
  try {
    value = JSON.parse(raw) as XValue;
  } catch {
    value = raw;
  }
  return { ...previous, [name]: value };
}

/** The person a command acts as: `--as`, else `$IDFLOW_USER`, else the operating-system user. */
export function actingUser(as: string | undefined): string {
  if (as !== undefined && as !== '') return as;
  const env = process.env['IDFLOW_USER'];
  if (env) return env;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Opens the repository (which must exist) and an engine on it, runs `fn`, and closes both. */
export async function withEngine<T>(
  command: Command,
  fn: (engine: RuntimeEngine, repo: Repository) => Promise<T>,
  options: Partial<Omit<EngineOptions & RuntimeOptions, 'repository'>> = {},
): Promise<T> {
  const repo = await openRequiredCliRepository(command);
  try {
    const engine = await openEngine({ ...options, repository: repo });
    try {
      return await fn(engine, repo);
    } finally {
      await engine.close();
    }
  } finally {
    await repo.close();
  }
}

/** `2024-05-01T09:30:12.345Z` → `2024-05-01 09:30:12Z`. */
export function shortTime(iso: string | undefined): string {
  return iso === undefined ? '' : `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}
