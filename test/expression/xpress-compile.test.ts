import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiagnosticBag } from '../../src/definition/diagnostic.js';
import { readXml } from '../../src/definition/xml/xml-reader.js';
import { HANDLERS } from '../../src/expression/evaluate.js';
import { XML_OBJECTS, XPRESS_FUNCTIONS } from '../../src/expression/function-catalogue.js';
import { compileExpressionBody, evaluate, isXpressElementName } from '../../src/expression/index.js';
import { compileError, compileOk, compileXml, MapEnv } from './xpress-harness.js';

describe('compiling XPRESS', () => {
  it('turns an element tree into a plain Expr with locations', () => {
    assert.deepEqual(compileOk('<add>\n  <i>1</i>\n  <ref>x</ref>\n</add>'), {
      op: 'add',
      args: [
        { op: 'i', text: '1', line: 2, column: 3 },
        { op: 'ref', text: 'x', line: 3, column: 3 },
      ],
      line: 1,
      column: 1,
    });
  });

  it('survives a JSON round trip unchanged and still evaluates', () => {
    const e = compileOk("<block><defvar name='a'><Map><MapEntry key='k' value='v'/></Map></defvar><get><ref>a</ref><s>k</s></get></block>");
    const copy = JSON.parse(JSON.stringify(e));
    assert.deepEqual(copy, e);
    assert.equal(evaluate(copy, new MapEnv()), 'v');
  });

  it('unwraps the pre-2.0 <o> wrapper', () => {
    assert.deepEqual(compileOk('<o><String>a</String></o>'), { op: 'String', text: 'a', line: 1, column: 4 });
  });

  it('compiles the body of a container: one child as is, several as a block, none as undefined', () => {
    const diags = new DiagnosticBag();
    const body = (xml: string) => compileExpressionBody(readXml(xml, 'c.xml', diags)!, { diags });
    assert.equal(body('<Transition><ref>view</ref></Transition>')?.op, 'ref');
    const block = body("<expression><set name='a'><i>1</i></set><ref>a</ref></expression>");
    assert.equal(block?.op, 'block');
    assert.equal(block?.args?.length, 2);
    assert.equal(evaluate(block!, new MapEnv()), 1);
    assert.equal(body("<Argument name='x'/>"), undefined);
    assert.equal(diags.hasErrors(), false);
  });

  it('recognises XPRESS function and XML object names only', () => {
    for (const n of ['add', 'ref', 'String', 'Map', 'o', 'script', 'invoke']) assert.equal(isXpressElementName(n), true, n);
    for (const n of ['Argument', 'Comments', 'case', 'MapEntry', 'expression']) assert.equal(isXpressElementName(n), false, n);
  });

  it('has an evaluator for every function in the catalogue', () => {
    const names = [...Object.keys(XPRESS_FUNCTIONS), ...Object.keys(XML_OBJECTS)].filter((n) => n !== 'o');
    assert.deepEqual(names.filter((n) => !Object.hasOwn(HANDLERS, n)), []);
  });
});

describe('refusing XPRESS at load time', () => {
  it('refuses <script> with its location', () => {
    const { expr, diags } = compileXml("<block>\n  <script>java.lang.Runtime.getRuntime().exec('rm')</script>\n</block>");
    assert.equal(expr, undefined);
    assert.equal(diags.errors[0]?.code, 'XPRESS_SCRIPT_NOT_ALLOWED');
    assert.deepEqual(diags.errors[0]?.location, { file: 'expr.xml', line: 2, column: 3 });
  });

  it('refuses a static <invoke> outside the allow-list, naming class, method and the docs', () => {
    const { diags } = compileXml("<invoke class='java.lang.Runtime' name='exec'><s>rm</s></invoke>");
    const d = diags.errors[0]!;
    assert.equal(d.code, 'XPRESS_INVOKE_NOT_ALLOWED');
    assert.match(d.message, /java\.lang\.Runtime/);
    assert.match(d.message, /exec/);
    assert.match(d.message, /docs\/xpress\.md/);
  });

  it('refuses an allow-listed class with a method that is not allow-listed', () => {
    assert.equal(compileError("<invoke class='java.lang.System' name='exit'><i>0</i></invoke>"), 'XPRESS_INVOKE_NOT_ALLOWED');
  });

  it('refuses an instance <invoke> of a method outside the allow-list', () => {
    assert.equal(compileError("<invoke name='setPasswordExpiry'><ref>userObject</ref><null/></invoke>"), 'XPRESS_INVOKE_NOT_ALLOWED');
    assert.equal(compileError("<invoke name='getClass'><s>x</s></invoke>"), 'XPRESS_INVOKE_NOT_ALLOWED');
  });

  it('refuses <new> of a class outside the allow-list', () => {
    assert.equal(compileError("<new class='java.io.File'><s>/etc/passwd</s></new>"), 'XPRESS_INVOKE_NOT_ALLOWED');
  });

  it('refuses allow-listed methods called with the wrong number of arguments', () => {
    assert.equal(compileError("<invoke class='java.lang.Math' name='max'><i>1</i></invoke>"), 'XPRESS_ARITY');
    assert.equal(compileError("<invoke name='toUpperCase'/>"), 'XPRESS_ARITY');
  });

  it('reports an unknown function with its location and gives no expression', () => {
    const { expr, diags } = compileXml('<block>\n  <i>1</i>\n    <frobnicate/>\n</block>');
    assert.equal(expr, undefined);
    assert.equal(diags.errors[0]?.code, 'XPRESS_UNKNOWN_FUNCTION');
    assert.match(diags.errors[0]!.message, /frobnicate/);
    assert.equal(diags.errors[0]?.location.line, 3);
    assert.equal(diags.errors[0]?.location.column, 5);
  });

  it('reports every problem in one expression, not just the first', () => {
    const { diags } = compileXml('<list><nope1/><i>x</i><nope2/></list>');
    assert.deepEqual(diags.errors.map((d) => d.code), ['XPRESS_UNKNOWN_FUNCTION', 'XPRESS_BAD_LITERAL', 'XPRESS_UNKNOWN_FUNCTION']);
  });

  it('refuses bad literals', () => {
    assert.equal(compileError('<i>abc</i>'), 'XPRESS_BAD_LITERAL');
    assert.equal(compileError('<i>1.5</i>'), 'XPRESS_BAD_LITERAL');
    assert.equal(compileError('<Integer></Integer>'), 'XPRESS_BAD_LITERAL');
    assert.equal(compileError('<Boolean>yes</Boolean>'), 'XPRESS_BAD_LITERAL');
    assert.equal(compileError('<ref/>'), 'XPRESS_BAD_LITERAL');
  });

  it('refuses a wrong number of arguments', () => {
    assert.equal(compileError('<not/>'), 'XPRESS_ARITY');
    assert.equal(compileError('<cond><i>1</i></cond>'), 'XPRESS_ARITY');
    assert.equal(compileError('<gt><i>1</i><i>2</i><i>3</i></gt>'), 'XPRESS_ARITY');
    assert.equal(compileError('<s><i>1</i></s>'), 'XPRESS_ARITY');
    assert.equal(compileError("<append name='l'/>"), undefined);
    assert.equal(compileError("<contains name='l'><s>a</s><s>b</s></contains>"), 'XPRESS_ARITY');
  });

  it('refuses missing required attributes', () => {
    assert.equal(compileError('<dolist><list/></dolist>'), 'XPRESS_MISSING_ATTRIBUTE');
    assert.equal(compileError('<set><i>1</i></set>'), 'XPRESS_MISSING_ATTRIBUTE');
    assert.equal(compileError("<rule name=''/>"), 'XPRESS_MISSING_ATTRIBUTE');
    assert.equal(compileError("<Map><MapEntry value='v'/></Map>"), 'XPRESS_MISSING_ATTRIBUTE');
  });

  it('refuses a break that has nothing to leave', () => {
    assert.equal(compileError('<break/>'), 'XPRESS_BREAK_OUTSIDE');
    assert.equal(compileError("<block name='a'><break name='b'/></block>"), 'XPRESS_BREAK_OUTSIDE');
    assert.equal(compileError("<block name='a'><defun name='f'><break/></defun></block>"), 'XPRESS_BREAK_OUTSIDE');
    assert.equal(compileError("<block name='a'><cond><i>1</i><break name='a'/></cond></block>"), undefined);
  });

  it('refuses structural elements out of place', () => {
    assert.equal(compileError('<case><s>a</s></case>'), 'XPRESS_MISPLACED_ELEMENT');
    assert.equal(compileError('<Map><String>a</String></Map>'), 'XPRESS_MISPLACED_ELEMENT');
    assert.equal(compileError("<switch><s>a</s><s>b</s></switch>"), 'XPRESS_MISPLACED_ELEMENT');
    assert.equal(compileError("<rule name='r'><s>x</s></rule>"), 'XPRESS_MISPLACED_ELEMENT');
    assert.equal(compileError("<switch><s>a</s><case default='true'><s>1</s></case><case default='true'><s>2</s></case></switch>"), 'XPRESS_ARITY');
  });

  it('refuses <instanceof> of an unknown class', () => {
    assert.equal(compileError("<instanceof name='java.lang.Thread'><s>x</s></instanceof>"), 'XPRESS_UNKNOWN_CLASS');
  });

  it('warns about stray text inside a function', () => {
    const { diags, expr } = compileXml('<add>1<i>2</i></add>');
    assert.ok(expr);
    assert.equal(diags.hasErrors(), false);
    assert.equal(diags.warnings[0]?.code, 'XPRESS_TEXT_IGNORED');
  });
});

describe('break targets', () => {
  it('does not treat a name on <and> as a target for a named break', () => {
    assert.equal(compileError("<and name='a'><break name='a'/></and>"), 'XPRESS_BREAK_OUTSIDE');
  });
});
