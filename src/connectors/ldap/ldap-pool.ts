/**
 * A small pool of bound LDAP connections for a worker that runs many orders at once.
 *
 * LDAP multiplexes: one connection carries many operations in flight, told apart by message id, and slapd works on
 * them in parallel. So the pool does not lend a connection to one caller at a time; each operation goes to the
 * connection with the fewest operations in flight, and `poolSize` connections spread the load over the server's
 * connection threads. A connection is opened and bound on first use and again after it drops (the directory
 * restarted, an idle timeout); opening is serialised per connection, since two callers racing to reconnect the same
 * ldapts client would open two sockets.
 *
 * Every call races the order's AbortSignal: an aborted order stops waiting at once (the operation may still complete
 * on the server; the next attempt of the order looks before it acts).
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Client } from 'ldapts';
import { ConnectorError } from '../connector.js';
import { classifyLdapError } from './ldap-errors.js';
import type { LdapSettings } from './ldap-settings.js';
import { coalescingConnection } from './ldap-socket.js';

interface Slot {
  readonly client: Client;
  inFlight: number;
  /** Set while the connection is being opened and bound. */
  opening: Promise<void> | undefined;
}

function tlsOptions(settings: LdapSettings): ConnectionOptions {
  const { caFile, rejectUnauthorized, serverName } = settings.tls;
  return {
    rejectUnauthorized,
    ...(caFile !== undefined ? { ca: readFileSync(caFile) } : {}),
    ...(serverName !== undefined ? { servername: serverName } : {}),
  };
}

function aborted(signal: AbortSignal): ConnectorError {
  const reason: unknown = signal.reason;
  if (reason instanceof ConnectorError) return reason;
  const why = reason instanceof Error ? reason.message : reason !== undefined ? String(reason) : 'aborted';
  return new ConnectorError('CONNECTOR_TIMEOUT', `stopped waiting on the directory: the order was aborted (${why})`, { transient: true, details: { aborted: true } });
}

/**
 * The callers waiting on each signal: one listener per signal however many calls share it (the provisioning worker
 * gives the calls that start together one signal), instead of a listener added and removed per call.
 */
const waiting = new WeakMap<AbortSignal, Set<(e: unknown) => void>>();

/** `job`, or the signal's abort if that comes first; the loser never surfaces as an unhandled rejection. */
function raceAbort<T>(job: Promise<T>, signal: AbortSignal): Promise<T> {
  let rejects = waiting.get(signal);
  if (rejects === undefined) {
    const set = (rejects = new Set());
    waiting.set(signal, set);
    signal.addEventListener(
      'abort',
      () => {
        const error = aborted(signal);
        for (const reject of set) reject(error);
        set.clear();
      },
      { once: true },
    );
  }
  const set = rejects;
  return new Promise<T>((resolve, reject) => {
    set.add(reject);
    job.then(
      (value) => {
        set.delete(reject);
        resolve(value);
      },
      (e: unknown) => {
        set.delete(reject);
        reject(e);
      },
    );
  });
}

export class LdapPool {
  readonly #settings: LdapSettings;
  readonly #password: string;
  readonly #slots: Slot[];
  readonly #tls: ConnectionOptions | undefined;
  #closed = false;

  constructor(settings: LdapSettings, password: string) {
    this.#settings = settings;
    this.#password = password;
    const secure = settings.url.toLowerCase().startsWith('ldaps:');
    this.#tls = secure || settings.startTls ? tlsOptions(settings) : undefined;
    this.#slots = Array.from({ length: settings.poolSize }, () => ({
      client: new Client({
        url: settings.url,
        timeout: settings.timeoutMs,
        connectTimeout: settings.connectTimeoutMs,
        // Plain ldap:// (StartTLS upgrades this socket later): the requests of one event-loop turn in one write.
        ...(secure ? {} : { createConnection: coalescingConnection as typeof import('node:net').connect }),
        ...(secure && this.#tls ? { tlsOptions: this.#tls } : {}),
      }),
      inFlight: 0,
      opening: undefined,
    }));
  }

  /** Runs `work` on a bound connection; anything it throws comes out classified as a {@link ConnectorError}. */
  async run<T>(signal: AbortSignal, work: (client: Client) => Promise<T>): Promise<T> {
    if (this.#closed) throw new ConnectorError('CONNECTOR_UNAVAILABLE', 'the LDAP connector is closed', { transient: true });
    if (signal.aborted) throw aborted(signal);
    let slot = this.#slots[0]!;
    for (const s of this.#slots) if (s.inFlight < slot.inFlight) slot = s;
    slot.inFlight++;
    const client = slot.client;
    try {
      return await raceAbort(client.isBound ? work(client) : this.#bound(slot).then(() => work(client)), signal);
    } catch (e) {
      throw classifyLdapError(e, { operation: 'call' });
    } finally {
      slot.inFlight--;
    }
  }

  async #bound(slot: Slot): Promise<void> {
    if (slot.client.isBound) return;
    slot.opening ??= this.#open(slot).finally(() => {
      slot.opening = undefined;
    });
    await slot.opening;
  }

  async #open(slot: Slot): Promise<void> {
    const { client } = slot;
    try {
      if (this.#settings.startTls && !client.isConnected) await client.startTLS(this.#tls);
    } catch (e) {
      throw classifyLdapError(e, { operation: 'StartTLS' });
    }
    try {
      await client.bind(this.#settings.bindDn, this.#password);
    } catch (e) {
      // Never the password: only the DN and what the directory said.
      throw classifyLdapError(e, { operation: 'bind', dn: this.#settings.bindDn });
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(
      this.#slots.map(async (slot) => {
        try {
          if (slot.client.isConnected) await slot.client.unbind();
        } catch {
          // closing: a connection that is already gone is closed
        }
      }),
    );
  }
}
