import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MapEnv, run } from './xpress-harness.js';

describe('XPRESS value constructors', () => {
  it('reads string and integer literals, signs included', () => {
    assert.equal(run('<s>hello world</s>'), 'hello world');
    assert.equal(run('<s/>'), '');
    assert.equal(run('<i>-17</i>'), -17);
    assert.equal(run('<i>+5</i>'), 5);
    assert.equal(run('<null/>'), null);
  });

  it('drops nulls from <list> but keeps them in <array>', () => {
    assert.deepEqual(run('<list><s>a</s><null/><i>1</i></list>'), ['a', 1]);
    assert.deepEqual(run('<array><s>a</s><null/><i>1</i></array>'), ['a', null, 1]);
  });

  it('builds a map from alternating keys and values, ignoring a null key', () => {
    assert.deepEqual(run('<map><s>a</s><i>1</i><null/><s>lost</s><s>b</s><list><s>x</s></list></map>'), { a: 1, b: ['x'] });
  });

  it('keeps a __proto__ key as an ordinary map entry', () => {
    const m = run('<map><s>__proto__</s><s>x</s></map>') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(m), Object.prototype);
    assert.equal(Object.hasOwn(m, '__proto__'), true);
  });

  it('reads the XML object forms wherever an expression is allowed', () => {
    assert.equal(run('<String>abc</String>'), 'abc');
    assert.equal(run('<Integer>12</Integer>'), 12);
    assert.equal(run('<Long>9000000000</Long>'), 9000000000);
    assert.equal(run('<Boolean>true</Boolean>'), true);
    assert.equal(run('<Boolean>false</Boolean>'), false);
    assert.equal(run('<Date>20020911 09:15:00</Date>'), '20020911 09:15:00');
    assert.deepEqual(run('<List><String>a</String><null/><Integer>2</Integer></List>'), ['a', null, 2]);
    assert.deepEqual(
      run("<Map><MapEntry key='k' value='v'/><MapEntry key='l'><List><String>x</String></List></MapEntry><MapEntry key='n'/></Map>"),
      { k: 'v', l: ['x'], n: null },
    );
    assert.deepEqual(run('<o><List><String>a</String></List></o>'), ['a']);
  });

  it('treats a <Boolean>true</Boolean> like <i>1</i> in logic and arithmetic', () => {
    assert.equal(run('<not><Boolean>false</Boolean></not>'), 1);
    assert.equal(run('<add><Boolean>true</Boolean><i>1</i></add>'), 2);
  });
});

describe('XPRESS arithmetic', () => {
  it('adds successively, coercing strings to integers (40 + 1 + "1" = 42)', () => {
    assert.equal(run('<add><i>40</i><i>1</i><s>1</s></add>'), 42);
  });

  it('subtracts, multiplies, divides and takes remainders left to right', () => {
    assert.equal(run('<sub><i>10</i><i>3</i><i>2</i></sub>'), 5);
    assert.equal(run('<mult><i>2</i><i>3</i><i>7</i></mult>'), 42);
    assert.equal(run('<div><i>100</i><i>7</i><i>2</i></div>'), 7);
    assert.equal(run('<div><i>-7</i><i>2</i></div>'), -3);
    assert.equal(run('<mod><i>17</i><i>5</i></mod>'), 2);
  });

  it('ignores null arguments', () => {
    assert.equal(run('<add><null/><i>2</i><ref>missing</ref><i>3</i></add>'), 5);
    assert.equal(run('<mod><i>17</i><null/><i>5</i></mod>'), 2);
  });

  it('counts a string that is not an integer as 0', () => {
    assert.equal(run('<add><i>1</i><s>abc</s></add>'), 1);
  });

  it('fails on division by zero', () => {
    assert.throws(() => run('<div><i>1</i><i>0</i></div>'), { code: 'XPRESS_DIVIDE_BY_ZERO' });
    assert.throws(() => run('<mod><i>1</i><s>0</s></mod>'), { code: 'XPRESS_DIVIDE_BY_ZERO' });
  });

  it('refuses a list used as a number, naming the line', () => {
    assert.throws(() => run('<add>\n  <i>1</i>\n  <list><i>1</i></list>\n</add>'), (err: { code: string; details: { line: number } }) => {
      assert.equal(err.code, 'XPRESS_NOT_A_NUMBER');
      assert.equal(err.details.line, 1);
      return true;
    });
  });
});

describe('XPRESS logic and truthiness', () => {
  it('returns the last operand of an all-true <and>', () => {
    assert.equal(run('<and><i>42</i><s>cat</s></and>'), 'cat');
  });

  it('returns 0 from <and> at the first false operand without evaluating the rest', () => {
    const env = new MapEnv();
    assert.equal(run("<and><i>1</i><s>0</s><set name='touched'><i>1</i></set></and>", env), 0);
    assert.equal(env.vars.has('touched'), false);
    assert.equal(run("<and><null/><s>x</s></and>"), 0);
  });

  it('returns the first true operand of <or>, else 0', () => {
    assert.equal(run('<or><i>0</i><s>cat</s></or>'), 'cat');
    assert.equal(run('<or><i>0</i><null/><s>0</s></or>'), 0);
  });

  it('stops <or> at the first true operand', () => {
    assert.equal(run("<or><s>first</s><div><i>1</i><i>0</i></div></or>"), 'first');
  });

  it('treats null, 0 and "0" as false and "", "false" and the empty list as true', () => {
    assert.equal(run('<not><null/></not>'), 1);
    assert.equal(run('<not><i>0</i></not>'), 1);
    assert.equal(run('<not><s>0</s></not>'), 1);
    assert.equal(run('<not><s></s></not>'), 0);
    assert.equal(run('<not><s>false</s></not>'), 0);
    assert.equal(run('<not><list/></not>'), 0);
  });

  it('tests null with isnull and notnull (0 is not null)', () => {
    assert.equal(run('<isnull><null/></isnull>'), 1);
    assert.equal(run('<isnull><i>0</i></isnull>'), 0);
    assert.equal(run('<notnull><null/></notnull>'), 0);
    assert.equal(run('<notnull><s></s></notnull>'), 1);
  });

  it('reads the strings "true" and "false" with isTrue and isFalse', () => {
    assert.equal(run('<isTrue><s>false</s></isTrue>'), 0);
    assert.equal(run('<isFalse><s>false</s></isFalse>'), 1);
    assert.equal(run('<isTrue><s>TRUE</s></isTrue>'), 1);
    assert.equal(run('<isTrue><i>1</i></isTrue>'), 1);
    assert.equal(run('<isFalse><null/></isFalse>'), 1);
  });

  it('tests emptiness of null, strings, lists and maps', () => {
    assert.equal(run('<isEmpty><null/></isEmpty>'), 1);
    assert.equal(run('<isEmpty><s></s></isEmpty>'), 1);
    assert.equal(run('<isEmpty><list/></isEmpty>'), 1);
    assert.equal(run('<notEmpty><list><i>0</i></list></notEmpty>'), 1);
    assert.equal(run('<notEmpty><map/></notEmpty>'), 0);
  });
});

describe('XPRESS comparison', () => {
  it('compares by the type of the first argument in <eq>', () => {
    assert.equal(run('<eq><s>10</s><i>10</i></eq>'), 1);
    assert.equal(run('<eq><i>10</i><s>010</s></eq>'), 1);
    assert.equal(run('<eq><s>010</s><i>10</i></eq>'), 0);
    assert.equal(run('<eq><i>0</i><s>abc</s></eq>'), 0);
    assert.equal(run('<eq><s>a</s><s>a</s><s>a</s></eq>'), 1);
    assert.equal(run('<eq><s>a</s><s>a</s><s>b</s></eq>'), 0);
  });

  it('treats null as equal only to null', () => {
    assert.equal(run('<eq><null/><null/></eq>'), 1);
    assert.equal(run('<eq><s></s><null/></eq>'), 0);
    assert.equal(run('<neq><ref>missing</ref><s>x</s></neq>'), 1);
  });

  it('compares lists element by element and maps key by key', () => {
    assert.equal(run('<eq><list><s>1</s><s>2</s></list><list><i>1</i><i>2</i></list></eq>'), 1);
    assert.equal(run('<eq><list><s>1</s></list><list><s>1</s><s>2</s></list></eq>'), 0);
    assert.equal(run('<eq><map><s>a</s><i>1</i></map><map><s>a</s><s>1</s></map></eq>'), 1);
  });

  it('compares numbers with gt, gte, lt and lte', () => {
    assert.equal(run('<gte><i>10</i><i>5</i></gte>'), 1);
    assert.equal(run('<gt><s>20</s><i>100</i></gt>'), 0);
    assert.equal(run('<lt><i>-1</i><null/></lt>'), 1);
    assert.equal(run('<lte><i>5</i><i>5</i></lte>'), 1);
  });

  it('compares non-numeric strings lexically in gt and lt', () => {
    assert.equal(run('<gt><s>b</s><s>a</s></gt>'), 1);
    assert.equal(run('<lt><s>apple</s><s>banana</s></lt>'), 1);
  });

  it('gives -1 for <cmp> of 20 and 100 (integers compare numerically)', () => {
    assert.equal(run('<cmp><i>20</i><i>100</i></cmp>'), -1);
    assert.equal(run('<cmp><i>100</i><i>20</i></cmp>'), 1);
  });

  it('gives Java compareTo differences for strings (bob vs ray = -16)', () => {
    assert.equal(run('<cmp><s>bob</s><s>ray</s></cmp>'), -16);
    assert.equal(run('<cmp><s>20</s><s>100</s></cmp>'), 1);
    assert.equal(run('<cmp><s>ab</s><s>abcd</s></cmp>'), -2);
  });

  it('ignores case in <ncmp> (Daryl vs daryl = 0)', () => {
    assert.equal(run('<ncmp><s>Daryl</s><s>daryl</s></ncmp>'), 0);
    assert.equal(run('<cmp><s>Daryl</s><s>daryl</s></cmp>'), -32);
    assert.ok((run('<ncmp><s>Adam</s><s>bob</s></ncmp>') as number) < 0);
  });
});
