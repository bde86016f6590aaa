import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { substitute, substituteValue } from '../../src/expression/index.js';
import { MapEnv, run } from './xpress-harness.js';

describe('XPRESS string functions', () => {
  it('concatenates values as strings, null as nothing', () => {
    assert.equal(run('<concat><s>a</s><i>1</i><null/><s>b</s></concat>'), 'a1b');
    assert.equal(run('<concat><list><s>x</s><s>y</s></list></concat>'), '[x, y]');
  });

  it('changes case after coercing to a string', () => {
    assert.equal(run('<upcase><s>Jane Doe</s></upcase>'), 'JANE DOE');
    assert.equal(run('<downcase><s>Jane Doe</s></downcase>'), 'jane doe');
    assert.equal(run('<upcase><i>12</i></upcase>'), '12');
    assert.equal(run('<upcase><null/></upcase>'), null);
  });

  it('finds a substring with indexOf, from an optional start index', () => {
    assert.equal(run('<indexOf><s>abcabc</s><s>abc</s></indexOf>'), 0);
    // The reference's example <s>l</s> → 3 only works if "l" is a misprinted 1: searching from index 1.
    assert.equal(run('<indexOf><s>abcabc</s><s>abc</s><i>1</i></indexOf>'), 3);
    assert.equal(run('<indexOf><s>abcabc</s><s>abc</s><s>1</s></indexOf>'), 3);
    // Read literally, "l" is not an integer, so it counts as 0.
    assert.equal(run('<indexOf><s>abcabc</s><s>abc</s><s>l</s></indexOf>'), 0);
    assert.equal(run('<indexOf><s>abc</s><s>z</s></indexOf>'), -1);
  });

  it('measures strings, lists and maps with length', () => {
    assert.equal(run('<length><s>hello</s></length>'), 5);
    assert.equal(run('<length><list><i>1</i><i>2</i></list></length>'), 2);
    assert.equal(run('<length><null/></length>'), 0);
    assert.equal(run("<length name='l'/>", { l: [1, 2, 3] }), 3);
  });

  it('trims whitespace on the left, right or both sides', () => {
    assert.equal(run('<ltrim><s>  a  </s></ltrim>'), 'a  ');
    assert.equal(run('<rtrim><s>  a  </s></rtrim>'), '  a');
    assert.equal(run('<trim><s>  a  </s></trim>'), 'a');
  });

  it('strips leading zeros with ztrim, keeping a lone zero', () => {
    assert.equal(run('<ztrim><s>000123</s></ztrim>'), '123');
    assert.equal(run('<ztrim><s>0000</s></ztrim>'), '0');
    assert.equal(run('<ztrim><s>1020</s></ztrim>'), '1020');
  });

  it('takes a substring by start and length', () => {
    assert.equal(run('<substr><s>Hello World</s><i>3</i><i>5</i></substr>'), 'lo Wo');
    assert.equal(run('<substr><s>Hello</s><i>2</i></substr>'), 'llo');
    assert.equal(run('<substr><s>Hello</s><i>4</i><i>50</i></substr>'), 'o');
  });

  it('splits on any of the delimiter characters, dropping empty pieces', () => {
    assert.deepEqual(run('<split><s>a,b,,c</s><s>,</s></split>'), ['a', 'b', 'c']);
    assert.deepEqual(run('<split><s>a b;c</s><s> ;</s></split>'), ['a', 'b', 'c']);
    assert.deepEqual(run('<split><s>a,b</s></split>'), ['a', 'b']);
  });

  it('pads on the right to a length with spaces or a given character', () => {
    assert.equal(run('<pad><s>ab</s><i>5</i></pad>'), 'ab   ');
    assert.equal(run('<pad><s>ab</s><i>5</i><s>*</s></pad>'), 'ab***');
    assert.equal(run('<pad><s>abcdef</s><i>3</i></pad>'), 'abcdef');
  });

  it('tests substrings with contains and its deprecated name match', () => {
    assert.equal(run('<contains><s>jdoe@example.com</s><s>@example</s></contains>'), 1);
    assert.equal(run('<match><s>abc</s><s>x</s></match>'), 0);
  });

  it('formats {0}-style messages from a pattern argument or a name attribute', () => {
    assert.equal(run('<message><s>Hello {0}, you are {1}</s><s>Ann</s><i>42</i></message>'), 'Hello Ann, you are 42');
    assert.equal(run("<message name='Approve {0}?'><s>jdoe</s></message>"), 'Approve jdoe?');
    assert.equal(run('<message><s>keep {3}</s></message>'), 'keep {3}');
  });

  it('expands $(var) references in a string or each string of a list', () => {
    const env = { sample: 'x', user: { name: 'Ann' } };
    assert.equal(run('<expand><s>value $(sample) for $(user.name)$(nothing)</s></expand>', env), 'value x for Ann');
    assert.deepEqual(run('<expand><list><s>$(sample)</s><i>3</i></list></expand>', env), ['x', 3]);
  });
});

describe('$(var) substitution for attribute values', () => {
  const env = new MapEnv({ accountId: 'jdoe', user: { accounts: { AD: { email: 'j@x' } } }, obj: { a: 1 } });

  it('replaces every reference, paths included, and leaves an unclosed $( alone', () => {
    assert.equal(substitute('id=$(accountId) mail=$(user.accounts[AD].email)', env), 'id=jdoe mail=j@x');
    assert.equal(substitute('cost $(5', env), 'cost $(5');
    assert.equal(substitute('no refs', env), 'no refs');
  });

  it('gives the variable value itself when the whole text is one reference', () => {
    assert.deepEqual(substituteValue('$(obj)', env), { a: 1 });
    assert.equal(substituteValue('$(unknown)', env), null);
    assert.equal(substituteValue('x$(accountId)', env), 'xjdoe');
  });
});
