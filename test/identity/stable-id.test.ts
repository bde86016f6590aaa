/**
 * Ids derived from a step's key must be the same in every idflow version: a step replayed after an upgrade has to
 * write the identity, records and orders it wrote before the upgrade, not new ones.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stableId } from '../../src/identity/stable-id.js';

describe('stable ids', () => {
  it('derives the same UUID-shaped id from a key as every earlier version did', () => {
    assert.equal(stableId('inst-1:3:Persist:0#identity'), '9815ba9d-d30d-83fc-83a9-fd1d9a59280f');
    assert.equal(stableId('é#x'), '6443ea6f-21dd-8caa-a75a-679730d4af17');
    assert.equal(stableId(''), 'e3b0c442-98fc-8c14-9afb-f4c8996fb924');
  });
});
