import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { XValue } from '../../src/expression/env.js';
import { changeSetOfView, withViewChanges } from '../../src/services/waveset-user-view.js';

/** A view as getView hands it out (the parts the mapping reads). */
function readView(): { [key: string]: XValue } {
  const global = { firstname: 'Jane', lastname: 'Doe', title: 'Accountant', phone: '+41 1' };
  const waveset = { id: 'id-1', accountId: 'jdoe', organization: 'Finance', idmManager: null, employeeId: 'E-1', resources: ['Directory'], state: 'active', disabled: false };
  return {
    waveset: { ...waveset, original: { accountId: 'jdoe', organization: 'Finance', idmManager: null, employeeId: 'E-1', resources: ['Directory'], global: { ...global }, state: 'active', disabled: false, accounts: {} } },
    global,
    accounts: {},
  };
}

describe('the user view as a change set', () => {
  it('an unchanged view changes nothing', () => {
    const r = changeSetOfView(readView());
    assert.equal(r.empty, true);
    assert.equal(r.identityId, 'id-1');
  });

  it('maps changed global attributes to their records by kind, and an attribute removed from global to null', () => {
    const view = readView();
    const global = view['global'] as { [key: string]: XValue };
    global['lastname'] = 'Smith';
    global['department'] = 'Sales';
    delete global['phone'];
    const { changeSet } = changeSetOfView(view);
    assert.deepEqual(changeSet.records, [
      { kind: 'personal', data: { lastName: 'Smith', phone: null } },
      { kind: 'position', data: { department: 'Sales' } },
    ]);
  });

  it('maps resources added to and removed from waveset.resources, compared by their key', () => {
    const view = readView();
    (view['waveset'] as { [key: string]: XValue })['resources'] = ['directory', 'Wiki'];
    assert.deepEqual(changeSetOfView(view).changeSet.resources, { add: [{ resource: 'Wiki' }] });
    (view['waveset'] as { [key: string]: XValue })['resources'] = [];
    assert.deepEqual(changeSetOfView(view).changeSet.resources, { remove: ['Directory'] });
  });

  it('a view without waveset.id is a new user: all of it, and it must name its accountId', () => {
    const r = changeSetOfView({ waveset: { accountId: 'bnew', resources: 'Directory,Wiki' }, global: { firstname: 'Bea', email: null } });
    assert.equal(r.identityId, undefined);
    assert.deepEqual(r.changeSet, { login: 'bnew', records: [{ kind: 'personal', data: { firstName: 'Bea' } }], resources: { add: [{ resource: 'Directory' }, { resource: 'Wiki' }] } });
    assert.throws(() => changeSetOfView('jdoe'), { code: 'WAVESET_VIEW_INVALID' });
  });

  it('changes set view attributes given as paths, sections or bare names, and refuse a name that is none', () => {
    const changed = withViewChanges(readView(), { 'global.title': 'Lead', waveset: { organization: 'Sales' }, department: 'Sales', idmManager: 'asmith' });
    const { changeSet } = changeSetOfView(changed);
    assert.deepEqual(changeSet, {
      organization: 'Sales',
      manager: 'asmith',
      records: [{ kind: 'position', data: { title: 'Lead', department: 'Sales' } }],
    });
    assert.throws(() => withViewChanges(readView(), { 'accounts.Directory.disabled': true }), { code: 'WAVESET_VIEW_ATTRIBUTE_UNKNOWN' });
    assert.throws(() => withViewChanges(readView(), { titel: 'x' }), (e: Error) => /changes\.titel names no attribute of a user view; did you mean title\?/.test(e.message));
  });
});
