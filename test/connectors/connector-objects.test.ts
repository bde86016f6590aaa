import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createConnectorRegistry, openConnector } from '../../src/connectors/connector-registry.js';
import { ConnectorPool } from '../../src/connectors/connector-pool.js';
import { DiagnosticBag, formatDiagnostic } from '../../src/definition/diagnostic.js';
import { loadDefinitionFiles, loadDocument } from '../../src/definition/load.js';
import type { ConnectorObject } from '../../src/definition/model/objects.js';
import { openRepository } from '../../src/repository/open-repository.js';
import { runIdflow } from '../cli/cli-harness.js';
import { DATABASES } from '../repository/repository-factory.js';
import { ScimTestServer } from '../support/scim-server.js';

function load(xml: string): { objects: ConnectorObject[]; diagnostics: string[] } {
  const bag = new DiagnosticBag();
  const objects = loadDocument(xml, 'connectors.xml', bag).map((o) => o.object as ConnectorObject);
  return { objects, diagnostics: bag.sorted().map(formatDiagnostic) };
}

describe('reading <Connector> objects', () => {
  it('reads a connector with its settings, lists from repeated settings and groups from nested ones', () => {
    const { objects, diagnostics } = load(`<Idflow>
  <Connector name="crm" kind="scim" description="the CRM's users">
    <baseUrl>https://crm.example.com/scim/v2</baseUrl>
    <tokenEnv>IDFLOW_CRM_TOKEN</tokenEnv>
  </Connector>
  <Connector name="badges" kind="csv">
    <directory>/var/spool/badges</directory>
    <columns>firstName</columns>
    <columns>lastName</columns>
  </Connector>
</Idflow>`);
    assert.deepEqual(diagnostics, []);
    assert.equal(objects.length, 2);
    assert.equal(objects[0]!.type, 'Connector');
    assert.equal(objects[0]!.kind, 'scim');
    assert.equal(objects[0]!.description, "the CRM's users");
    assert.deepEqual(objects[0]!.settings, { baseUrl: 'https://crm.example.com/scim/v2', tokenEnv: 'IDFLOW_CRM_TOKEN' });
    assert.deepEqual(objects[1]!.settings, { directory: '/var/spool/badges', columns: ['firstName', 'lastName'] });
  });

  it('reads a lone <Connector> as the root of a file', () => {
    const { objects, diagnostics } = load('<Connector name="crm" kind="scim"><baseUrl>https://x/scim</baseUrl></Connector>');
    assert.deepEqual(diagnostics, []);
    assert.equal(objects[0]!.name, 'crm');
  });

  it('points at the line of a setting the kind refuses, naming it', () => {
    const { objects, diagnostics } = load(`<Connector name="crm" kind="scim">
  <baseUrl>https://x/scim</baseUrl>
  <timeoutMs>soon</timeoutMs>
</Connector>`);
    assert.equal(objects.length, 0);
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0]!, /^connectors\.xml:3:3: error CONNECTOR_SETTINGS_INVALID: .*"timeoutMs".*whole number/);
  });

  it('points at the connector for a required setting that is missing', () => {
    const { diagnostics } = load(`<Idflow>\n  <Connector name="crm" kind="scim"/>\n</Idflow>`);
    assert.match(diagnostics[0]!, /^connectors\.xml:2:3: error CONNECTOR_SETTINGS_INVALID: .*"baseUrl".*required/);
  });

  it('refuses a misspelt setting at its line, listing the settings there are', () => {
    const { diagnostics } = load(`<Connector name="crm" kind="scim">\n  <baseUrl>https://x/scim</baseUrl>\n  <timeout>5</timeout>\n</Connector>`);
    assert.match(diagnostics[0]!, /^connectors\.xml:3:3: error CONNECTOR_SETTINGS_INVALID: .*"timeout": is not a setting.*timeoutMs/);
  });

  it('refuses a secret written in the settings, whatever the kind, without repeating it', () => {
    const { diagnostics } = load(`<Connector name="crm" kind="scim">\n  <baseUrl>https://x/scim</baseUrl>\n  <token>s3cr3t-value</token>\n</Connector>`);
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0]!, /^connectors\.xml:3:3: error CONNECTOR_SETTINGS_INVALID: .*"token".*environment variable.*tokenEnv/);
    assert.doesNotMatch(diagnostics[0]!, /s3cr3t-value/);
  });

  it('refuses an unknown kind at its attribute, listing the kinds', () => {
    const { diagnostics } = load('<Connector name="x" kind="ftp"><host>h</host></Connector>');
    assert.match(diagnostics[0]!, /^connectors\.xml:1:21: error CONNECTOR_KIND_UNKNOWN: .*"ftp".*csv, ldap, scim/);
  });

  it('lets the LDAP kind validate its own settings at import, at the setting’s line', () => {
    const { diagnostics } = load(`<Connector name="corp-ldap" kind="ldap">
  <url>ldap://127.0.0.1:3389</url>
  <bindDn>cn=admin,dc=example,dc=org</bindDn>
  <passwordEnv>IDFLOW_LDAP_PASSWORD</passwordEnv>
  <peopleBase>ou=people,dc=example,dc=org</peopleBase>
  <poolSize>lots</poolSize>
</Connector>`);
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0]!, /^connectors\.xml:6:3: error CONNECTOR_SETTINGS_INVALID: .*poolSize/);
  });

  it('reads the example connectors of every kind without a diagnostic', async () => {
    const result = await loadDefinitionFiles([new URL('../../examples/connectors/connectors.xml', import.meta.url).pathname]);
    assert.deepEqual(result.diagnostics.map(formatDiagnostic), []);
    assert.deepEqual(
      result.objects.map((o) => [(o.object as ConnectorObject).name, (o.object as ConnectorObject).kind]),
      [['corp-ldap', 'ldap'], ['crm', 'scim'], ['badges', 'csv']],
    );
  });

  it('requires a name and a kind', () => {
    const { diagnostics } = load('<Connector><baseUrl>https://x</baseUrl></Connector>');
    assert.equal(diagnostics.filter((d) => d.includes('DEF_MISSING_ATTRIBUTE')).length, 2);
  });
});

for (const database of DATABASES) {
  describe(`connector objects on ${database.name}`, () => {
    it('stores a connector, makes a new version only when its settings change, and builds it by name', async () => {
      const repo = await database.open();
      try {
        const xml = (timeout: string) => `<Connector name="crm" kind="scim"><baseUrl>https://crm.example.com/scim/v2</baseUrl><timeoutMs>${timeout}</timeoutMs></Connector>`;
        const objects = (text: string) => loadDocument(text, 'c.xml', new DiagnosticBag());
        assert.equal((await repo.objects.putMany(objects(xml('1000'))))[0]!.status, 'created');
        assert.equal((await repo.objects.putMany(objects(xml('1000'))))[0]!.status, 'unchanged');
        assert.equal((await repo.objects.putMany(objects(xml('2000'))))[0]!.status, 'new-version');
        const connector = await openConnector(repo.objects, 'crm', { env: {} });
        assert.equal(connector.kind, 'scim');
        assert.equal(connector.name, 'crm');
        await connector.close();
        await assert.rejects(openConnector(repo.objects, 'nope'), (e: unknown) => (e as { code?: string }).code === 'CONNECTOR_UNKNOWN');
      } finally {
        await repo.close();
      }
    });
  });
}

describe('connectors stored in a repository', () => {
  let dir = '';
  let server: ScimTestServer;
  let db = '';
  const idflow = (...args: string[]) => runIdflow(['--db', db, ...args], { env: { IDFLOW_TEST_SCIM_TOKEN: 'tok-123' } });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idflow-connectors-'));
    db = join(dir, 'repo.db');
    server = await ScimTestServer.start({ token: 'tok-123' });
    writeFileSync(
      join(dir, 'connectors.xml'),
      `<Idflow>
  <Connector name="crm" kind="scim">
    <baseUrl>${server.baseUrl}</baseUrl>
    <tokenEnv>IDFLOW_TEST_SCIM_TOKEN</tokenEnv>
  </Connector>
  <Connector name="badges" kind="csv">
    <directory>${join(dir, 'out')}</directory>
  </Connector>
  <Connector name="corp-ldap" kind="ldap">
    <url>ldap://127.0.0.1:9</url>
    <bindDn>cn=admin,dc=example,dc=org</bindDn>
    <passwordEnv>IDFLOW_TEST_LDAP_PASSWORD</passwordEnv>
    <peopleBase>ou=people,dc=example,dc=org</peopleBase>
  </Connector>
  <Connector name="nowhere" kind="scim">
    <baseUrl>http://127.0.0.1:9/scim/v2</baseUrl>
    <timeoutMs>2000</timeoutMs>
  </Connector>
</Idflow>
`,
    );
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports connectors like any object, and an unchanged import makes no new version', async () => {
    const first = await idflow('import', join(dir, 'connectors.xml'));
    assert.equal(first.status, 0, first.stderr + first.stdout);
    assert.match(first.stdout, /created\s+Connector\s+crm\s+v1/);
    const again = await idflow('import', join(dir, 'connectors.xml'));
    assert.match(again.stdout, /unchanged\s+Connector\s+crm\s+v1/);
  });

  it('refuses an import whose connector has a bad setting, and stores nothing of the file', async () => {
    const bad = join(dir, 'bad.xml');
    writeFileSync(bad, '<Idflow>\n  <Connector name="ok" kind="csv"><directory>/tmp/x</directory></Connector>\n  <Connector name="bad" kind="csv"><directory>relative/dir</directory></Connector>\n</Idflow>\n');
    const r = await idflow('import', bad);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /bad\.xml:3:\d+: error CONNECTOR_SETTINGS_INVALID: .*"directory".*absolute/);
    const list = await idflow('connector', 'list', '--json');
    assert.deepEqual((JSON.parse(list.stdout) as { name: string }[]).map((c) => c.name), ['badges', 'corp-ldap', 'crm', 'nowhere']);
  });

  it('lists the connectors with their kind, target and the variables their secrets come from', async () => {
    const r = await idflow('connector', 'list');
    assert.equal(r.status, 0, r.stderr);
    const crm = r.stdout.split('\n').find((l) => l.startsWith('crm'));
    assert.ok(crm, r.stdout);
    assert.match(crm, /scim\s+http:\/\/127\.0\.0\.1:\d+\/scim\/v2\s+IDFLOW_TEST_SCIM_TOKEN\s+v1/);
    const json = JSON.parse((await idflow('connector', 'list', '--json')).stdout) as { name: string; secrets: unknown[] }[];
    assert.deepEqual(json.find((c) => c.name === 'crm')!.secrets, [{ setting: 'tokenEnv', variable: 'IDFLOW_TEST_SCIM_TOKEN', set: true }]);
    assert.doesNotMatch(JSON.stringify(json), /tok-123/, 'the secret itself is never shown');
  });

  it('tests a connector that works: exit status 0 and what was checked', async () => {
    const r = await idflow('connector', 'test', 'crm');
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^ok {2}crm \(scim\): GET .*\/Users answered with the bearer token from IDFLOW_TEST_SCIM_TOKEN/);
    const csv = await idflow('connector', 'test', 'badges', '--json');
    assert.equal(csv.status, 1, 'the CSV directory does not exist yet');
    assert.equal((JSON.parse(csv.stdout) as { ok: boolean }).ok, false);
  });

  it('tests a connector that does not work: exit status 1 and why', async () => {
    const r = await idflow('connector', 'test', 'nowhere', '--json');
    assert.equal(r.status, 1);
    const out = JSON.parse(r.stdout) as { ok: boolean; detail: string };
    assert.equal(out.ok, false);
    assert.match(out.detail, /CONNECTOR_UNAVAILABLE/);
    const noToken = await runIdflow(['--db', db, 'connector', 'test', 'crm']);
    assert.equal(noToken.status, 1);
    assert.match(noToken.stdout, /FAILED {2}crm \(scim\): CONNECTOR_AUTH_FAILED: .*IDFLOW_TEST_SCIM_TOKEN.*not set/);
    const noPassword = await idflow('connector', 'test', 'corp-ldap');
    assert.equal(noPassword.status, 1);
    assert.match(noPassword.stdout, /FAILED {2}corp-ldap \(ldap\): CONNECTOR_SECRET_MISSING: .*IDFLOW_TEST_LDAP_PASSWORD/);
  });

  it('refuses to test a connector the repository does not have, listing those it has', async () => {
    const r = await idflow('connector', 'test', 'crn');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /CONNECTOR_UNKNOWN: no connector "crn".*badges, corp-ldap, crm, nowhere/);
  });

  it('builds working connectors from the stored objects, and a pool rebuilds one whose object changed', async () => {
    const repo = await openRepository({ db });
    try {
      const env = { IDFLOW_TEST_SCIM_TOKEN: 'tok-123' };
      const crm = await openConnector(repo.objects, 'crm', { env });
      const made = await crm.apply({ idempotencyKey: 'k1', operation: { kind: 'create', attributes: { login: 'pool-user' } }, signal: new AbortController().signal });
      assert.equal(made.outcome, 'created');
      assert.ok(server.store.userByName('pool-user'));

      const pool = new ConnectorPool(repo.objects, { registry: createConnectorRegistry(), env });
      await pool.refresh();
      const first = await pool.get('crm');
      assert.equal(await pool.get('crm'), first, 'reused while nothing changed');
      await pool.refresh();
      assert.equal(await pool.get('crm'), first, 'reused after a refresh that found no change');
      writeFileSync(
        join(dir, 'crm2.xml'),
        `<Connector name="crm" kind="scim"><baseUrl>${server.baseUrl}</baseUrl><tokenEnv>IDFLOW_TEST_SCIM_TOKEN</tokenEnv><timeoutMs>5000</timeoutMs></Connector>`,
      );
      const r = await idflow('import', join(dir, 'crm2.xml'));
      assert.match(r.stdout, /new version\s+Connector\s+crm\s+v2/);
      await pool.refresh();
      assert.notEqual(await pool.get('crm'), first, 'rebuilt from the new version');
      await pool.close();
    } finally {
      await repo.close();
    }
  });
});
