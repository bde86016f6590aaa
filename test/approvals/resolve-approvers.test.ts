/**
 * Approver resolution without a repository (docs/decisions/approver-resolution.md): the scheme grammar, the order
 * and duplicates, four-eyes, the fallback and the coded errors. People are named directly (`person:`), so nothing
 * needs a directory; the sources that do are tested through the engine in approvals.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_DIRECTORY, parseApprovalMode, parseApprovalScheme, resolveApprovers } from '../../src/approvals/index.js';
import { hasErrorCode } from '../../src/errors.js';

describe('approver resolution', () => {
  it('reads a scheme in order and refuses what it does not know', () => {
    assert.deepEqual(parseApprovalScheme(' manager , owner,profile:Auditors,person:bob, profile '), [
      { kind: 'manager' },
      { kind: 'owner' },
      { kind: 'profile', name: 'Auditors' },
      { kind: 'person', login: 'bob' },
      { kind: 'profile' },
    ]);
    assert.deepEqual(parseApprovalScheme(''), [{ kind: 'manager' }], 'an empty scheme asks the manager');
    assert.throws(() => parseApprovalScheme('manager,boss'), (e) => hasErrorCode(e, 'APPROVAL_SCHEME_INVALID'));
    assert.throws(() => parseApprovalScheme('person:'), (e) => hasErrorCode(e, 'APPROVAL_SCHEME_INVALID'));
  });

  it('reads the modes in any case, Netwrix step counts included', () => {
    assert.deepEqual(['', 'Any', 'SERIAL', 'parallel', 'One', 'Two'].map(parseApprovalMode), ['any', 'any', 'serial', 'parallel', 'any', 'serial']);
    assert.throws(() => parseApprovalMode('parallelPoll'), (e) => hasErrorCode(e, 'APPROVAL_MODE_INVALID'));
  });

  it('keeps scheme order, counts a person once, and leaves out the requester and the subject', async () => {
    const r = await resolveApprovers({ scheme: 'person:bob,person:Rita,person:carol,person:BOB,person:sam', subject: 'sam', requesters: ['rita'] }, EMPTY_DIRECTORY);
    assert.deepEqual(r.approvers, ['bob', 'carol']);
    assert.deepEqual(r.excluded, ['Rita', 'sam']);
    assert.equal(r.fallback, false);
  });

  it('asks the fallback when nobody is left, and refuses with APPROVAL_NO_APPROVER without one', async () => {
    const withFallback = await resolveApprovers({ scheme: 'person:sam', subject: 'sam', requesters: ['rita'], fallback: 'dora' }, EMPTY_DIRECTORY);
    assert.deepEqual(withFallback, { approvers: ['dora'], excluded: ['sam'], fallback: true });
    await assert.rejects(
      resolveApprovers({ scheme: 'person:sam', subject: 'sam', requesters: ['rita'], fallback: 'rita' }, EMPTY_DIRECTORY),
      (e) => hasErrorCode(e, 'APPROVAL_NO_APPROVER') && /only sam, who may not approve their own request/.test((e as Error).message),
    );
  });

  it('says which argument a source is missing', async () => {
    await assert.rejects(resolveApprovers({ scheme: 'owner', requesters: [] }, EMPTY_DIRECTORY), /'owner' needs the resource/);
    await assert.rejects(resolveApprovers({ scheme: 'manager', requesters: [] }, EMPTY_DIRECTORY), /'manager' needs the subject/);
    await assert.rejects(resolveApprovers({ scheme: 'owner', resource: 'nope', requesters: [] }, EMPTY_DIRECTORY), /there is no resource 'nope'/);
  });
});
