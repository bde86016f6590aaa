/**
 * A write transaction that waits for another process's write lock without holding up the event loop
 * (docs/decisions/lock-wait-off-the-loop.md).
 *
 * SQLite's own busy handler waits inside the call: the process sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms
 * between tries and nothing else of it runs meanwhile. For a provisioning worker that stops the answers of every
 * call in flight from being read while the engine's batch commit holds the lock, and every lane then idles; for a
 * server, every request waits. Here a try that finds the lock taken fails at once (busy timeout 0 for that try),
 * the process goes on with other work, and the next try comes 1 to 4 ms later, until the connection's own busy
 * timeout has passed; then the last `SQLITE_BUSY` goes up as it would have.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SqliteDatabase } from './sqlite-database.js';

/** The busy timeout each connection was opened with (read once: it is only ever set back to it here). */
const timeouts = new WeakMap<SqliteDatabase, number>();

function busyTimeoutOf(db: SqliteDatabase): number {
  let ms = timeouts.get(db);
  if (ms === undefined) timeouts.set(db, (ms = Number(db.pragma('busy_timeout', { simple: true }))));
  return ms;
}

/** `SQLITE_BUSY` or one of its extended codes (`SQLITE_BUSY_RECOVERY`, …): the lock, not the work, failed. */
function isBusy(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Runs `work` in one `BEGIN IMMEDIATE` transaction, as `db.transaction(work).immediate()` does, but waits for a
 * write lock held by another connection between event-loop turns instead of inside SQLite. Inside a transaction
 * already open on this connection it is that transaction's savepoint, as better-sqlite3 nests them.
 */
export async function writeWhenFree<T>(db: SqliteDatabase, work: () => T): Promise<T> {
  const tx = db.transaction(work);
  if (db.inTransaction) return tx.immediate();
  const timeoutMs = busyTimeoutOf(db);
  // `PRAGMA busy_timeout = N` takes effect when it is prepared, so it is executed each time, not kept prepared.
  const noWait = 'PRAGMA busy_timeout = 0';
  const restore = `PRAGMA busy_timeout = ${timeoutMs}`;
  const started = performance.now();
  for (let pause = 1; ; pause = Math.min(pause * 2, 4)) {
    db.exec(noWait);
    try {
      return tx.immediate();
    } catch (e) {
      if (!isBusy(e) || performance.now() - started >= timeoutMs) throw e;
    } finally {
      db.exec(restore);
    }
    await sleep(pause);
  }
}
