/**
 * Runs the real `idflow` as a user does: a child process through bin/idflow.js, with a clean environment (no
 * IDFLOW_DB or DATABASE_URL from the caller, so a test never touches another repository).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/idflow.js', import.meta.url));

export interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Working directory; the test process's by default. */
  readonly cwd?: string;
  /** Variables added to the clean environment. */
  readonly env?: Readonly<Record<string, string>>;
}

export function runIdflow(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const k of ['IDFLOW_DB', 'DATABASE_URL']) if (!options.env || !(k in options.env)) delete env[k];
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { ...(options.cwd ? { cwd: options.cwd } : {}), env }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

export interface TempRepository {
  /** The temporary directory holding the repository (removed after the suite). */
  readonly dir: string;
  /** The repository's file inside `dir`. */
  readonly db: string;
  /** `idflow --db <db> ...args`, as `user` when one was given. */
  idflow(...args: string[]): Promise<Run>;
  /** `idflow ... --json`, asserting success and parsing stdout. */
  json<T>(...args: string[]): Promise<T>;
}

export interface TempRepositoryOptions {
  /** Prefix of the temporary directory's name. */
  readonly prefix: string;
  /** The repository's file name inside the directory. */
  readonly file?: string;
  /** $IDFLOW_USER for every command run through the returned `idflow`. */
  readonly user?: string;
  /** The command that fills the repository before the tests, e.g. `['init']` or `['import', file]`. */
  readonly seed: readonly string[];
}

/**
 * A repository in a fresh temp directory for the enclosing suite: registers `before` (create and seed it, asserting
 * the seed succeeds) and `after` (remove it). Call it at the top of a file or inside a `describe`.
 */
export function tempRepository(options: TempRepositoryOptions): TempRepository {
  let dir = '';
  let db = '';
  const run = (...args: string[]): Promise<Run> =>
    runIdflow(['--db', db, ...args], options.user === undefined ? {} : { env: { IDFLOW_USER: options.user } });
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), options.prefix));
    db = join(dir, options.file ?? 'repo.db');
    const r = await run(...options.seed);
    assert.equal(r.status, 0, r.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  return {
    get dir() {
      return dir;
    },
    get db() {
      return db;
    },
    idflow: run,
    async json<T>(...args: string[]): Promise<T> {
      const r = await run(...args, '--json');
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as T;
    },
  };
}
