/**
 * A throwaway OpenLDAP `slapd` of the test's own: its own directory under the temp dir, a free loopback port, the
 * suffix `dc=example,dc=org` with `ou=people` and `ou=groups`, the admin `cn=admin,dc=example,dc=org` (password
 * {@link SLAPD_ADMIN_PASSWORD}), and the password-policy overlay with a default policy that honours
 * `pwdAccountLockedTime` (how the LDAP connector disables accounts by default: docs/decisions/ldap-disable.md).
 * Recipe: the shared toolchain notes, section 4.
 *
 * slapd runs in the foreground (`-d 0`) as this process's child, so it is stopped by its pid, never by name, and a
 * test process that ends without its clean-up does not leave it running. `stop`/`start` keep the data and the port,
 * which is what the fault tests need (`stopFor`: the directory gone for a while, then back with everything it held).
 *
 * Nothing is skipped: when slapd or ldap-utils are missing (`scripts/setup.sh` installs them), {@link startSlapd}
 * throws an error that says so.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const SLAPD_SUFFIX = 'dc=example,dc=org';
export const SLAPD_ADMIN_DN = `cn=admin,${SLAPD_SUFFIX}`;
export const SLAPD_ADMIN_PASSWORD = 'secret';
export const SLAPD_PEOPLE = `ou=people,${SLAPD_SUFFIX}`;
export const SLAPD_GROUPS = `ou=groups,${SLAPD_SUFFIX}`;

export interface Slapd {
  /** `ldap://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The instance's own directory (config, database, log). */
  readonly dir: string;
  readonly running: boolean;
  /** `ldapsearch -x -LLL` as the admin; answers the LDIF it prints (base `dc=example,dc=org` unless given). */
  search(filter: string, attributes?: readonly string[], base?: string): string;
  /** The DNs `ldapsearch` finds for `filter` under `base` (default: the whole suffix). */
  dns(filter: string, base?: string): string[];
  /** Whether a simple bind as `dn` with `password` succeeds (`ldapwhoami`), as a person signing in would. */
  canBind(dn: string, password: string): boolean;
  /** Established TCP connections to slapd's port right now (from /proc/net/tcp: any client on this machine). */
  connections(): number;
  /** `ldapadd -x` as the admin. */
  add(ldif: string): void;
  /** `ldapmodify -x` as the admin (changetype records). */
  modify(ldif: string): void;
  /** Stops slapd (SIGTERM, or SIGKILL when `kill`) and waits until it has exited; the data stays. */
  stop(options?: { kill?: boolean }): Promise<void>;
  /** Starts it again on the same port with the same data, and waits until it answers. */
  start(): Promise<void>;
  /**
   * Stops slapd now and starts it again `ms` milliseconds after it has stopped: `stopped` settles once it no longer
   * answers, `restarted` once it answers again.
   */
  stopFor(ms: number): { readonly stopped: Promise<void>; readonly restarted: Promise<void> };
  /**
   * Freezes slapd (SIGSTOP): connections stay open but nothing is answered, as with a hung server. `thaw` (SIGCONT)
   * lets it go on.
   */
  freeze(): void;
  thaw(): void;
  /** Stops it for good and removes its directory. */
  close(): Promise<void>;
}

/** The environment variable {@link ldapConnectorSettings} names for the bind password. */
export const SLAPD_PASSWORD_ENV = 'IDFLOW_TEST_LDAP_PASSWORD';

/**
 * Raw settings of an `ldap` connector object pointing at `slapd` as its admin (people and group bases set), and the
 * environment that holds the password: what a provisioning test stores as its connector object.
 */
export function ldapConnectorSettings(slapd: Slapd, extra: Readonly<Record<string, unknown>> = {}): { settings: Record<string, unknown>; env: Record<string, string> } {
  return {
    settings: { url: slapd.url, bindDn: SLAPD_ADMIN_DN, passwordEnv: SLAPD_PASSWORD_ENV, peopleBase: SLAPD_PEOPLE, groupBase: SLAPD_GROUPS, ...extra },
    env: { [SLAPD_PASSWORD_ENV]: SLAPD_ADMIN_PASSWORD },
  };
}

function which(tool: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/usr/local/sbin']) if (existsSync(join(dir, tool))) return join(dir, tool);
  return undefined;
}

/** Debian's schema directory, found from the package rather than hard-coded. */
function schemaDir(): string {
  const candidates = ['/etc/ldap/schema', '/etc/openldap/schema', '/usr/local/etc/openldap/schema'];
  try {
    const listed = execFileSync('dpkg', ['-L', 'slapd'], { encoding: 'utf8' }).split('\n').find((l) => l.endsWith('/core.schema'));
    if (listed) candidates.unshift(dirname(listed));
  } catch {
    // not Debian: the usual places below
  }
  const dir = candidates.find((d) => existsSync(join(d, 'core.schema')));
  if (!dir) throw new Error(`slapd's schema files (core.schema) are not in ${candidates.join(', ')}`);
  return dir;
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

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function config(dir: string, schema: string, durable: boolean): string {
  return `include   ${schema}/core.schema
include   ${schema}/cosine.schema
include   ${schema}/inetorgperson.schema
include   ${schema}/nis.schema
pidfile   ${dir}/slapd.pid
argsfile  ${dir}/slapd.args
moduleload back_mdb
moduleload ppolicy
database  mdb
maxsize   1073741824
suffix    "${SLAPD_SUFFIX}"
rootdn    "${SLAPD_ADMIN_DN}"
rootpw    ${SLAPD_ADMIN_PASSWORD}
directory ${dir}/db
${durable ? '' : 'dbnosync\n'}index     objectClass eq
index     uid,cn,mail eq,sub
index     member eq
overlay   ppolicy
ppolicy_default "cn=default,ou=policies,${SLAPD_SUFFIX}"
`;
}

const SEED = `dn: ${SLAPD_SUFFIX}
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ${SLAPD_PEOPLE}
objectClass: organizationalUnit
ou: people

dn: ${SLAPD_GROUPS}
objectClass: organizationalUnit
ou: groups

dn: ou=policies,${SLAPD_SUFFIX}
objectClass: organizationalUnit
ou: policies

dn: cn=default,ou=policies,${SLAPD_SUFFIX}
objectClass: pwdPolicy
objectClass: device
cn: default
pwdAttribute: userPassword
pwdLockout: TRUE
`;

/**
 * Starts a fresh slapd, seeded with the suffix, `ou=people`, `ou=groups` and the default password policy. Throws a
 * clear error when slapd or ldap-utils are not installed.
 */
export interface SlapdOptions {
  /**
   * @default false. A throwaway directory needs no durability: without it slapd does not flush each write to disk
   * (`dbnosync`), as the test PostgreSQL runs with fsync off. `stop` (SIGTERM) still writes everything out; a
   * SIGKILL may lose the last writes unless `durable`.
   */
  readonly durable?: boolean;
}

export async function startSlapd(options: SlapdOptions = {}): Promise<Slapd> {
  const slapd = which('slapd');
  const ldapsearch = which('ldapsearch');
  const ldapmodify = which('ldapmodify');
  if (!slapd || !ldapsearch || !ldapmodify) {
    throw new Error(
      `the LDAP tests need OpenLDAP's slapd and ldap-utils (missing: ${[!slapd && 'slapd', !ldapsearch && 'ldapsearch', !ldapmodify && 'ldapmodify'].filter(Boolean).join(', ')}); ` +
        'install them with `apt-get install -y slapd ldap-utils` (scripts/setup.sh does it)',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'idflow-slapd-'));
  mkdirSync(join(dir, 'db'));
  const conf = join(dir, 'slapd.conf');
  writeFileSync(conf, config(dir, schemaDir(), options.durable ?? false));
  const log = join(dir, 'slapd.log');

  let port = 0;
  let url = '';
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let closed = false;

  const launch = async (): Promise<boolean> => {
    const out = openSync(log, 'a');
    const proc = spawn(slapd, ['-f', conf, '-h', `${url}/`, '-d', '0'], { stdio: ['ignore', out, out] });
    closeSync(out);
    child = proc;
    let gone = false;
    exited = new Promise((resolve) => proc.once('exit', () => {
      gone = true;
      resolve();
    }));
    // slapd needs a few tens of milliseconds; a port taken meanwhile makes it exit, which the caller retries.
    for (let i = 0; i < 200; i++) {
      if (gone) return false;
      if (await answers(port)) return true;
      await sleep(25);
    }
    throw new Error(`slapd did not answer on ${url} within 5 s; its log: ${readFileSync(log, 'utf8').slice(-2000)}`);
  };

  const ldap = (tool: string, args: readonly string[], input?: string): string => {
    const result = spawnSync(tool, ['-x', '-H', url, '-D', SLAPD_ADMIN_DN, '-w', SLAPD_ADMIN_PASSWORD, ...args], {
      encoding: 'utf8',
      ...(input !== undefined ? { input } : {}),
    });
    if (result.status !== 0 && !(tool === ldapsearch && result.status === 32)) {
      throw new Error(`${tool} ${args.join(' ')} failed (${result.status}): ${result.stderr.trim()}`);
    }
    return result.stdout;
  };

  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    url = `ldap://127.0.0.1:${port}`;
    if (await launch()) break;
    if (attempt === 4) throw new Error(`slapd would not start; its log: ${readFileSync(log, 'utf8').slice(-2000)}`);
  }

  const stop = async (options: { kill?: boolean } = {}): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(options.kill ? 'SIGKILL' : 'SIGTERM');
    proc.kill('SIGCONT'); // a frozen slapd would never act on the SIGTERM
    await exited;
    child = undefined;
  };
  const start = async (): Promise<void> => {
    if (closed) throw new Error('this slapd has been closed');
    if (child) return;
    // The port was ours a moment ago: retry a little while it is released.
    for (let i = 0; i < 40; i++) {
      if (await launch()) return;
      await sleep(50);
    }
    throw new Error(`slapd would not start again on ${url}; its log: ${readFileSync(log, 'utf8').slice(-2000)}`);
  };
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);

  const instance: Slapd = {
    get url() {
      return url;
    },
    get port() {
      return port;
    },
    dir,
    get running() {
      return child !== undefined;
    },
    search: (filter, attributes = [], base = SLAPD_SUFFIX) => ldap(ldapsearch, ['-LLL', '-o', 'ldif-wrap=no', '-b', base, filter, ...attributes]),
    dns: (filter, base = SLAPD_SUFFIX) =>
      ldap(ldapsearch, ['-LLL', '-o', 'ldif-wrap=no', '-b', base, filter, '1.1'])
        .split('\n')
        .filter((l) => l.startsWith('dn: '))
        .map((l) => l.slice(4)),
    canBind: (dn, password) => spawnSync(which('ldapwhoami') ?? 'ldapwhoami', ['-x', '-H', url, '-D', dn, '-w', password], { stdio: 'ignore' }).status === 0,
    connections: () => {
      // Local address column is the server side for slapd's own sockets: ":<port in hex>" with state 01 (ESTABLISHED).
      const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
      return readFileSync('/proc/net/tcp', 'utf8')
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(/\s+/))
        .filter((f) => f[1]?.endsWith(hexPort) && f[3] === '01').length;
    },
    add: (ldif) => void ldap(ldapmodify, ['-a'], ldif),
    modify: (ldif) => void ldap(ldapmodify, [], ldif),
    stop,
    start,
    stopFor: (ms) => {
      const stopped = stop();
      const restarted = stopped.then(async () => {
        await sleep(ms);
        await start();
      });
      return { stopped, restarted };
    },
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    close: async () => {
      if (closed) return;
      closed = true;
      await stop({ kill: true });
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  instance.add(SEED);
  return instance;
}
