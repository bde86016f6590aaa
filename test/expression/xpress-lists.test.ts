import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MapEnv, run } from './xpress-harness.js';

const L = "<list><s>a</s><s>b</s><s>a</s></list>";

describe('XPRESS list functions, value form', () => {
  it('appends to a copy and leaves the original variable alone', () => {
    const env = new MapEnv({ l: ['x'] });
    assert.deepEqual(run('<append><ref>l</ref><s>y</s><null/><s>z</s></append>', env), ['x', 'y', 'z']);
    assert.deepEqual(env.vars.get('l'), ['x']);
    assert.deepEqual(run('<append><null/><s>y</s></append>'), ['y']);
  });

  it('appends every element of the following lists with appendAll', () => {
    assert.deepEqual(run('<appendAll><list><i>1</i></list><list><i>2</i><i>3</i></list><i>4</i></appendAll>'), [1, 2, 3, 4]);
  });

  it('tests membership with contains, containsAll and containsAny', () => {
    assert.equal(run(`<contains>${L}<s>b</s></contains>`), 1);
    assert.equal(run(`<contains>${L}<s>c</s></contains>`), 0);
    assert.equal(run('<contains><list><i>1</i></list><s>1</s></contains>'), 1);
    assert.equal(run(`<containsAll>${L}<list><s>a</s><s>b</s></list></containsAll>`), 1);
    assert.equal(run(`<containsAll>${L}<list><s>a</s><s>c</s></list></containsAll>`), 0);
    assert.equal(run(`<containsAny>${L}<list><s>c</s><s>b</s></list></containsAny>`), 1);
    assert.equal(run(`<containsAny>${L}<list><s>c</s></list></containsAny>`), 0);
  });

  it('removes duplicates with filterdup and nulls with filternull', () => {
    assert.deepEqual(run(`<filterdup>${L}</filterdup>`), ['a', 'b']);
    assert.deepEqual(run('<filternull><array><null/><s>a</s><null/></array></filternull>'), ['a']);
  });

  it('reads an element by index with get, null past the end', () => {
    assert.equal(run(`<get>${L}<i>1</i></get>`), 'b');
    assert.equal(run(`<get>${L}<i>9</i></get>`), null);
  });

  it('inserts at an index and refuses one past the end', () => {
    assert.deepEqual(run(`<insert>${L}<i>1</i><s>x</s></insert>`), ['a', 'x', 'b', 'a']);
    assert.deepEqual(run(`<insert>${L}<i>3</i><s>x</s></insert>`), ['a', 'b', 'a', 'x']);
    assert.throws(() => run(`<insert>${L}<i>5</i><s>x</s></insert>`), { code: 'XPRESS_INDEX_OUT_OF_RANGE' });
  });

  it('removes every occurrence of the given values with remove and removeAll', () => {
    assert.deepEqual(run(`<remove>${L}<s>a</s></remove>`), ['b']);
    assert.deepEqual(run(`<removeAll>${L}<list><s>b</s><s>a</s></list></removeAll>`), []);
  });

  it('expands $(var) in each string of a list', () => {
    assert.deepEqual(run('<expand><list><s>$(x)-1</s></list></expand>', { x: 'v' }), ['v-1']);
  });

  it('sets an element of a referenced list, padding with nulls, and returns null', () => {
    const env = new MapEnv({ l: ['a'] });
    assert.equal(run('<setlist><ref>l</ref><i>3</i><s>d</s></setlist>', env), null);
    assert.deepEqual(env.vars.get('l'), ['a', null, null, 'd']);
  });
});

describe('XPRESS list functions, in-place form', () => {
  it('appends to the named variable, creating the list when it is null', () => {
    const env = new MapEnv({ l: ['x'] });
    assert.equal(run("<append name='l'><s>y</s></append>", env), null);
    assert.deepEqual(env.vars.get('l'), ['x', 'y']);
    run("<append name='fresh'><s>a</s></append>", env);
    assert.deepEqual(env.vars.get('fresh'), ['a']);
  });

  it('changes the named variable with appendAll, filterdup, filternull, insert, remove, removeAll and setlist', () => {
    const env = new MapEnv({ l: ['a', 'b', 'a', null] });
    run("<appendAll name='l'><list><s>c</s></list></appendAll>", env);
    assert.deepEqual(env.vars.get('l'), ['a', 'b', 'a', null, 'c']);
    run("<filternull name='l'/>", env);
    assert.deepEqual(env.vars.get('l'), ['a', 'b', 'a', 'c']);
    run("<filterdup name='l'/>", env);
    assert.deepEqual(env.vars.get('l'), ['a', 'b', 'c']);
    run("<insert name='l'><i>0</i><s>z</s></insert>", env);
    assert.deepEqual(env.vars.get('l'), ['z', 'a', 'b', 'c']);
    run("<remove name='l'><s>a</s></remove>", env);
    assert.deepEqual(env.vars.get('l'), ['z', 'b', 'c']);
    run("<removeAll name='l'><list><s>z</s><s>c</s></list></removeAll>", env);
    assert.deepEqual(env.vars.get('l'), ['b']);
    run("<setlist name='l'><i>1</i><s>e</s></setlist>", env);
    assert.deepEqual(env.vars.get('l'), ['b', 'e']);
  });

  it('reads the named variable in contains, containsAll, containsAny and length without changing it', () => {
    const env = new MapEnv({ l: ['a', 'b'] });
    assert.equal(run("<contains name='l'><s>b</s></contains>", env), 1);
    assert.equal(run("<containsAll name='l'><list><s>a</s><s>b</s></list></containsAll>", env), 1);
    assert.equal(run("<containsAny name='l'><list><s>q</s></list></containsAny>", env), 0);
    assert.deepEqual(env.vars.get('l'), ['a', 'b']);
  });

  it('changes a local defvar list rather than a process variable of the same name', () => {
    const env = new MapEnv({ l: ['outer'] });
    const v = run("<block><defvar name='l'><list/></defvar><append name='l'><s>x</s></append><ref>l</ref></block>", env);
    assert.deepEqual(v, ['x']);
    assert.deepEqual(env.vars.get('l'), ['outer']);
  });
});
