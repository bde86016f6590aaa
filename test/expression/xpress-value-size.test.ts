/**
 * Sizes as stored (issue 6, item 4): values are measured while they are built, a list of references to one string
 * counts that string at every reference, and text assembled from pieces is refused before it is made, with
 * XPRESS_VALUE_TOO_LARGE rather than V8's "Invalid string length". Sizes are small here through the limits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EvaluationBudget } from '../../src/expression/evaluation-budget.js';
import { evaluate, type XValue } from '../../src/expression/index.js';
import { compileOk, MapEnv, run } from './xpress-harness.js';

const MiB = 1024 * 1024;

/** Counts how often each variable is read, to show where a refused evaluation stopped. */
class CountingEnv extends MapEnv {
  readonly reads = new Map<string, number>();
  override lookup(name: string): XValue | undefined {
    this.reads.set(name, (this.reads.get(name) ?? 0) + 1);
    return super.lookup(name);
  }
}

describe('value sizes as stored', () => {
  it('counts a string once for every reference a list holds to it', () => {
    const env = new MapEnv({ big: 'x'.repeat(100 * 1024) });
    const refs = '<ref>big</ref>'.repeat(40);
    assert.throws(() => run(`<list>${refs}</list>`, env, { maxValueSize: MiB }), { code: 'XPRESS_VALUE_TOO_LARGE' });
    assert.equal((run(`<list>${'<ref>big</ref>'.repeat(9)}</list>`, env, { maxValueSize: MiB }) as XValue[]).length, 9);
  });

  it('stops a loop that collects one big value many times at the limit, not after the loop', () => {
    const env = new CountingEnv({ big: 'x'.repeat(100 * 1024), items: Array.from({ length: 40 }, (_, i) => i) });
    assert.throws(() => run("<dolist name='i'><ref>items</ref><ref>big</ref></dolist>", env, { maxValueSize: MiB }), { code: 'XPRESS_VALUE_TOO_LARGE' });
    assert.ok((env.reads.get('big') ?? 0) <= 11, `read big ${env.reads.get('big')} times`);
  });

  it('refuses a map holding a big value many times', () => {
    const env = new MapEnv({ big: 'x'.repeat(300 * 1024) });
    const entries = [1, 2, 3, 4].map((k) => `<s>k${k}</s><ref>big</ref>`).join('');
    assert.throws(() => run(`<map>${entries}</map>`, env, { maxValueSize: MiB }), { code: 'XPRESS_VALUE_TOO_LARGE' });
  });

  it('stops <expand> of a list once the strings made so far pass the limit', () => {
    const env = new CountingEnv({ big: 'x'.repeat(256 * 1024), templates: Array.from({ length: 40 }, () => '$(big)') });
    assert.throws(() => run('<expand><ref>templates</ref></expand>', env, { maxValueSize: MiB }), { code: 'XPRESS_VALUE_TOO_LARGE' });
    assert.ok((env.reads.get('big') ?? 0) <= 5, `expanded $(big) ${env.reads.get('big')} times before refusing`);
  });

  // 600 references to one 1 MiB string: 600 MiB of text, past V8's longest string. Only the 1 MiB string is allocated.
  const big = 'x'.repeat(MiB);
  const huge: Record<string, XValue> = { big, many: Array.from({ length: 600 }, () => big) };

  it('gives listToString past the limit XPRESS_VALUE_TOO_LARGE, never "Invalid string length"', () => {
    assert.throws(() => run("<invoke class='com.waveset.util.Util' name='listToString'><ref>many</ref></invoke>", huge), {
      code: 'XPRESS_VALUE_TOO_LARGE',
    });
  });

  it('gives <message> past the limit XPRESS_VALUE_TOO_LARGE, never "Invalid string length"', () => {
    assert.throws(() => run(`<message><s>${'{0}'.repeat(600)}</s><ref>big</ref></message>`, huge), { code: 'XPRESS_VALUE_TOO_LARGE' });
  });

  it('gives <expand> of one long template XPRESS_VALUE_TOO_LARGE, never "Invalid string length"', () => {
    assert.throws(() => run('<expand><ref>template</ref></expand>', { ...huge, template: '$(big)'.repeat(600) }), { code: 'XPRESS_VALUE_TOO_LARGE' });
  });

  it('gives <concat> of a huge list XPRESS_VALUE_TOO_LARGE before writing the list out', () => {
    assert.throws(() => run('<concat><ref>many</ref></concat>', huge), { code: 'XPRESS_VALUE_TOO_LARGE' });
  });
});

describe('an evaluation budget shared by several evaluations', () => {
  it('lets a rule call spend the steps of the evaluation that called it, not a fresh allowance', () => {
    const budget = new EvaluationBudget({ maxSteps: 2_000 });
    // Fan(n) calls itself twice per level: 2^11 calls here, each a handful of steps.
    const body = compileOk(
      "<cond><gt><ref>n</ref><i>0</i></gt><add><rule name='Fan'><argument name='n'><sub><ref>n</ref><i>1</i></sub></argument></rule><rule name='Fan'><argument name='n'><sub><ref>n</ref><i>1</i></sub></argument></rule></add><i>1</i></cond>",
    );
    class RuleEnv extends MapEnv {
      readonly budget = budget;
      override callRule(_name: string, args: Readonly<Record<string, XValue>>): XValue {
        const inner = new RuleEnv(args as Record<string, XValue>);
        return evaluate(body, inner);
      }
    }
    assert.throws(() => evaluate(compileOk("<rule name='Fan'><argument name='n' value='10'/></rule>"), new RuleEnv()), { code: 'XPRESS_STEP_LIMIT' });
    assert.ok(budget.steps <= 2_001, `spent ${budget.steps} steps`);
  });
});
