/**
 * The two target systems of the end-to-end tests, set up once for a suite: a throwaway slapd (with a `staff`
 * groupOfNames under `ou=groups`) and a SCIM server (with the groups asked for), plus the connector objects that
 * point idflow at them, as an XML file for `idflow import`, and the environment holding their secrets, for the
 * `idflow` child processes. Shared by test/provisioning/netwrix-end-to-end.test.ts,
 * test/services/waveset-jml-e2e.test.ts and test/lifecycle/hr-joiner-mover-leaver.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScimTestServer } from './scim-server.js';
import { SLAPD_ADMIN_DN, SLAPD_ADMIN_PASSWORD, SLAPD_GROUPS, SLAPD_PASSWORD_ENV, SLAPD_PEOPLE, startSlapd, type Slapd } from './slapd.js';

/** The environment variable the SCIM connector object names for its bearer token. */
export const SCIM_TOKEN_ENV = 'IDFLOW_TEST_SCIM_TOKEN';

export interface ProvisioningTargetsOptions {
  /** Name of the `ldap` connector object. @default 'directory' */
  readonly ldapConnector?: string;
  /** Name of the `scim` connector object. @default 'scim' */
  readonly scimConnector?: string;
  /** The SCIM server's bearer token; none: the server takes requests without one. */
  readonly scimToken?: string;
  /** LDAP groupOfNames made under `ou=groups` (cn), each with the admin as its one member. @default ['staff'] */
  readonly ldapGroups?: readonly string[];
  /** Groups made on the SCIM server (displayName). @default [] */
  readonly scimGroups?: readonly string[];
}

export interface ProvisioningTargets {
  readonly slapd: Slapd;
  readonly scim: ScimTestServer;
  readonly ldapConnector: string;
  readonly scimConnector: string;
  /** The secrets the connector objects name: pass it to every `idflow` that provisions. */
  readonly env: Readonly<Record<string, string>>;
  /** The DN of an LDAP group made at start (`cn=<name>,ou=groups,…`). */
  groupDn(name: string): string;
  /** The DN a person's entry has under `ou=people`. */
  personDn(uid: string): string;
  /** `ldapsearch` of the person entry with uid `uid` (LDIF; '' when there is none). */
  entry(uid: string, attributes?: readonly string[]): string;
  /** The uids that are members of an LDAP group, sorted. */
  groupMembers(name: string): string[];
  /** Writes the connector objects as `<dir>/connectors.xml` for `idflow import`; answers its path. */
  writeConnectors(dir: string): string;
  close(): Promise<void>;
}

export async function startProvisioningTargets(options: ProvisioningTargetsOptions = {}): Promise<ProvisioningTargets> {
  const ldapConnector = options.ldapConnector ?? 'directory';
  const scimConnector = options.scimConnector ?? 'scim';
  const slapd = await startSlapd();
  let scim: ScimTestServer | undefined;
  try {
    for (const cn of options.ldapGroups ?? ['staff']) slapd.add(`dn: cn=${cn},${SLAPD_GROUPS}\nobjectClass: groupOfNames\ncn: ${cn}\nmember: ${SLAPD_ADMIN_DN}\n`);
    scim = await ScimTestServer.start(options.scimToken === undefined ? {} : { token: options.scimToken });
    for (const name of options.scimGroups ?? []) scim.store.addGroup(name);
  } catch (e) {
    await slapd.close();
    throw e;
  }
  const server = scim;
  const personDn = (uid: string): string => `uid=${uid},${SLAPD_PEOPLE}`;
  return {
    slapd,
    scim: server,
    ldapConnector,
    scimConnector,
    env: { [SLAPD_PASSWORD_ENV]: SLAPD_ADMIN_PASSWORD, ...(options.scimToken !== undefined && { [SCIM_TOKEN_ENV]: options.scimToken }) },
    groupDn: (name) => `cn=${name},${SLAPD_GROUPS}`,
    personDn,
    entry: (uid, attributes = ['uid', 'cn', 'givenName', 'sn', 'mail', 'pwdAccountLockedTime']) => slapd.search(`(uid=${uid})`, attributes, SLAPD_PEOPLE),
    groupMembers: (name) =>
      [...slapd.search(`(cn=${name})`, ['member'], SLAPD_GROUPS).matchAll(/^member: uid=([^,]+),/gm)].map((m) => m[1]!).sort(),
    writeConnectors(dir) {
      const file = join(dir, 'connectors.xml');
      writeFileSync(
        file,
        `<Idflow>
  <Connector name="${ldapConnector}" kind="ldap">
    <url>${slapd.url}</url>
    <bindDn>${SLAPD_ADMIN_DN}</bindDn>
    <passwordEnv>${SLAPD_PASSWORD_ENV}</passwordEnv>
    <peopleBase>${SLAPD_PEOPLE}</peopleBase>
    <groupBase>${SLAPD_GROUPS}</groupBase>
  </Connector>
  <Connector name="${scimConnector}" kind="scim">
    <baseUrl>${server.baseUrl}</baseUrl>${options.scimToken === undefined ? '' : `\n    <tokenEnv>${SCIM_TOKEN_ENV}</tokenEnv>`}
  </Connector>
</Idflow>
`,
      );
      return file;
    },
    async close() {
      await server.close();
      await slapd.close();
    },
  };
}
