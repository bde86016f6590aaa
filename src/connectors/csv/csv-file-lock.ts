/**
 * A lock file beside the CSV files, so that two workers on the same machine never rewrite the same file at once (each
 * write is read, extend, write a temp file, rename: two at once would lose a row). The lock holds its owner's pid; a
 * lock whose process is gone (killed mid-write) is taken over. It is for one machine: a directory shared between
 * machines needs one worker writing to it.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorError } from '../connector.js';

/** How long to wait between two looks at a lock somebody else holds. */
const POLL_MS = 5;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `fn` holding the lock at `path`; waits for it as long as `signal` allows. */
export async function withFileLock<T>(path: string, signal: AbortSignal, what: string, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && !alive(owner)) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (signal.aborted) {
      throw new ConnectorError('CONNECTOR_TIMEOUT', `${what}: stopped waiting for the lock ${path}, held by process ${owner || '?'}`, {
        transient: true,
        details: { lock: path },
      });
    }
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
  try {
    return await fn();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}
