import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Expr } from '../../src/definition/model/expression.js';
import { evaluate, ExpressionError } from '../../src/expression/index.js';
import { MapEnv, run } from './xpress-harness.js';

describe('guarding evaluation against hostile expressions', () => {
  it('stops an endless <while> at the step budget', () => {
    assert.throws(() => run('<while><i>1</i><s>spin</s></while>'), { code: 'XPRESS_STEP_LIMIT' });
  });

  it('honours a smaller step budget given by the caller', () => {
    assert.throws(() => run("<dolist name='x'><list><i>1</i><i>2</i><i>3</i></list><ref>x</ref></dolist>", {}, { maxSteps: 5 }), {
      code: 'XPRESS_STEP_LIMIT',
    });
    assert.deepEqual(run("<dolist name='x'><list><i>1</i><i>2</i><i>3</i></list><ref>x</ref></dolist>", {}, { maxSteps: 8 }), [1, 2, 3]);
  });

  it('stops endless recursion of a defun at the call depth limit', () => {
    assert.throws(() => run("<block><defun name='f'><call name='f'/></defun><call name='f'/></block>"), { code: 'XPRESS_RECURSION_LIMIT' });
  });

  it('stops deep nesting at the depth limit instead of overflowing the stack', () => {
    assert.throws(
      () => run("<block><defun name='f'><defarg name='n'/><add><i>1</i><call name='f'><ref>n</ref></call></add></defun><call name='f'/></block>", {}, { maxCallDepth: 100_000 }),
      { code: 'XPRESS_RECURSION_LIMIT' },
    );
  });

  it('refuses a string grown past the size limit', () => {
    const env = new MapEnv({ s: 'x' });
    assert.throws(() => run("<while><i>1</i><set name='s'><concat><ref>s</ref><ref>s</ref></concat></set></while>", env), {
      code: 'XPRESS_VALUE_TOO_LARGE',
    });
  });

  it('refuses a huge pad or list index before allocating it', () => {
    assert.throws(() => run('<pad><s>a</s><i>2000000000</i></pad>'), { code: 'XPRESS_VALUE_TOO_LARGE' });
    assert.throws(() => run("<setlist name='l'><i>2000000000</i><s>x</s></setlist>"), { code: 'XPRESS_VALUE_TOO_LARGE' });
    assert.throws(() => run("<set name='l[2000000000]'><s>x</s></set>"), { code: 'XPRESS_VALUE_TOO_LARGE' });
  });

  it('refuses a list grown past the element limit', () => {
    assert.throws(() => run("<while><i>1</i><append name='l'><i>1</i></append></while>", {}, { maxListLength: 50 }), {
      code: 'XPRESS_VALUE_TOO_LARGE',
    });
  });

  it('bounds the total work of loops that copy growing lists', () => {
    assert.throws(() => run("<while><i>1</i><append name='l'><i>1</i></append></while>", {}, { maxAllocation: 10_000 }), {
      code: 'XPRESS_VALUE_TOO_LARGE',
    });
  });

  it('refuses stored expressions that name functions or methods never compiled in', () => {
    const env = new MapEnv();
    const script: Expr = { op: 'script', text: 'while(true){}' };
    const invoke: Expr = { op: 'invoke', attrs: { class: 'java.lang.Runtime', name: 'exec' }, args: [{ op: 's', text: 'rm' }] };
    const ctor: Expr = { op: 'new', attrs: { class: 'java.io.File' } };
    assert.throws(() => evaluate(script, env), { code: 'XPRESS_UNKNOWN_FUNCTION' });
    assert.throws(() => evaluate(invoke, env), { code: 'XPRESS_INVOKE_NOT_ALLOWED' });
    assert.throws(() => evaluate(ctor, env), { code: 'XPRESS_INVOKE_NOT_ALLOWED' });
    assert.throws(() => evaluate({ op: 'constructor' }, env), { code: 'XPRESS_UNKNOWN_FUNCTION' });
    assert.throws(() => evaluate({ op: 'i', text: '1e999' }, env), { code: 'XPRESS_BAD_LITERAL' });
  });

  it('reports runtime errors as ExpressionError with the innermost line and column', () => {
    try {
      run("<block>\n  <s>a</s>\n  <add><i>1</i>\n    <div><i>1</i><i>0</i></div></add>\n</block>");
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(err instanceof ExpressionError);
      assert.equal(err.code, 'XPRESS_DIVIDE_BY_ZERO');
      assert.equal(err.details['line'], 4);
      assert.equal(err.details['column'], 5);
    }
  });
});
