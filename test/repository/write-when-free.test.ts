import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { openSqliteDatabase } from '../../src/repository/sqlite/sqlite-database.js';
import { writeWhenFree } from '../../src/repository/sqlite/write-when-free.js';

const dir = mkdtempSync(join(tmpdir(), 'idflow-write-when-free-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Db = ReturnType<typeof openSqliteDatabase>;

/**
 * Runs `body` on a fresh file's connection `db` and `other`, another process's connection to it (as the engine's is to
 * a provisioning worker's), and closes both.
 */
async function withPair(name: string, busyTimeoutMs: number, body: (db: Db, other: Db) => Promise<void>): Promise<void> {
  const file = join(dir, `${name}.db`);
  const db = openSqliteDatabase(file, { busyTimeoutMs });
  db.exec('CREATE TABLE t (x INTEGER)');
  const other = openSqliteDatabase(file);
  try {
    await body(db, other);
  } finally {
    db.close();
    other.close();
  }
}

describe('writing when another connection holds the write lock', () => {
  it('waits for the lock while the event loop goes on, then commits once the lock is free', async () => {
    await withPair('waits', 5000, async (db, other) => {
      other.exec('BEGIN IMMEDIATE');
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 5);
      const write = writeWhenFree(db, () => db.prepare('INSERT INTO t VALUES (1)').run().changes);
      await sleep(200);
      const whileHeld = ticks;
      other.exec('COMMIT');
      assert.equal(await write, 1);
      clearInterval(ticker);
      // SQLite's own busy handler would have slept inside the call: no timer could fire until the lock was free.
      assert.ok(whileHeld >= 10, `timers fired ${whileHeld} times in the 200 ms the lock was held`);
      assert.equal(other.prepare('SELECT COUNT(*) FROM t').pluck().get(), 1);
    });
  });

  it('gives up with SQLITE_BUSY after the connection’s busy timeout, writes nothing and keeps the timeout', async () => {
    await withPair('gives-up', 120, async (db, other) => {
      other.exec('BEGIN IMMEDIATE');
      const started = Date.now();
      await assert.rejects(
        writeWhenFree(db, () => db.prepare('INSERT INTO t VALUES (1)').run()),
        (e: { code?: string }) => e.code === 'SQLITE_BUSY',
      );
      const waited = Date.now() - started;
      assert.ok(waited >= 120 && waited < 1000, `gave up after ${waited} ms`);
      other.exec('ROLLBACK');
      assert.equal(db.prepare('SELECT COUNT(*) FROM t').pluck().get(), 0);
      assert.equal(db.pragma('busy_timeout', { simple: true }), 120, 'the connection waits as before for its other statements');
    });
  });

  it('rolls back and passes on an error of the work itself, without trying again', async () => {
    await withPair('fails', 5000, async (db, other) => {
      let tries = 0;
      await assert.rejects(
        writeWhenFree(db, () => {
          tries++;
          db.prepare('INSERT INTO t VALUES (1)').run();
          throw new Error('refused by the caller');
        }),
        /refused by the caller/,
      );
      assert.equal(tries, 1);
      assert.equal(other.prepare('SELECT COUNT(*) FROM t').pluck().get(), 0);
    });
  });
});
