/**
 * slapd's own add rate through bare ldapts: the baseline every LDAP provisioning figure stands beside, measured in
 * the same run against the same directory. `concurrency` lanes, each with a connection of its own, add
 * `inetOrgPerson` entries one after the other (the same object classes and attributes the LDAP connector writes
 * for a create), with nothing else: no search before the add, no mapping, no pool. The provisioning bench calls
 * {@link slapdAddRate} with its own concurrency beside its end-to-end figure.
 */
import { Client } from 'ldapts';

export interface LdapTarget {
  readonly url: string;
  readonly bindDn: string;
  readonly password: string;
  /** Where the entries are added (it must exist). */
  readonly base: string;
}

export interface LdapRate {
  /** Entries added (or accounts created). */
  readonly count: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly concurrency: number;
}

/** The attributes of benchmark entry `i`, as the LDAP connector's create writes them. */
export function benchEntry(login: string, i: number): Record<string, string[]> {
  return {
    objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
    uid: [login],
    cn: [`Bench Person ${i}`],
    sn: [`Person ${i}`],
    givenName: ['Bench'],
    mail: [`${login}@example.org`],
  };
}

/**
 * Adds `count` entries `uid=<prefix>-<i>,<base>` over `concurrency` connections and answers the rate. Connections
 * are opened and bound before the clock starts. The prefix must be new in the directory (entries are not removed).
 */
export async function slapdAddRate(target: LdapTarget, options: { count: number; concurrency: number; prefix: string }): Promise<LdapRate> {
  const { count, concurrency, prefix } = options;
  const clients = Array.from({ length: concurrency }, () => new Client({ url: target.url, timeout: 30_000, connectTimeout: 10_000 }));
  try {
    await Promise.all(clients.map((c) => c.bind(target.bindDn, target.password)));
    let next = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      clients.map(async (c) => {
        for (let i = next++; i < count; i = next++) {
          const login = `${prefix}-${i}`;
          await c.add(`uid=${login},${target.base}`, benchEntry(login, i));
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { count, seconds, perSecond: count / seconds, concurrency };
  } finally {
    await Promise.all(clients.map((c) => c.unbind().catch(() => undefined)));
  }
}
