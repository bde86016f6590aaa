/**
 * Runs the real `idflow` as a user does: a child process through bin/idflow.js, with a clean environment (no
 * IDFLOW_DB or DATABASE_URL from the caller, so a test never touches another repository).
 */
import { execFile } from 'node:child_process';
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
