/**
 * Ids derived from a step's key must be the same in every idflow version: a step replayed after an upgrade has to
 * write the identity, records and orders it wrote before the upgrade, not new ones.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newInstanceId } from '../../src/engine/instance-id.js';
import { stableId } from '../../src/identity/stable-id.js';

describe('stable ids', () => {
  it('derives the same UUID-shaped id from a key as every earlier version did', () => {
    assert.equal(stableId('inst-1:3:Persist:0#identity'), '9815ba9d-d30d-83fc-83a9-fd1d9a59280f');
    assert.equal(stableId('é#x'), '6443ea6f-21dd-8caa-a75a-679730d4af17');
    assert.equal(stableId(''), 'e3b0c442-98fc-8c14-9afb-f4c8996fb924');
    assert.equal(stableId('019af7d2-3c41-7a05-9e1b-0c3f5a7d2e19:2:Persist:0#identity'), '019af7d2-3c41-8a05-9bb7-3c48c30aaa66');
  });

  it("keeps the time and sequence of the step's instance in front, so one batch's ids sort together and in launch order", () => {
    const instances = Array.from({ length: 50 }, () => newInstanceId());
    const ids = instances.map((i) => stableId(`${i}:2:Persist:0#identity`));
    assert.deepEqual([...ids].sort(), ids, 'ids of later instances sort after earlier ones');
    for (const [k, id] of ids.entries()) {
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(id.slice(0, 13), instances[k]!.slice(0, 13));
    }
    // The keys of one step differ in their hash bits, never collide, and each is stable.
    const one = instances[0]!;
    const keys = ['#identity', '#record#1', '#record#2', '#assignment#r1', '#order#1'].map((s) => `${one}:2:Persist:0${s}`);
    assert.equal(new Set(keys.map(stableId)).size, keys.length);
    assert.deepEqual(keys.map(stableId), keys.map(stableId));
  });
});
