import { userInfo } from 'node:os';
import { localCaller, type Caller } from '../../access/caller.js';
import type { Command } from 'commander';
import type { EngineOptions } from '../../engine/engine-api.js';
import type { RuntimeEngine, RuntimeOptions } from '../../engine/engine.js';
import type { XValue } from '../../expression/env.js';
import type { Repository } from '../../repository/repository.js';
import { openRequiredCliRepository } from '../cli-repository.js';
import { personName } from '../option-values.js';
import { UsageError } from '../usage-error.js';

/**
 * Keys refused in `--var` names and in JSON objects: copied key by key into a plain object, `__proto__` would
 * replace that object's prototype instead of making a variable, and `constructor`/`prototype` would shadow what
 * every object has.
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Deepest nesting of a JSON value: enough for any variable, and far from the stack depth of recursive copies. */
const MAX_VAR_DEPTH = 64;

function badVar(message: string, text: string): UsageError {
  return new UsageError('CLI_BAD_VAR', message, { text: text.length > 80 ? `${text.slice(0, 77)}…` : text });
}

/**
 * `--var k=v`, repeatable: the value is JSON when it parses as JSON (`--var n=3`, `--var ok=true`,
 * `--var 'roles=["a","b"]'`), else the text as written (`--var name=Ann`). Commander calls this once per occurrence.
 * Refused with CLI_BAD_VAR, before anything runs: no `=`, a reserved name or key, a JSON number that would not
 * keep its value (write it as a JSON string), a value nested deeper than {@link MAX_VAR_DEPTH}.
 */
export function collectVar(text: string, previous: Record<string, XValue> = {}): Record<string, XValue> {
  const eq = text.indexOf('=');
  if (eq <= 0) throw badVar(`--var wants NAME=VALUE, not "${text.length > 60 ? `${text.slice(0, 57)}…` : text}"`, text);
  const name = text.slice(0, eq);
  if (RESERVED_KEYS.has(name)) throw badVar(`--var ${name}=… is refused: ${[...RESERVED_KEYS].join(', ')} are not variable names`, text);
  const raw = text.slice(eq + 1);
  let value: XValue;
  try {
    value = JSON.parse(raw) as XValue;
  } catch {
    return { ...previous, [name]: raw };
  }
  const problem = unsafeJson(value, 0);
  if (problem) throw badVar(`--var ${name}: ${problem}`, text);
  return { ...previous, [name]: value };
}

/**
 * A value read from elsewhere than `--var` (`--vars-file`) under the same rules: refused with CLI_BAD_VAR, naming
 * `where`, when its name is reserved or the value is unfit ({@link unsafeJson}).
 */
export function checkVarValue(name: string, value: unknown, where: string): XValue {
  if (RESERVED_KEYS.has(name)) throw badVar(`${where}: ${name} is refused: ${[...RESERVED_KEYS].join(', ')} are not variable names`, name);
  const problem = unsafeJson(value, 0);
  if (problem) throw badVar(`${where}: ${name}: ${problem}`, name);
  return value as XValue;
}

/** What makes a parsed `--var` value unfit to pass on, or undefined when it is fine. */
function unsafeJson(value: unknown, depth: number): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value))) {
      return `a number beyond ±2^53 or out of range would not keep its digits; to pass them as text, quote them as a JSON string (--var 'id="12345678901234567890"')`;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_VAR_DEPTH) return `the value is nested more than ${MAX_VAR_DEPTH} levels deep`;
  for (const [key, item] of Object.entries(value)) {
    if (!Array.isArray(value) && RESERVED_KEYS.has(key)) return `the key "${key}" is refused in objects (${[...RESERVED_KEYS].join(', ')} are reserved)`;
    const inner = unsafeJson(item, depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

/**
 * The person a command acts as: `--as`, else `$IDFLOW_USER`, else the operating-system user. `--as ""` and names
 * with control characters are refused ({@link personName}), so is such a `$IDFLOW_USER`.
 */
export function actingUser(as: string | undefined): string {
  if (as !== undefined) return personName(as, '--as');
  const env = process.env['IDFLOW_USER'];
  if (env) return personName(env, '$IDFLOW_USER');
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * Who a command calls the engine as: the local administrator (whoever can open the repository can change it anyway),
 * acting under the name of {@link actingUser}. Deciding and purging still follow that person's rights.
 */
export function cliCaller(as: string | undefined): Caller {
  const caller = localCaller(actingUser(as));
  // `--as P` acts as P: what P may launch, P launches (docs/decisions/launch-rights.md).
  return as === undefined ? caller : { ...caller, asPerson: true };
}

/** Opens the repository (which must exist) and an engine on it, runs `fn`, and closes both. */
export async function withEngine<T>(
  command: Command,
  fn: (engine: RuntimeEngine, repo: Repository) => Promise<T>,
  options: Partial<Omit<EngineOptions & RuntimeOptions, 'repository'>> = {},
): Promise<T> {
  const repo = await openRequiredCliRepository(command);
  try {
    // Loaded here, not at the top: registering commands must not load the engine (start-up time).
    const { openEngine } = await import('../../engine/engine.js');
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
