/**
 * The `ldap` rows of `npm run bench` (`--only ldap`): accounts created per second by the LDAP connector (look
 * before create: a search, then the add) beside slapd's own add rate through bare ldapts ({@link slapdAddRate}),
 * at the same concurrency, against one throwaway slapd the benchmark starts (test/support/slapd.ts), the runs of
 * both interleaved and each figure the best of `repeat`.
 */
import type { Connector } from '../src/connectors/connector.js';
import { ldapConnectorFactory } from '../src/connectors/ldap/ldap-connector-factory.js';
import { SLAPD_ADMIN_DN, SLAPD_ADMIN_PASSWORD, SLAPD_PEOPLE, startSlapd } from '../test/support/slapd.js';
import { slapdAddRate, type LdapRate, type LdapTarget } from './ldap-baseline.js';
import { markdownTable } from './report.js';

export interface LdapBenchRow {
  /** The connector's `lookup` setting: `search` (the default) or `dn`. */
  readonly lookup: 'search' | 'dn';
  readonly concurrency: number;
  /** slapd through bare ldapts: adds per second. */
  readonly raw: LdapRate;
  /** The LDAP connector's `create`: accounts per second. */
  readonly connector: LdapRate;
}

/** Creates `count` accounts through `connector` over `concurrency` lanes of orders. */
export async function connectorCreateRate(connector: Connector, options: { count: number; concurrency: number; prefix: string }): Promise<LdapRate> {
  const { count, concurrency, prefix } = options;
  // Connections opened and bound before the clock starts, as for the baseline.
  await Promise.all(Array.from({ length: concurrency }, () => connector.check(new AbortController().signal)));
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) {
        const login = `${prefix}-${i}`;
        const result = await connector.apply({
          idempotencyKey: `bench-${login}`,
          operation: { kind: 'create', attributes: { login, firstName: 'Bench', lastName: `Person ${i}`, displayName: `Bench Person ${i}`, email: `${login}@example.org` } },
          signal: new AbortController().signal,
        });
        if (result.outcome !== 'created') throw new Error(`bench account ${login} was ${result.outcome}, not created`);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { count, seconds, perSecond: count / seconds, concurrency };
}

const better = (a: LdapRate | undefined, b: LdapRate): LdapRate => (!a || b.perSecond > a.perSecond ? b : a);

export async function runLdapBench(options: {
  count: number;
  concurrencies: readonly number[];
  repeat: number;
  log: (line: string) => void;
}): Promise<LdapBenchRow[]> {
  const slapd = await startSlapd();
  const target: LdapTarget = { url: slapd.url, bindDn: SLAPD_ADMIN_DN, password: SLAPD_ADMIN_PASSWORD, base: SLAPD_PEOPLE };
  const rows: LdapBenchRow[] = [];
  try {
    for (const concurrency of options.concurrencies) {
      const connectors = (['search', 'dn'] as const).map((lookup) => {
        const settings = ldapConnectorFactory.parseSettings(
          { url: slapd.url, bindDn: SLAPD_ADMIN_DN, passwordEnv: 'IDFLOW_BENCH_LDAP_PASSWORD', peopleBase: SLAPD_PEOPLE, poolSize: Math.min(concurrency, 8), lookup },
          'bench ldap connector',
        );
        return { lookup, connector: ldapConnectorFactory.create(`bench-ldap-${lookup}`, settings, { IDFLOW_BENCH_LDAP_PASSWORD: SLAPD_ADMIN_PASSWORD }) };
      });
      let raw: LdapRate | undefined;
      const made = new Map<'search' | 'dn', LdapRate>();
      try {
        for (let k = 1; k <= options.repeat; k++) {
          options.log(`· ldap run ${k}/${options.repeat}, concurrency ${concurrency}: ${options.count} adds through ldapts, ${options.count} connector creates per lookup`);
          raw = better(raw, await slapdAddRate(target, { count: options.count, concurrency, prefix: `raw-c${concurrency}-r${k}` }));
          for (const { lookup, connector } of connectors) {
            made.set(lookup, better(made.get(lookup), await connectorCreateRate(connector, { count: options.count, concurrency, prefix: `${lookup}-c${concurrency}-r${k}` })));
          }
        }
      } finally {
        for (const { connector } of connectors) await connector.close();
      }
      for (const { lookup } of connectors) rows.push({ lookup, concurrency, raw: raw!, connector: made.get(lookup)! });
    }
  } finally {
    await slapd.close();
  }
  return rows;
}

/** The rows as a Markdown table. */
export function ldapTable(rows: readonly LdapBenchRow[]): string {
  const n = (x: number): string => Math.round(x).toLocaleString('en-US');
  return markdownTable(
    ['row', 'lookup', 'concurrency', 'accounts', 'connector creates/s', 'slapd adds/s (bare ldapts)', 'ratio'],
    rows.map((r) => ['ldap', r.lookup, String(r.concurrency), n(r.connector.count), n(r.connector.perSecond), n(r.raw.perSecond), `${(r.connector.perSecond / r.raw.perSecond).toFixed(2)}×`]),
  );
}
