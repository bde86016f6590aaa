/**
 * The C# subset of Netwrix expressions (docs/csharp-expressions.md): what it accepts, what each construct computes
 * once compiled into the XPRESS tree and evaluated by the bounded evaluator, and what it refuses with the reason.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { compileCSharp } from '../../src/definition/netwrix/csharp/csharp-expression.js';
import { evaluate, type XValue } from '../../src/expression/index.js';

/** Noon on 15 June 2025, UTC: the clock every date example reads. */
const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);

function run(source: string, record: XValue = {}, extra: Record<string, XValue> = {}, limits?: { maxSteps: number }): XValue {
  const r = compileCSharp(source);
  if (!r.ok) assert.fail(`${source} was refused: ${r.message}`);
  const vars: Record<string, XValue> = { record, ...extra };
  return evaluate(r.expr, { lookup: (n) => vars[n], assign: () => undefined, now: () => NOW }, limits);
}

function refusal(source: string): { message: string; at: string } {
  const r = compileCSharp(source);
  assert.equal(r.ok, false, `${source} should be refused`);
  if (r.ok) throw new Error('unreachable');
  return { message: r.message, at: source.slice(r.offset, r.offset + 12) };
}

describe('C# subset: the vendor examples', () => {
  const person = { FirstName: 'Jane', LastName: 'Doe', Vehicle_Requested: true, mail: 'Jane.Doe@Example.com', IsDraft: null };
  const cases: [string, XValue, XValue][] = [
    ['C#:person:return person.Vehicle_Requested;', person, true],
    ['C#:record:return true;', {}, true],
    ['C#:user:return user.FirstName+" "+user.LastName;', person, 'Jane Doe'],
    ['C#:person:return person.LastName + " " + person.FirstName;', person, 'Doe Jane'],
    ['C#:guest:return "Validating data for guest: " + guest.FirstName + guest.LastName;', person, 'Validating data for guest: JaneDoe'],
    ['C#:user:return user.LastName+"@company.com";', person, 'Doe@company.com'],
    ['C#:resource:return resource?.mail?.ToLower();', person, 'jane.doe@example.com'],
    ['C#:record:return record.IsDraft.GetValueOrDefault();', person, false],
    ['C#:record:return record.StartDate ?? record.PositionStartDate ?? record.ContractStartDate;', { ContractStartDate: '2025-03-01' }, '2025-03-01'],
    ['C#:record:return record.ContractIdentifier;', { ContractIdentifier: 'C42' }, 'C42'],
    ['C#:bot:return "66048";', {}, '66048'],
    [
      'C#:record: return ( ((Nullable<DateTime>) record.ContractStartDate).HasValue && ((Nullable<DateTime>) record.ContractEndDate).HasValue) ?  record.ContractStartDate < record.ContractEndDate : true;',
      { ContractStartDate: '2025-06-01', ContractEndDate: '2025-01-01' },
      false,
    ],
    ['C#:record:\n  if(!string.IsNullOrEmpty(record.Card))\n  {\n    return record.Card;\n  }\n  return null;', { Card: '' }, null],
  ];
  for (const [source, record, expected] of cases) {
    it(`computes ${JSON.stringify(expected)} from ${source.replace(/\s+/g, ' ').slice(0, 70)}`, () => {
      assert.deepEqual(run(source, record), expected);
    });
  }
});

describe('C# subset: what the constructs compute', () => {
  it('accepts an expression-bodied lambda, a bare expression and a return statement alike', () => {
    assert.equal(run('C#:p => p.A + 1', { A: 2 }), 3);
    assert.equal(run('C#:p:p.A * 2', { A: 2 }), 4);
    assert.equal(run('C#:p:return p.A - 3;', { A: 2 }), -1);
  });

  it('adds integers and concatenates anything else, deciding at run time when the types are not written', () => {
    assert.equal(run('C#:r:return r.A + r.B;', { A: 1, B: 2 }), 3);
    assert.equal(run('C#:r:return r.A + r.B;', { A: 'x', B: 2 }), 'x2');
    assert.equal(run('C#:r:return r.A + r.B;', { A: null, B: 'y' }), 'y');
    assert.equal(run('C#:r:return 1 + 2 + "x";'), '3x');
  });

  it('returns C# booleans as true and false, and compares null as C# does (false)', () => {
    assert.equal(run('C#:r:return r.A > 1 && !(r.B == "x") || r.C;', { A: 2, B: 'y' }), true);
    assert.equal(run('C#:r:return r.Missing < 5;'), false);
    assert.equal(run('C#:r:return r.Missing >= 5;'), false);
    assert.equal(run('C#:r:return r.Missing == null;'), true);
    assert.equal(run('C#:r:return null != r.A;', { A: 0 }), true);
  });

  it('chooses with ?:, falls back with ??, and reads a null chain as null instead of failing', () => {
    assert.equal(run('C#:r:return r.A > 1 ? "big" : "small";', { A: 2 }), 'big');
    assert.equal(run('C#:r:return r.Manager.Mail ?? "nobody";'), 'nobody');
    assert.equal(run('C#:r:return r.Manager.Mail.ToUpper();'), null);
    assert.equal(run('C#:r:return r.Records[1].Title;', { Records: [{ Title: 'a' }, { Title: 'b' }] }), 'b');
  });

  it('builds text by interpolation and by the string methods', () => {
    const r = { First: ' ada ', Last: 'Lovelace', Tags: ['a', 'b'] };
    assert.equal(run('C#:r:return $"{r.First.Trim().ToUpper()} {r.Last.Substring(0, 4)}!";', r), 'ADA Love!');
    assert.equal(run('C#:r:return $"{{literal}} {r.Last.Length}";', r), '{literal} 8');
    assert.equal(run('C#:r:return r.Last.StartsWith("Love") && r.Last.EndsWith("ace") && r.Last.Contains("lac");', r), true);
    assert.equal(run('C#:r:return r.Last.Replace("e", "3").ToLower();', r), 'lov3lac3');
    assert.equal(run('C#:r:return r.Last.IndexOf("e");', r), 3);
    assert.equal(run('C#:r:return string.Format("{0}-{1}", r.Last, 7);', r), 'Lovelace-7');
    assert.equal(run('C#:r:return string.Join("+", r.Tags);', r), 'a+b');
    assert.equal(run('C#:r:return string.IsNullOrWhiteSpace(r.Missing) && !string.IsNullOrEmpty(r.Last);', r), true);
    assert.equal(run("C#:r:return 'B' + r.Last.ToLowerInvariant();", r), 'Blovelace');
  });

  it('declares locals and branches with if/else', () => {
    const src = `C#:r:
      var n = r.Records.Count;
      string label = n == 0 ? "none" : "some";
      if (n > 2) { return "many"; } else if (n == 2) return label + " (2)";
      return label;`;
    assert.equal(run(src, { Records: [1, 2, 3] }), 'many');
    assert.equal(run(src, { Records: [1, 2] }), 'some (2)');
    assert.equal(run(src, { Records: [] }), 'none');
  });

  it('ends a local with the branch that declares it, as C# scopes it', () => {
    const src = 'C#:r:if (r.A) { var x = "a"; if (r.B) return x; } if (r.C) { var x = "c"; return x; } return "none";';
    assert.equal(run(src, { A: true, B: true }), 'a');
    assert.equal(run(src, { A: true, C: true }), 'c');
    assert.equal(run(src, {}), 'none');
    assert.equal(refusal('C#:r:if (r.A) { var x = 1; } return x;').message.startsWith('unknown name "x"'), true);
  });

  it('computes with dates held as ISO 8601 text', () => {
    assert.equal(run('C#:r:return DateTime.Today;'), '2025-06-15');
    assert.equal(run('C#:r:return DateTime.UtcNow;'), '2025-06-15T12:00:00Z');
    assert.equal(run('C#:r:return DateTime.Today.AddDays(20);'), '2025-07-05');
    assert.equal(run('C#:r:return ((DateTime) r.End).AddMonths(1);', { End: '2025-01-31' }), '2025-02-28');
    assert.equal(run('C#:r:return r.End.AddHours(2);', { End: '2025-01-31' }), '2025-01-31T02:00:00Z');
    assert.equal(run('C#:r:return r.End.Year * 100 + r.End.Month;', { End: '2025-01-31T23:00:00Z' }), 202501);
    assert.equal(run('C#:r:return new DateTime(2025, 6, 16) > DateTime.Now;'), true);
    assert.equal(run('C#:r:return r.End < DateTime.Today.AddDays(30);', { End: '2025-07-01T08:00:00Z' }), true);
    assert.equal(run('C#:r:return r.End.Date;', { End: '2025-07-01T08:00:00Z' }), '2025-07-01');
    assert.equal(run('C#:r:return r.Year;', { Year: 1999 }), 1999, 'an entity property named like a date member is read as a property');
  });

  it('reads iteration in a BuildUniqueValueAspect expression', () => {
    const src = 'C#:u:return iteration == 0 ? u.Login : u.Login + iteration;';
    assert.equal(run(src, { Login: 'jdoe' }, { iteration: 0 }), 'jdoe');
    assert.equal(run(src, { Login: 'jdoe' }, { iteration: 2 }), 'jdoe2');
  });

  it('stays inside the evaluation budget of XPRESS', () => {
    const big = `C#:r:return ${Array.from({ length: 150 }, (_, i) => `r.A${i}`).join(' + ')};`;
    assert.throws(() => run(big, {}, {}, { maxSteps: 100 }), (e: unknown) => (e as { code?: string }).code === 'XPRESS_STEP_LIMIT');
  });
});

describe('C# subset: what it refuses', () => {
  const cases: [string, string, string][] = [
    ['C#:u:for (int i = 0; i < u.Records.Count; i++) { } return true;', 'for (int i =', 'loops are not in the subset'],
    ['C#:u:while (true) { } return true;', 'while (true) ', 'loops are not in the subset'],
    ['C#:u:u.Name = "x"; return u.Name;', '= "x"; retur', 'assignment is not in the subset'],
    ['C#:u:return u.Records.Where(r => r.Active).Count();', 'r => r.Activ', 'lambdas passed to methods'],
    ['C#:u:return u.Name.Normalize();', 'Normalize();', 'the method Normalize() is not in the subset'],
    ['C#:u:return System.IO.File.ReadAllText("/etc/passwd");', 'System.IO.Fi', 'unknown name "System"'],
    ['C#:u:return queryHandler.Select<Directory_EmployeeType>("Select Id");', 'Select<Direc', 'generic methods such as Select<…>() are not in the subset'],
    ['C#:u:return queryHandler.Query(u.Id);', 'queryHandler', 'queryHandler (a Netwrix service) is not available'],
    ['C#:u:logger.LogDebug("x"); return u.Name;', 'logger.LogDe', 'has no effect'],
    ['C#:u:return 1.5 * u.Rate;', '1.5 * u.Rate', 'numbers with a fraction'],
    ['C#:u:return new Random().Next(1, 9);', 'new Random()', 'gives the same result every time'],
    ['C#:u:if (u.A) return 1;', 'if (u.A) ret', 'not every path returns a value'],
    ['C#:u:return $"{u.Start:yyyy-MM-dd}";', '$"{u.Start:y', 'format ":yyyy-MM-dd"'],
    ['C#:u:return u.Name', '', 'expected ";" after the returned value, found the end of the expression'],
    ['C#:u:return (u.Name;', ';', 'expected ")" to close the parenthesis, found ";"'],
    ['C#:u:var record = 1; return record;', 'record = 1; ', 'a name idflow binds'],
    ['C#:u:return u.A++;', '++;', 'increment is not in the subset'],
    ['C#:u:return u.A & u.B;', '& u.B;', 'use &&'],
  ];
  for (const [source, at, message] of cases) {
    it(`refuses ${source.slice(5, 60)}: ${message}`, () => {
      const r = refusal(source);
      assert.ok(r.message.includes(message), `message: ${r.message}`);
      assert.equal(r.at, at.slice(0, 12));
    });
  }

  it('refuses expressions nested or grown past its bounds quickly, without exhausting the stack', () => {
    assert.match(refusal(`C#:r:return ${'('.repeat(100_000)}1;`).message, /nests deeper than 200 levels/);
    assert.match(refusal(`C#:r:return ${Array(50_000).fill('r.A').join(' + ')};`).message, /nests deeper than 200 levels/);
    assert.match(refusal(`C#:r:${Array(30).fill('if (r.A) { var x = 1; }').join(' ')} return 1;`).message, /more than 20000 nodes/);
  });

  it('never turns an expression into JavaScript', () => {
    const dir = new URL('../../src/definition/netwrix/csharp/', import.meta.url);
    for (const file of readdirSync(dir)) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      assert.doesNotMatch(text, /\beval\s*\(|new\s+Function\s*\(|\bFunction\s*\(|import\s*\(/, file);
    }
  });
});
