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

function pair(name: string, busyTimeoutMs: number) {
  const file = join(dir, `${name}.db`);
  const db = openSqliteDatabase(file, { busyTimeoutMs });
  db.exec('CREATE TABLE t (x INTEGER)');
  // Another process's connection, as the engine's is to a provisioning worker.
  const other = openSqliteDatabase(file);
  return { db, other };
}

describe('writing when another connection holds the write lock', () => {
  it('waits for the lock while the event loop goes on, then commits once the lock is free', async () => {
    const { db, other } = pair('waits', 5000);
    try {
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
    } finally {
      db.close();
      other.close();
    }
  });

  it('gives up with SQLITE_BUSY after the connection’s busy timeout, writes nothing and keeps the timeout', async () => {
    const { db, other } = pair('gives-up', 120);
    try {
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
    } finally {
      db.close();
      other.close();
    }
  });

  it('rolls back and passes on an error of the work itself, without trying again', async () => {
    const { db, other } = pair('fails', 5000);
    try {
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
    } finally {
      db.close();
      other.close();
    }
  });
});
