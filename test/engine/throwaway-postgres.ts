/**
 * A PostgreSQL server of the test's own, in a temp dir (initdb + pg_ctl, as the `postgres` user when run as root,
 * since initdb refuses root), on a free loopback port: a test may restart or stop it without touching anybody
 * else's server. Recipe: the shared toolchain notes, section 3. Undefined when no PostgreSQL server binaries are
 * installed.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ThrowawayPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/<database>`. */
  url(database: string): string;
  createDatabase(name: string): void;
  /** `pg_ctl restart -m fast`: every connection is dropped, the server is back when this returns. */
  restart(): void;
  stop(): void;
}

function bindir(): string | undefined {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    return existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres | undefined> {
  const bin = bindir();
  if (!bin) return undefined;
  const root = mkdtempSync(join(tmpdir(), 'idflow-fleet-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const ids = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
    const gid = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
    chownSync(root, Number(ids), Number(gid));
  }
  const run = (tool: string, args: readonly string[]): void => {
    const cmd = join(bin, tool);
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'ignore' });
    else execFileSync(cmd, args, { stdio: 'ignore' });
  };
  const port = await freePort();
  const data = join(root, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c max_connections=100`;
  const pgctl = (...args: string[]): void => run('pg_ctl', ['-D', data, '-l', join(root, 'server.log'), '-w', '-t', '60', ...args]);
  pgctl('-o', options, 'start');
  return {
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    createDatabase: (name) => {
      execFileSync(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-q', '-c', `CREATE DATABASE "${name}"`], {
        stdio: 'ignore',
      });
    },
    restart: () => pgctl('-m', 'fast', '-o', options, 'restart'),
    stop: () => {
      try {
        pgctl('-m', 'immediate', 'stop');
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
