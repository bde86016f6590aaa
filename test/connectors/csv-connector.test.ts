import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { ConnectorError, type ProvisioningOperation, type ProvisioningResult } from '../../src/connectors/connector.js';
import { CsvConnector, csvConnectorFactory } from '../../src/connectors/csv/csv-connector.js';
import { formatRecord, parseCsv } from '../../src/connectors/csv/csv-format.js';

const root = mkdtempSync(join(tmpdir(), 'idflow-csv-'));
let dir = '';
let n = 0;

function csv(settings: Record<string, unknown> = {}): CsvConnector {
  return csvConnectorFactory.create('badges', csvConnectorFactory.parseSettings({ directory: dir, ...settings }, 'test'), {}) as CsvConnector;
}

function apply(c: CsvConnector, operation: ProvisioningOperation, key = `order-${++n}`): Promise<ProvisioningResult> {
  return c.apply({ idempotencyKey: key, operation, signal: new AbortController().signal });
}

/** The file's records as objects by header, without the `at` column (a time). */
function rows(file: string): Record<string, string>[] {
  const [header, ...records] = parseCsv(readFileSync(file, 'utf8'));
  return records.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!]).filter(([h]) => h !== 'at')));
}

beforeEach(() => {
  dir = join(root, `run-${++n}`);
  mkdirSync(dir);
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('CSV as RFC 4180 writes it', () => {
  it('quotes fields holding commas, quotes and line breaks, and ends records with CRLF', () => {
    assert.equal(formatRecord(['plain', 'a,b', 'say "hi"', 'two\nlines', '']), 'plain,"a,b","say ""hi""","two\nlines",\r\n');
  });

  it('reads back what it writes, including line breaks inside fields', () => {
    const fields = ['x', 'a,b', '"quoted"', 'line1\r\nline2', '', 'é'];
    assert.deepEqual(parseCsv(formatRecord(fields) + formatRecord(['2'])), [fields, ['2']]);
  });
});

describe('the CSV connector', () => {
  it('writes a header and one record per operation, keyed by the login', async () => {
    const c = csv({ columns: 'firstName,lastName,email' });
    const made = await apply(c, { kind: 'create', attributes: { login: 'jdoe', firstName: 'John', lastName: 'Doe, Jr.', email: 'j@example.org' } }, 'o-1');
    assert.deepEqual(made, { key: 'jdoe', outcome: 'created' });
    await apply(c, { kind: 'update', key: 'jdoe', attributes: { email: 'john@example.org' } }, 'o-2');
    await apply(c, { kind: 'addMember', key: 'jdoe', group: 'Lobby' }, 'o-3');
    await apply(c, { kind: 'disable', key: 'jdoe' }, 'o-4');
    const text = readFileSync(c.file, 'utf8');
    assert.ok(text.startsWith('operation,login,firstName,lastName,email,newKey,group,order,at\r\n'), text);
    assert.match(text, /^create,jdoe,John,"Doe, Jr.",j@example\.org,,,o-1,\d{4}-\d\d-\d\dT/m);
    assert.deepEqual(rows(c.file).map((r) => [r['operation'], r['login'], r['email'], r['group'], r['order']]), [
      ['create', 'jdoe', 'j@example.org', '', 'o-1'],
      ['update', 'jdoe', 'john@example.org', '', 'o-2'],
      ['addMember', 'jdoe', '', 'Lobby', 'o-3'],
      ['disable', 'jdoe', '', '', 'o-4'],
    ]);
  });

  it('writes a replayed order once, answering it as the first time', async () => {
    const c = csv();
    const first = await apply(c, { kind: 'create', attributes: { login: 'jdoe' } }, 'same');
    const again = await apply(c, { kind: 'create', attributes: { login: 'jdoe' } }, 'same');
    assert.deepEqual(again, first);
    await apply(c, { kind: 'disable', key: 'jdoe' }, 'dis');
    await apply(c, { kind: 'disable', key: 'jdoe' }, 'dis');
    assert.equal(rows(c.file).length, 2);
  });

  it('remembers across connectors (a new worker) what the files hold: it looks before it creates', async () => {
    await apply(csv(), { kind: 'create', attributes: { login: 'jdoe' } });
    const later = csv();
    assert.deepEqual(await apply(later, { kind: 'create', attributes: { login: 'jdoe' } }), { key: 'jdoe', outcome: 'adopted' });
    assert.equal(rows(later.file).length, 1, 'no second create record');
  });

  it('renames with a newKey column and follows the account under its new key', async () => {
    const c = csv({ columns: 'login,lastName' });
    await apply(c, { kind: 'create', attributes: { login: 'jdoe', lastName: 'Doe' } });
    assert.deepEqual(await apply(c, { kind: 'rename', key: 'jdoe', newLogin: 'jsmith', attributes: { lastName: 'Smith' } }), { key: 'jsmith', outcome: 'changed' });
    const renamed = rows(c.file)[1]!;
    assert.equal(renamed['operation'], 'rename');
    assert.equal(renamed['login'], 'jdoe');
    assert.equal(renamed['newKey'], 'jsmith');
    assert.equal(renamed['lastName'], 'Smith');
    await apply(c, { kind: 'disable', key: 'jsmith' });
    const e = await apply(c, { kind: 'disable', key: 'jdoe' }).catch((x: unknown) => x);
    assert.ok(e instanceof ConnectorError && e.code === 'CONNECTOR_NOT_FOUND' && !e.transient);
  });

  it('deletes once, and a delete of an account the files do not hold succeeds without a record', async () => {
    const c = csv();
    await apply(c, { kind: 'create', attributes: { login: 'jdoe' } });
    assert.equal((await apply(c, { kind: 'delete', key: 'jdoe' })).outcome, 'deleted');
    assert.equal((await apply(c, { kind: 'delete', key: 'jdoe' })).outcome, 'deleted');
    assert.deepEqual(rows(c.file).map((r) => r['operation']), ['create', 'delete']);
    assert.equal((await apply(c, { kind: 'create', attributes: { login: 'jdoe' } })).outcome, 'created', 'made again after its delete');
  });

  it('joins the values of a multi-valued attribute with the list separator', async () => {
    const c = csv({ columns: 'email', listSeparator: '|' });
    await apply(c, { kind: 'create', attributes: { login: 'jdoe', email: ['a@x', 'b@x'] } });
    assert.equal(rows(c.file)[0]!['email'], 'a@x|b@x');
  });

  it('writes each run to a file of its own in perRun mode, and still finds the accounts earlier runs wrote', async () => {
    const first = csv({ mode: 'perRun' });
    await apply(first, { kind: 'create', attributes: { login: 'jdoe' } });
    await first.close();
    const second = csv({ mode: 'perRun' });
    assert.equal((await apply(second, { kind: 'create', attributes: { login: 'jdoe' } })).outcome, 'adopted');
    await apply(second, { kind: 'disable', key: 'jdoe' });
    assert.notEqual(second.file, first.file);
    const files = readdirSync(dir).filter((f) => f.endsWith('.csv')).sort();
    assert.equal(files.length, 2);
    assert.ok(files.every((f) => /^accounts-\d{8}T\d{6}Z-\d+-[0-9a-f]{6}\.csv$/.test(f)), files.join(' '));
    assert.deepEqual(rows(second.file).map((r) => r['operation']), ['disable']);
  });

  it('never leaves a partial file: concurrent writers each land their record, and no temp file stays', async () => {
    const a = csv();
    const b = csv();
    await Promise.all(Array.from({ length: 40 }, (_, i) => apply(i % 2 ? a : b, { kind: 'create', attributes: { login: `user${i}` } })));
    const written = rows(a.file);
    assert.equal(written.length, 40);
    assert.equal(new Set(written.map((r) => r['login'])).size, 40);
    assert.deepEqual(readdirSync(dir).filter((f) => f !== 'accounts.csv'), [], 'no temp or lock file left');
  });

  it('takes over the lock of a writer that died holding it', async () => {
    const c = csv();
    // A pid that cannot be alive: above the kernel's pid_max.
    writeFileSync(join(dir, '.accounts.lock'), '99999999');
    assert.equal((await apply(c, { kind: 'create', attributes: { login: 'jdoe' } })).outcome, 'created');
  });

  it('refuses a file whose columns differ from the settings instead of mixing them', async () => {
    await apply(csv({ columns: 'email' }), { kind: 'create', attributes: { login: 'a' } });
    const e = await apply(csv({ columns: 'lastName' }), { kind: 'create', attributes: { login: 'b' } }).catch((x: unknown) => x);
    assert.ok(e instanceof ConnectorError && e.code === 'CONNECTOR_REJECTED', String(e));
  });

  it('refuses an attribute outside the neutral vocabulary', async () => {
    const e = await apply(csv(), { kind: 'create', attributes: { login: 'a', shoeSize: '44' } }).catch((x: unknown) => x);
    assert.ok(e instanceof ConnectorError && e.code === 'CONNECTOR_ATTRIBUTE_UNKNOWN');
  });

  it('waits for a directory that is not there rather than making one (a transient failure)', async () => {
    const c = csvConnectorFactory.create('badges', csvConnectorFactory.parseSettings({ directory: join(dir, 'not-mounted') }, 'test'), {});
    const e = await c.apply({ idempotencyKey: 'k', operation: { kind: 'create', attributes: { login: 'a' } }, signal: new AbortController().signal }).catch((x: unknown) => x);
    assert.ok(e instanceof ConnectorError && e.code === 'CONNECTOR_UNAVAILABLE' && e.transient, String(e));
    assert.deepEqual(readdirSync(dir), []);
    assert.equal((await c.check(new AbortController().signal)).ok, false);
  });

  it('checks that its directory is writable', async () => {
    const ok = await csv().check(new AbortController().signal);
    assert.equal(ok.ok, true);
    assert.match(ok.detail, /writable; 0 files/);
  });
});

describe('CSV connector settings', () => {
  const settingOf = (raw: Record<string, unknown>): string => {
    try {
      csvConnectorFactory.parseSettings(raw, 'test');
    } catch (e) {
      assert.equal((e as { code?: string }).code, 'CONNECTOR_SETTINGS_INVALID');
      return (e as { setting: string }).setting;
    }
    assert.fail('expected the settings to be refused');
  };

  it('names the setting that is wrong', () => {
    assert.equal(settingOf({}), 'directory');
    assert.equal(settingOf({ directory: 'relative' }), 'directory');
    assert.equal(settingOf({ directory: '/x', fileName: '../escape' }), 'fileName');
    assert.equal(settingOf({ directory: '/x', mode: 'daily' }), 'mode');
    assert.equal(settingOf({ directory: '/x', columns: 'login,shoeSize' }), 'columns');
    assert.equal(settingOf({ directory: '/x', keyAttribute: 'uid' }), 'keyAttribute');
  });
});
