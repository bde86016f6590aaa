/**
 * Reading HR files: encodings detected (UTF-8 with or without BOM, UTF-16 with a BOM) or declared (Latin-1), quoted
 * CSV, and the per-row report of a refused file. Pure: no database.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHrSource, planHrRun, hrThreshold, readHrFile } from '../../../src/connectors/hr/index.js';
import { hasErrorCode } from '../../../src/errors.js';

const source = parseHrSource({
  name: 'payroll',
  key: 'Id',
  columns: { Id: 'EmployeeId', Login: 'Login', Name: 'LastName', Start: 'ContractStartDate' },
  dates: { Start: 'yyyy-MM-dd' },
  subject: 'Login',
  added: { workflow: 'User_Onboarding' },
});
const TEXT = 'Id,Login,Name,Start\r\n1,jmuller,"Müller, José",2026-01-05\r\n';
const expected = { EmployeeId: '1', Login: 'jmuller', LastName: 'Müller, José', ContractStartDate: '2026-01-05' };

describe('reading HR files', () => {
  it('reads UTF-8 without a BOM and with one, quoted fields and CRLF lines', () => {
    for (const bytes of [Buffer.from(TEXT, 'utf8'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, 'utf8')])]) {
      const file = readHrFile(bytes, source);
      assert.deepEqual(file.problems, []);
      assert.equal(file.encoding, 'utf-8');
      assert.deepEqual(file.rows.get('1'), expected);
    }
  });

  it('detects UTF-16 little- and big-endian from their byte-order mark', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    assert.deepEqual([readHrFile(le, source).encoding, readHrFile(le, source).rows.get('1')], ['utf-16le', expected]);
    assert.deepEqual([readHrFile(be, source).encoding, readHrFile(be, source).rows.get('1')], ['utf-16be', expected]);
  });

  it('reads Latin-1 when it is declared, and refuses it with its line when it is not', () => {
    const latin1 = Buffer.from(TEXT, 'latin1');
    assert.deepEqual(readHrFile(latin1, source, 'latin1').rows.get('1'), expected);
    const refused = readHrFile(latin1, source);
    assert.deepEqual(refused.problems.map((p) => [p.kind, p.line]), [['encoding', 2]]);
    assert.match(refused.problems[0]!.message, /latin1/);
    assert.equal(refused.rows.size, 0);
  });

  it('refuses UTF-16 without a byte-order mark instead of reading NULs', () => {
    assert.deepEqual(readHrFile(Buffer.from(TEXT, 'utf16le'), source).problems.map((p) => p.kind), ['encoding']);
  });

  it('reports every bad row with its line: missing key, duplicate key, unparseable date, wrong field count', () => {
    const file = readHrFile(Buffer.from('Id,Login,Name,Start\n1,a,A,2026-01-01\n,b,B,2026-01-01\n1,c,C,2026-01-01\n4,d,D,05/01/2026\n5,e\n'), source);
    assert.deepEqual(file.problems.map((p) => [p.kind, p.line]), [['missing-key', 3], ['duplicate-key', 4], ['bad-date', 5], ['malformed', 6]]);
  });

  it('refuses a mapping whose key column is not mapped, naming every problem', () => {
    assert.throws(
      () => parseHrSource({ name: 'x', key: 'Nope', columns: { Id: 'EmployeeId' }, added: { workflow: 'W', firstTransition: 'Execute' } }),
      (e: unknown) => hasErrorCode(e, 'HR_SOURCE_INVALID') && (e as { details: { problems: string[] } }).details.problems.length === 2,
    );
  });

  it('measures a percentage threshold against the larger of the snapshot and the file', () => {
    const guarded = parseHrSource({ ...source, threshold: { percent: 10 } });
    const rows = new Map(Array.from({ length: 30 }, (_, i) => [String(i), { EmployeeId: String(i), Login: `u${i}` }]));
    const previous = new Map([...rows].slice(0, 25));
    const plan = planHrRun(guarded, previous, rows, Date.parse('2026-01-01T00:00:00Z'));
    assert.equal(plan.launches.length, 5);
    assert.equal(hrThreshold(guarded, plan), 3);
  });
});
