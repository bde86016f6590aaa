/**
 * The identity store and change sets on both databases (the store contract suite): dated records and "as of"
 * answers, the provisioning orders a change set implies, replays that write nothing twice, bad change sets that
 * apply nothing, future-dated records applied by the sweep.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hasErrorCode } from '../../src/errors.js';
import type { XValue } from '../../src/expression/env.js';
import { applyDueRecords } from '../../src/identity/dated-record-sweep.js';
import { identityView } from '../../src/identity/identity-view.js';
import type { ResourceRow } from '../../src/identity/identity-rows.js';
import { readNetwrixChangeSet } from '../../src/identity/netwrix-change-set.js';
import { planChangeSet, type PlanContext } from '../../src/identity/plan-change-set.js';
import { subjectKey } from '../../src/identity/subject-key.js';
import type { Repository } from '../../src/repository/repository.js';
import { DATABASES } from '../repository/repository-factory.js';

const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);
const NOW = day('2026-02-15');

function resource(name: string, kind: ResourceRow['kind'], connector: string | null, targetKey: string | null = null): ResourceRow {
  return { id: `res-${name}`, kind, name, nameKey: subjectKey(name), displayName: null, description: null, connector, targetKey, owners: [], createdAt: NOW, updatedAt: NOW };
}

for (const database of DATABASES) {
  describe(`${database.name}: identity store and change sets`, () => {
    let repo: Repository;
    let step = 0;
    const ctx = (over: Partial<PlanContext> = {}): PlanContext => ({
      now: NOW,
      idempotencyKey: `inst-1:${++step}:Persist:0`,
      instanceId: 'inst-1',
      mode: 'persist',
      provisioning: true,
      ...over,
    });
    /** Plans a Netwrix change set and applies it alone; returns the write and its status. */
    const persist = async (changes: Record<string, XValue>, over: Partial<PlanContext> = {}) => {
      const write = await planChangeSet(repo.identities, readNetwrixChangeSet(changes), ctx(over));
      const [status] = await repo.identities.apply([write]);
      return { write, status };
    };
    const orders = (identityId: string) =>
      database.query<{ connector: string; account_seq: number; operation: string; payload: string; not_before: number }>(
        repo,
        'SELECT connector, account_seq, operation, payload, not_before FROM provisioning_orders WHERE identity_id = ? ORDER BY connector, account_seq',
        [identityId],
      );
    const count = async (table: string): Promise<number> => Number((await database.query<{ n: number }>(repo, `SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);

    before(async () => {
      repo = await database.open();
      await repo.identities.putResource(resource('directory', 'application', 'ldap'));
      await repo.identities.putResource(resource('staff', 'group', 'ldap', 'cn=staff,ou=groups,dc=example,dc=org'));
      await repo.identities.putResource(resource('crm', 'application', 'scim'));
      await repo.identities.putResource(resource('badge', 'device', null));
    });
    after(() => repo.close());

    it('answers what jdoe looked like on 1 March, before and after a name change dated 1 April', async () => {
      const created = await persist({
        Login: 'jdoe',
        FirstName: 'Jane',
        LastName: 'Doe',
        EffectiveDate: '2026-01-01',
        Records: [{ ContractStartDate: '2026-01-01', Title: 'Accountant', Department: 'Finance' }],
      });
      assert.equal(created.status, 'committed');
      const renamed = await persist({ LastName: 'Roe', EffectiveDate: '2026-04-01' }, { subject: 'JDoe', now: day('2026-03-10') });
      assert.equal(renamed.status, 'committed');
      const jdoe = (await repo.identities.findIdentity('jdoe'))!;
      const look = async (iso: string, knownAt?: number) => {
        const records = await repo.identities.recordsAsOf(jdoe.identity.id, { validAt: day(iso), ...(knownAt !== undefined && { knownAt }) });
        return identityView(jdoe.identity, records, day(iso), null).attributes;
      };
      assert.deepEqual(await look('2026-03-01'), { firstName: 'Jane', lastName: 'Doe', title: 'Accountant', department: 'Finance' });
      assert.equal((await look('2026-04-02'))['lastName'], 'Roe');
      assert.equal((await look('2026-04-02', day('2026-03-01')))['lastName'], 'Doe', 'on 1 March nobody knew of the new name yet');
      assert.deepEqual(await look('2025-12-31'), {}, 'nothing was valid before the start');
      const history = await repo.identities.recordHistory(jdoe.identity.id);
      assert.equal(history.filter((r) => r.supersededAt !== null).length, 1, 'the replaced personal record stays, superseded');
    });

    it('orders an account per connector, group memberships and the renames and updates that follow', async () => {
      const { write } = await persist({ Login: 'asmith', FirstName: 'Al', LastName: 'Smith', Resources: { Add: ['directory', 'staff', 'crm', 'badge'] } });
      const id = write.identity.id;
      assert.deepEqual(
        (await orders(id)).map((o) => `${o.connector}#${o.account_seq} ${o.operation}`),
        ['ldap#1 create', 'ldap#2 addMember', 'scim#1 create'],
      );
      const create = JSON.parse((await orders(id))[0]!.payload) as { attributes: Record<string, string> };
      assert.deepEqual(create.attributes, { login: 'asmith', firstName: 'Al', lastName: 'Smith', displayName: 'Al Smith' });
      assert.deepEqual((await repo.identities.listAccounts(id)).map((a) => `${a.connector}:${a.state}`), ['ldap:pending', 'scim:pending']);

      await persist({ Login: 'asmythe', LastName: 'Smythe', Resources: { Remove: ['staff'] } }, { subject: 'asmith' });
      const after = (await orders(id)).map((o) => `${o.connector}#${o.account_seq} ${o.operation}`);
      assert.deepEqual(after, ['ldap#1 create', 'ldap#2 addMember', 'ldap#3 rename', 'ldap#4 removeMember', 'scim#1 create', 'scim#2 rename']);
      const rename = JSON.parse((await orders(id)).find((o) => o.operation === 'rename')!.payload) as Record<string, unknown>;
      assert.deepEqual(rename, { newLogin: 'asmythe', attributes: { lastName: 'Smythe', displayName: 'Al Smythe' } });
      assert.equal((await repo.identities.findIdentity('asmythe'))?.identity.id, id, 'the identity goes by its new login');
    });

    it('disables every account on the leaving date and deletes it after the retention period', async () => {
      const { write } = await persist({ Login: 'leaver', LastName: 'Gone', Resources: { Add: ['directory'] }, Records: [{ ContractStartDate: '2026-01-01' }] });
      await persist({ EndDate: '2026-02-28' }, { subject: 'leaver' });
      const last = (await orders(write.identity.id)).slice(1);
      assert.deepEqual(last.map((o) => `${o.operation}@${new Date(Number(o.not_before)).toISOString().slice(0, 10)}`), ['disable@2026-02-28', 'delete@2026-03-30']);
      const contract = (await repo.identities.recordsAsOf(write.identity.id, { validAt: day('2026-02-27') })).find((r) => r.kind === 'contract');
      assert.equal(contract?.validUntil, day('2026-02-28'), 'the open contract ends on the leaving date');
    });

    it('writes nothing twice when the same Persist is applied again', async () => {
      const write = await planChangeSet(repo.identities, readNetwrixChangeSet({ Login: 'replay', LastName: 'Once', Resources: { Add: ['directory'] } }), ctx());
      const before = { identities: await count('identities'), records: await count('identity_records'), orders: await count('provisioning_orders') };
      assert.deepEqual(await repo.identities.apply([write]), ['committed']);
      assert.deepEqual(await repo.identities.apply([write]), ['conflict'], 'the replay meets the identity it created');
      assert.deepEqual(
        { identities: await count('identities'), records: await count('identity_records'), orders: await count('provisioning_orders') },
        { identities: before.identities + 1, records: before.records + 1, orders: before.orders + 1 },
      );
      const again = await planChangeSet(repo.identities, readNetwrixChangeSet({ LastName: 'Twice' }), { ...ctx(), subject: 'replay' });
      const stale = { ...again, expectedRevision: again.expectedRevision! - 1, identity: { ...again.identity, revision: again.identity.revision - 1 } };
      assert.deepEqual(await repo.identities.apply([stale]), ['conflict'], 'a write planned on an older revision is refused');
    });

    it('refuses a bad change set with a code naming the attribute, and applies nothing of it', async () => {
      const before = { identities: await count('identities'), records: await count('identity_records') };
      const refused = async (changes: Record<string, XValue>, code: string, attribute: string) => {
        await assert.rejects(
          async () => persist(changes),
          (e: unknown) => hasErrorCode(e, code) && (e as { details: { attribute?: string } }).details.attribute === attribute,
          `${code} naming ${attribute}`,
        );
      };
      await refused({ Login: 'bad1', FristName: 'Typo' }, 'CHANGESET_ATTRIBUTE_UNKNOWN', 'FristName');
      await refused({ Login: 'bad2', LastName: ['a', 'list'] }, 'CHANGESET_TYPE_INVALID', 'LastName');
      await refused({ Login: 'bad3', Records: [{ ContractStartDate: '2026-02-30' }] }, 'CHANGESET_DATE_INVALID', 'Records[0].ContractStartDate');
      await refused({ Login: 'bad4', Records: [{ ContractStartDate: 20260601, ContractEndDate: 20260101 }] }, 'CHANGESET_DATES_REVERSED', 'Records[0].ContractEndDate');
      await refused({ FirstName: 'Nobody' }, 'CHANGESET_LOGIN_REQUIRED', 'Login');
      await refused({ Login: 'bad5', Resources: { Add: ['no-such-thing'] } }, 'CHANGESET_RESOURCE_UNKNOWN', 'resources.add[0]');
      await persist({ Login: 'hr1', EmployeeId: 'E-1' });
      await refused({ Login: 'hr2', EmployeeId: 'E-1' }, 'IDENTITY_EMPLOYEE_ID_TAKEN', 'EmployeeId');
      await refused({ Login: 'hr1', Manager: 'nobody-at-all' }, 'IDENTITY_NOT_FOUND', 'Manager');
      assert.deepEqual({ identities: await count('identities'), records: await count('identity_records') }, { identities: before.identities + 1, records: before.records }, 'only hr1, which was not refused');
    });

    it('finds an identity and the holder of an employee id together, whether they are one person, two or nobody, with the birthright resources', async () => {
      await persist({ Login: 'Emp1', EmployeeId: 'E-71' });
      await persist({ Login: 'emp2', EmployeeId: 'E-72' });
      const both = async (name: string, employeeId: string) => {
        const r = await repo.identities.persistReads(name, employeeId);
        return [r.found?.identity.login ?? null, r.holder?.login ?? null];
      };
      assert.deepEqual(await both('EMP1', 'E-71'), ['Emp1', 'Emp1'], 'one person, found by login key');
      assert.deepEqual(await both('emp1', 'E-72'), ['Emp1', 'emp2'], 'two people');
      assert.deepEqual(await both('newcomer', 'E-73'), [null, null], 'nobody');
      assert.deepEqual((await repo.identities.persistReads('newcomer', null)).birthright, await repo.identities.birthrightResources());
      const emp2 = (await repo.identities.findIdentity('emp2'))!;
      assert.deepEqual((await repo.identities.persistReads(emp2.identity.id, 'E-71')).found, emp2, 'by id, with its records and assignments');
    });

    it('reads only the key of the identity a launch names, by id or by login, none for a newcomer, with the absences counter', async () => {
      const emp1 = (await repo.identities.findIdentity('emp1'))!.identity;
      const key = async (name: string) => (await repo.identities.subjectKeyReads(name)).loginKey;
      assert.equal(await key('EMP1'), 'emp1', 'by login, compared by its key');
      assert.equal(await key(emp1.id), 'emp1', 'by id');
      assert.equal(await key(emp1.id), (await repo.identities.findIdentity(emp1.id))!.identity.loginKey);
      assert.equal(await key('newcomer'), undefined);
      assert.equal((await repo.identities.subjectKeyReads('newcomer')).absencesMark, (await repo.identities.persistReads('newcomer', null)).absencesMark);
    });

    it('plans a joiner\'s Persist with one read of the identity store, however often the change set names the joiner', async () => {
      const asked: string[] = [];
      const store = repo.identities;
      const counting = new Proxy(store, {
        get(target, name, receiver) {
          const v = Reflect.get(target, name, receiver) as unknown;
          if (typeof v !== 'function') return v;
          return (...args: unknown[]) => {
            asked.push(String(name));
            return (v as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      const write = await planChangeSet(counting, readNetwrixChangeSet({ Login: 'joiner9', EmployeeId: 'E-99', LastName: 'J' }), ctx({ subject: 'joiner9' }));
      assert.equal(write.expectedRevision, null, 'a new identity');
      assert.deepEqual(asked, ['persistReads']);
      asked.length = 0;
      await assert.rejects(
        planChangeSet(counting, readNetwrixChangeSet({ Login: 'joiner10', EmployeeId: 'E-71', LastName: 'J' }), ctx({ subject: 'joiner10' })),
        (e: unknown) => hasErrorCode(e, 'IDENTITY_EMPLOYEE_ID_TAKEN'),
        'the employee id another identity holds is still refused',
      );
      assert.deepEqual(asked, ['persistReads']);
    });

    it('applies a future-dated record on its date, through the sweep, and orders the update then', async () => {
      const { write } = await persist({ Login: 'mover', FirstName: 'Mo', Resources: { Add: ['crm'] }, Records: [{ PositionStartDate: '2026-01-01', Title: 'Clerk' }] });
      await persist({ Records: [{ PositionStartDate: '2026-03-01', Title: 'Manager' }] }, { subject: 'mover' });
      const ops = async () => (await orders(write.identity.id)).map((o) => o.operation);
      assert.deepEqual(await ops(), ['create'], 'nothing changes on the target before the date');
      assert.equal(await applyDueRecords(repo.identities, day('2026-02-28'), 100), 0);
      assert.ok((await applyDueRecords(repo.identities, day('2026-03-01'), 100)) >= 1);
      assert.deepEqual(await ops(), ['create', 'update']);
      const update = JSON.parse((await orders(write.identity.id))[1]!.payload) as Record<string, unknown>;
      assert.deepEqual(update, { attributes: { title: 'Manager' } });
      assert.equal(await applyDueRecords(repo.identities, day('2026-03-02'), 100), 0, 'an applied record is not applied again');
    });

    it('keeps a draft of an existing identity out of what it looks like until Persist replaces it', async () => {
      const { write } = await persist({ Login: 'drafty', LastName: 'Before', Resources: { Add: ['crm'] } });
      const id = write.identity.id;
      await persist({ LastName: 'During', Resources: { Add: ['directory'] } }, { subject: 'drafty', mode: 'draft', provisioning: false });
      const look = async () => identityView(write.identity, await repo.identities.recordsAsOf(id, { validAt: NOW }), NOW, null).attributes['lastName'];
      assert.equal(await look(), 'Before', 'a draft changes nothing people see');
      const drafted = (await repo.identities.findIdentity('drafty'))!;
      assert.equal(drafted.identity.state, 'active');
      assert.deepEqual(drafted.records.filter((r) => r.draft).map((r) => r.data['lastName']), ['During']);
      assert.deepEqual((await orders(id)).map((o) => o.operation), ['create'], 'nothing ordered for the draft');
      await persist({ LastName: 'After', Resources: { Add: ['directory'] } }, { subject: 'drafty' });
      assert.equal(await look(), 'After');
      const done = (await repo.identities.findIdentity('drafty'))!;
      assert.equal(done.records.filter((r) => r.draft).length, 0, 'the draft was replaced');
      assert.deepEqual(done.assignments.map((a) => a.workflowState), ['approved', 'approved']);
      assert.deepEqual((await orders(id)).map((o) => `${o.connector} ${o.operation}`), ['ldap create', 'scim create', 'scim update']);
    });

    it('applies a change set without ordering anything when the activity blocks provisioning', async () => {
      const { write } = await persist({ Login: 'blocked', LastName: 'Quiet', Resources: { Add: ['directory'] } }, { provisioning: false });
      assert.equal(write.identity.state, 'active');
      assert.deepEqual(await orders(write.identity.id), []);
      assert.deepEqual(await repo.identities.listAccounts(write.identity.id), []);
      assert.deepEqual((await repo.identities.listAssignments({ identityId: write.identity.id })).map((a) => a.workflowState), ['approved']);
    });
  });
}
