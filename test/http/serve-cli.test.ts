/**
 * `idflow init` sets up the first administrator and `idflow serve` serves the API on a loopback port: the real
 * commands as child processes, and real HTTP.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runIdflow } from '../cli/cli-harness.js';

const BIN = fileURLToPath(new URL('../../bin/idflow.js', import.meta.url));

describe('idflow init and idflow serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'idflow-serve-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the first administrator once, printing a generated password that signs in over HTTP', async () => {
    const db = join(dir, 'generated.db');
    const first = await runIdflow(['init', '--db', db], { env: { IDFLOW_ADMIN: '', IDFLOW_ADMIN_PASSWORD: '' } });
    assert.equal(first.status, 0, first.stderr);
    const password = /^administrator account admin created; its password, shown this once: (\S+)$/m.exec(first.stdout)?.[1];
    assert.ok(password, first.stdout);
    const again = await runIdflow(['init', '--db', db]);
    assert.doesNotMatch(again.stdout, /administrator account/);

    const server = spawn(process.execPath, [BIN, 'serve', '--db', db, '--port', '0', '--no-worker'], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      const address = await new Promise<string>((resolve, reject) => {
        let err = '';
        server.stderr.on('data', (chunk: Buffer) => {
          err += chunk.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
          if (m) resolve(m[1]!);
        });
        server.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
      });
      const signIn = await fetch(`${address}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'admin', password }) });
      assert.equal(signIn.status, 200);
      const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
      const me = (await (await fetch(`${address}/api/v1/session`, { headers: { cookie } })).json()) as { caller: { person: string; administrator: boolean } };
      assert.deepEqual([me.caller.person, me.caller.administrator], ['admin', true]);
      const anonymous = await fetch(`${address}/api/v1/workitems`);
      assert.equal(anonymous.status, 401);
    } finally {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }
    }
  });

  it('takes the first administrator’s name and password from the environment and prints no password', async () => {
    const r = await runIdflow(['init', '--db', join(dir, 'env.db'), '--json'], { env: { IDFLOW_ADMIN: 'root', IDFLOW_ADMIN_PASSWORD: 'a long enough secret' } });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { administrator: unknown }).administrator, { status: 'created', name: 'root', password: { from: 'environment' } });
    assert.doesNotMatch(r.stdout, /a long enough secret/);
  });
});
