import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate } from '../../src/expression/index.js';
import { compileOk, MapEnv, run } from './xpress-harness.js';

describe('XPRESS conditionals', () => {
  it('chooses the then or else branch of <cond>, null without an else', () => {
    assert.equal(run('<cond><i>1</i><s>yes</s><s>no</s></cond>'), 'yes');
    assert.equal(run('<cond><s>0</s><s>yes</s><s>no</s></cond>'), 'no');
    assert.equal(run('<cond><null/><s>yes</s></cond>'), null);
  });

  it('evaluates only the branch it takes', () => {
    assert.equal(run('<cond><i>1</i><s>ok</s><div><i>1</i><i>0</i></div></cond>'), 'ok');
  });

  it('takes the first matching <case> of a <switch>, comparing by the switch value type', () => {
    const sw = (v: string) =>
      `<switch>${v}<case><s>A</s><s>first</s></case><case><i>2</i><s>second</s></case><case><s>A</s><s>again</s></case></switch>`;
    assert.equal(run(sw('<s>A</s>')), 'first');
    assert.equal(run(sw('<s>2</s>')), 'second');
    assert.equal(run(sw('<s>Z</s>')), null);
  });

  it('uses the default case wherever it stands', () => {
    const first = "<switch><s>x</s><case default='true'><s>dflt</s></case><case><s>x</s><s>hit</s></case></switch>";
    const last = "<switch><s>y</s><case><s>x</s><s>hit</s></case><case default='true'><s>dflt</s></case></switch>";
    assert.equal(run(first), 'hit');
    assert.equal(run(last), 'dflt');
  });
});

describe('XPRESS blocks, loops and break', () => {
  it('gives the value of the last expression of a <block>', () => {
    assert.equal(run('<block><s>a</s><i>2</i></block>'), 2);
  });

  it('gives nothing from a block that ends with <set>', () => {
    const env = new MapEnv();
    assert.equal(run("<block><s>a</s><set name='x'><i>5</i></set></block>", env), null);
    assert.equal(env.vars.get('x'), 5);
  });

  it('collects the last body value of each <dolist> iteration, dropping nulls', () => {
    const xml =
      "<dolist name='u'><list><s>ann</s><s>bob</s><s>cy</s></list><cond><neq><ref>u</ref><s>bob</s></neq><upcase><ref>u</ref></upcase></cond></dolist>";
    assert.deepEqual(run(xml), ['ANN', 'CY']);
  });

  it('leaves a <dolist> early with <break>, whose value becomes the dolist value', () => {
    const xml =
      "<dolist name='n'><list><i>1</i><i>2</i><i>3</i></list><cond><eq><ref>n</ref><i>2</i></eq><break><s>found 2</s></break><ref>n</ref></cond></dolist>";
    assert.equal(run(xml), 'found 2');
  });

  it('leaves the named block from inside a nested dolist', () => {
    const xml =
      "<block name='outer'><dolist name='n'><list><i>1</i><i>2</i></list><break name='outer'><i>99</i></break></dolist><s>not reached</s></block>";
    assert.equal(run(xml), 99);
  });

  it('leaves an <and> with break and takes the break value', () => {
    assert.equal(run('<and><i>1</i><break><s>out</s></break><s>never</s></and>'), 'out');
    assert.equal(run('<or><i>0</i><break/><s>never</s></or>'), null);
  });

  it('loops with <while> until its condition is false', () => {
    const env = new MapEnv({ n: 0, acc: '' });
    run("<while><lt><ref>n</ref><i>3</i></lt><set name='acc'><concat><ref>acc</ref><ref>n</ref></concat></set><set name='n'><add><ref>n</ref><i>1</i></add></set></while>", env);
    assert.equal(env.vars.get('acc'), '012');
  });

  it('leaves an endless <while> with break', () => {
    const env = new MapEnv({ n: 0 });
    const v = run("<while><i>1</i><set name='n'><add><ref>n</ref><i>1</i></add></set><cond><gte><ref>n</ref><i>5</i></gte><break><ref>n</ref></break></cond></while>", env);
    assert.equal(v, 5);
  });
});

describe('XPRESS variables', () => {
  it('reads nested values through dotted and bracket paths', () => {
    const env = {
      user: { accounts: { Lighthouse: { firstname: 'Ann' } }, roles: ['r1', 'r2'], res: [{ name: 'AD', id: 7 }] },
      'waveset.role': 'admin',
    };
    assert.equal(run('<ref>user.accounts[Lighthouse].firstname</ref>', env), 'Ann');
    assert.equal(run('<ref>user.roles[1]</ref>', env), 'r2');
    assert.equal(run('<ref>user.res[AD].id</ref>', env), 7);
    assert.equal(run('<ref>user.res[id=7].name</ref>', env), 'AD');
    assert.equal(run('<ref>waveset.role</ref>', env), 'admin');
    assert.equal(run('<ref>user.nothing.deeper</ref>', env), null);
    assert.equal(run('<ref>unknown</ref>', env), null);
  });

  it('takes the variable name from an expression inside <ref>', () => {
    assert.equal(run("<block><defvar name='milk'><s>shake</s></defvar><defvar name='shake'><s>cow</s></defvar><ref><ref>milk</ref></ref></block>"), 'cow');
  });

  it('scopes <defvar> to its block and shadows process variables there', () => {
    const env = new MapEnv({ x: 'process' });
    assert.equal(run("<block><block><defvar name='x'><s>local</s></defvar><set name='x'><s>changed</s></set></block><ref>x</ref></block>", env), 'process');
    assert.equal(env.vars.get('x'), 'process');
  });

  it('assigns process variables with <set> and <setvar>, paths included', () => {
    const env = new MapEnv({ user: { email: 'old' } });
    run("<block><set name='a'><i>1</i></set><setvar name='b'><s>two</s></setvar><set name='user.email'><s>new</s></set><set name='user.roles[1]'><s>r</s></set></block>", env);
    assert.equal(env.vars.get('a'), 1);
    assert.equal(env.vars.get('b'), 'two');
    assert.deepEqual(env.vars.get('user'), { email: 'new', roles: [null, 'r'] });
  });

  it('defines functions with defun and defarg and calls them positionally or by name', () => {
    const xml =
      "<block><defun name='greet'><defarg name='who'/><defarg name='how'/><concat><ref>how</ref><s> </s><ref>who</ref></concat></defun>" +
      "<list><call name='greet'><s>Ann</s><s>Hi</s></call><call name='greet'><argument name='how' value='Yo'/><argument name='who'><s>Bob</s></argument></call></list></block>";
    assert.deepEqual(run(xml), ['Hi Ann', 'Yo Bob']);
  });

  it('supports recursive functions', () => {
    const xml =
      "<block><defun name='fact'><defarg name='n'/><cond><lte><ref>n</ref><i>1</i></lte><i>1</i><mult><ref>n</ref><call name='fact'><sub><ref>n</ref><i>1</i></sub></call></mult></cond></defun><call name='fact'><i>10</i></call></block>";
    assert.equal(run(xml), 3628800);
  });

  it('fails when calling a function that is not defined', () => {
    assert.throws(() => run("<call name='nope'/>"), { code: 'XPRESS_UNKNOWN_FUNCTION' });
  });

  it('calls a rule with value, $(var) and expression arguments', () => {
    const env = new MapEnv({ first: 'Jane' });
    env.rules['generateEmail'] = (a) => `${String(a['firstname']).toLowerCase()}.${String(a['lastname']).toLowerCase()}@${String(a['domain'])}`;
    const v = run("<rule name='generateEmail'><argument name='firstname' value='$(first)'/><argument name='lastname'><s>Doe</s></argument><argument name='domain' value='example.com'/></rule>", env);
    assert.equal(v, 'jane.doe@example.com');
    assert.deepEqual(env.ruleCalls[0], { name: 'generateEmail', args: { firstname: 'Jane', lastname: 'Doe', domain: 'example.com' } });
  });

  it('fails clearly when the environment cannot call rules', () => {
    const env = { lookup: () => undefined, assign: () => undefined };
    assert.throws(() => evaluate(compileOk("<rule name='x'/>"), env), { code: 'XPRESS_RULE_UNAVAILABLE' });
  });
});

describe('XPRESS object functions', () => {
  it('selects the first value that is neither null nor zero', () => {
    assert.equal(run('<select><null/><i>0</i><s></s><s>x</s></select>'), '');
    assert.equal(run('<select><null/><i>0</i><ref>ctx</ref></select>', { ctx: 'c' }), 'c');
    assert.equal(run('<select><null/></select>'), null);
  });

  it('gets map entries by key or path and list elements by index', () => {
    const env = { user: { waveset: { role: 'admin' }, 'a.b': 1 }, l: [{ name: 'AD', v: 1 }] };
    assert.equal(run('<get><ref>user</ref><s>waveset.role</s></get>', env), 'admin');
    assert.equal(run('<get><ref>user</ref><s>a.b</s></get>', env), 1);
    assert.equal(run('<get><ref>l</ref><i>0</i></get>', env), env.l[0]);
    assert.equal(run('<get><ref>l</ref><s>AD</s></get>', env), env.l[0]);
    assert.equal(run('<get><null/><s>x</s></get>', env), null);
  });

  it('puts an entry into the referenced map variable', () => {
    const env = new MapEnv({ m: { a: 1 } });
    assert.equal(run('<putmap><ref>m</ref><s>b</s><i>2</i></putmap>', env), null);
    assert.deepEqual(env.vars.get('m'), { a: 1, b: 2 });
    assert.throws(() => run('<putmap><list/><s>b</s><i>2</i></putmap>'), { code: 'XPRESS_NOT_A_MAP' });
  });

  it('tests the kind of a value with instanceof', () => {
    assert.equal(run("<instanceof name='java.lang.String'><s>x</s></instanceof>"), 1);
    assert.equal(run("<instanceof name='java.util.List'><s>x</s></instanceof>"), 0);
    assert.equal(run("<instanceof name='List'><list/></instanceof>"), 1);
    assert.equal(run("<instanceof class='java.util.Map'><map/></instanceof>"), 1);
  });

  it('invokes allow-listed static methods', () => {
    assert.equal(run("<invoke class='java.lang.Math' name='max'><i>3</i><i>9</i></invoke>"), 9);
    assert.equal(run("<invoke class='java.lang.Integer' name='parseInt'><s>42</s></invoke>"), 42);
    assert.throws(() => run("<invoke class='java.lang.Integer' name='parseInt'><s>4x</s></invoke>"), { code: 'XPRESS_NUMBER_FORMAT' });
    assert.equal(run("<invoke class='com.waveset.util.Util' name='isNullOrEmpty'><s></s></invoke>"), true);
    assert.deepEqual(run("<invoke class='com.waveset.util.Util' name='stringToList'><s>a, b</s></invoke>"), ['a', 'b']);
    assert.equal(run("<invoke class='java.lang.System' name='currentTimeMillis'/>"), Date.UTC(2024, 0, 31, 8, 5, 9));
  });

  it('invokes allow-listed methods on strings, lists and maps', () => {
    assert.equal(run("<invoke name='toUpperCase'><s>abc</s></invoke>"), 'ABC');
    assert.equal(run("<invoke name='startsWith'><s>abc</s><s>ab</s></invoke>"), true);
    assert.equal(run("<invoke name='substring'><s>abcdef</s><i>1</i><i>3</i></invoke>"), 'bc');
    assert.equal(run("<invoke name='size'><list><i>1</i><i>2</i></list></invoke>"), 2);
    assert.equal(run("<invoke name='get'><map><s>k</s><s>v</s></map><s>k</s></invoke>"), 'v');
  });

  it('refuses a method on a value of the wrong kind or on null', () => {
    assert.throws(() => run("<invoke name='toUpperCase'><list/></invoke>"), { code: 'XPRESS_INVOKE_BAD_TARGET' });
    assert.throws(() => run("<invoke name='size'><ref>nothing</ref></invoke>"), { code: 'XPRESS_NULL_TARGET' });
  });

  it('constructs allow-listed classes with <new>', () => {
    assert.equal(run("<new class='java.util.Date'/>"), '20240131 08:05:09');
    assert.deepEqual(run("<new class='java.util.ArrayList'/>"), []);
    assert.deepEqual(run("<new class='java.util.HashMap'/>"), {});
  });
});

describe('XPRESS debugging output', () => {
  it('prints through the environment and returns null', () => {
    const env = new MapEnv({ x: 'v' });
    assert.equal(run('<print><s>x is</s><ref>x</ref></print>', env), null);
    assert.deepEqual(env.printed, ['x is v']);
  });

  it("traces every evaluation inside <block trace='true'>", () => {
    const env = new MapEnv();
    assert.equal(run("<block trace='true'><add><i>1</i><i>2</i></add></block>", env), 3);
    assert.ok(env.printed.some((l) => l.startsWith('trace <add>') && l.endsWith('-> 3')));
  });

  it('turns tracing on with <trace/> for the rest of the evaluation and off with a false flag', () => {
    const env = new MapEnv();
    const xml = '<block><trace/><add><i>1</i><i>2</i></add><trace><i>0</i></trace><sub><i>5</i><i>1</i></sub></block>';
    assert.equal(run(xml, env), 4);
    assert.ok(env.printed.some((l) => l.startsWith('trace <add>') && l.endsWith('-> 3')));
    assert.ok(!env.printed.some((l) => l.startsWith('trace <sub>')));
  });
});
