import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileXml, MapEnv, run } from './xpress-harness.js';

const firstError = (xml: string): string => compileXml(xml).diags.errors[0]?.message ?? '';

// Oracle's XPRESS reference writes <set> and <setvar> also without a name: the object (a variable), the path inside
// it and the value, as three children.
describe('the nameless object form of <set> and <setvar>', () => {
  it('sets a key of a map held in a variable, as <set name="m.k"> does', () => {
    const env = new MapEnv({ m: { a: '1' } });
    run('<set><ref>m</ref><s>k</s><s>v</s></set>', env);
    assert.deepEqual(env.vars.get('m'), { a: '1', k: 'v' });
    run("<setvar><ref>m</ref><s>a</s><concat><s>x</s><s>y</s></concat></setvar>", env);
    assert.deepEqual(env.vars.get('m'), { a: 'xy', k: 'v' });
  });

  it('follows a dotted path and creates the maps on the way', () => {
    const env = new MapEnv({ user: {} });
    run('<set><ref>user</ref><s>waveset.email</s><s>ann@example.com</s></set>', env);
    assert.deepEqual(env.vars.get('user'), { waveset: { email: 'ann@example.com' } });
  });

  it('refuses at load time a nameless form whose object is not a variable, or with the wrong number of children', () => {
    assert.match(firstError('<set><get><ref>m</ref><s>x</s></get><s>k</s><s>v</s></set>'), /first argument of a nameless <set> must be <ref>variable<\/ref>/);
    assert.match(firstError('<setvar><ref>m</ref><s>k</s></setvar>'), /<setvar> without a name takes 3 arguments .* not 2/);
  });
});
