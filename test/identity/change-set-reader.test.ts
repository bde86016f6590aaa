/**
 * Reading change sets, without a store: the Netwrix `changes` vocabulary into the neutral form, the date forms
 * Netwrix configurations write, and the neutral form's own checks (what the Waveset user view maps to).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasErrorCode } from '../../src/errors.js';
import { readNetwrixChangeSet } from '../../src/identity/netwrix-change-set.js';
import { validateChangeSet } from '../../src/identity/validate-change-set.js';
import type { ChangeSet } from '../../src/identity/change-set.js';

const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);
const naming = (code: string, attribute: string) => (e: unknown) => hasErrorCode(e, code) && (e as { details: { attribute?: string } }).details.attribute === attribute;

describe('reading change sets', () => {
  it('reads the Netwrix vocabulary into records of their kinds, under neutral names', () => {
    const cs = readNetwrixChangeSet({
      Login: 'jdoe',
      EmployeeId: 1042,
      FirstName: 'Jane',
      Mail: 'jane@example.org',
      Site: 'Paris',
      Records: [{ ContractStartDate: 20260101, ContractEndDate: '2026-12-31', UserType: 'Intern', Title: 'Clerk' }],
      Resources: { Add: ['directory', { Resource: 'vpn', StartDate: '2026-02-01T08:00:00+01:00' }], Remove: ['wifi'] },
      EndDate: '2026-12-31',
      IsDraft: true,
    });
    assert.equal(cs.login, 'jdoe');
    assert.equal(cs.employeeId, '1042', 'numbers are kept as their text');
    assert.deepEqual(cs.records, [
      { kind: 'personal', data: { firstName: 'Jane', email: 'jane@example.org' } },
      { kind: 'position', data: { location: 'Paris' } },
      { kind: 'contract', data: { userType: 'Intern' }, validFrom: day('2026-01-01'), validUntil: day('2026-12-31') },
      { kind: 'position', data: { title: 'Clerk' }, validFrom: day('2026-01-01') },
    ]);
    assert.deepEqual(cs.resources, { add: [{ resource: 'directory' }, { resource: 'vpn', validFrom: Date.parse('2026-02-01T07:00:00Z') }], remove: ['wifi'] });
    assert.equal(cs.leaveAt, day('2026-12-31'));
  });

  it('refuses dates that are not dates, naming where they are', () => {
    assert.throws(() => readNetwrixChangeSet({ EffectiveDate: 'soon' }), naming('CHANGESET_DATE_INVALID', 'EffectiveDate'));
    assert.throws(() => readNetwrixChangeSet({ Records: [{ ContractStartDate: 20261332 }] }), naming('CHANGESET_DATE_INVALID', 'Records[0].ContractStartDate'));
    assert.throws(() => readNetwrixChangeSet({ BirthDate: '2026-03-01T10:00' }), naming('CHANGESET_DATE_INVALID', 'BirthDate'), 'a time without its zone');
    assert.throws(() => readNetwrixChangeSet({ Resources: { Add: [{ Resource: 'vpn', StartDate: '2026-03-01', EndDate: '2026-02-01' }] } }), naming('CHANGESET_DATES_REVERSED', 'Resources.Add[0].EndDate'));
    assert.throws(() => readNetwrixChangeSet({ Records: 'none' }), naming('CHANGESET_INVALID', 'Records'));
    assert.throws(() => readNetwrixChangeSet({ Resources: { Grant: ['x'] } }), naming('CHANGESET_ATTRIBUTE_UNKNOWN', 'Resources.Grant'));
  });

  it('checks the neutral form as strictly as the Netwrix one', () => {
    const ok: ChangeSet = { login: 'jdoe', records: [{ kind: 'personal', data: { firstName: 'Jane', birthDate: '1990-05-04' } }] };
    assert.deepEqual(validateChangeSet(ok).records?.[0]?.data, { firstName: 'Jane', birthDate: '1990-05-04' });
    assert.throws(() => validateChangeSet({ records: [{ kind: 'personal', data: { fristName: 'x' } }] }), naming('CHANGESET_ATTRIBUTE_UNKNOWN', 'records[0].fristName'));
    assert.throws(() => validateChangeSet({ records: [{ kind: 'contract', data: { title: 'x' } }] }), naming('CHANGESET_ATTRIBUTE_UNKNOWN', 'records[0].title'), 'title belongs to positions');
    assert.throws(() => validateChangeSet({ records: [{ kind: 'contract', validFrom: 10, validUntil: 5, data: {} }] }), naming('CHANGESET_DATES_REVERSED', 'records[0].validUntil'));
    assert.throws(() => validateChangeSet({ login: '' }), naming('CHANGESET_TYPE_INVALID', 'login'));
    assert.throws(() => validateChangeSet({ records: [{ kind: 'personal', data: { lastName: { a: 1 } } }] }), naming('CHANGESET_TYPE_INVALID', 'records[0].lastName'));
  });
});
