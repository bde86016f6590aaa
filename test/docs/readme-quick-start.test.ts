/**
 * The README's quick start, run as a reader copies it: every `$ npx idflow …` line of the section, in order, on a
 * fresh repository, each output compared with what the README shows. Ids and times differ from run to run: an id
 * the README shows is mapped to the id this run printed in the same place (and replaced in later commands), and
 * times compare as times. A line `…` in the README stands for any number of lines; columns compare with runs of
 * spaces as one. `npx idflow` is `node bin/idflow.js` (what npx runs in this checkout).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { runIdflow } from '../cli/cli-harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g;

interface Step {
  readonly command: string;
  readonly expected: readonly string[];
  readonly line: number;
}

/** The `$ ` commands of the quick start and the output lines under each. */
function quickStart(): Step[] {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const lines = text.split('\n');
  const from = lines.findIndex((l) => l.startsWith('## Quick start'));
  const to = lines.findIndex((l, i) => i > from && l.startsWith('## ') && !l.startsWith('### '));
  const steps: { command: string; expected: string[]; line: number }[] = [];
  let current: { command: string; expected: string[]; line: number } | undefined;
  for (let i = from + 1; i < to; i++) {
    const l = lines[i]!;
    if (l.startsWith('    $ ')) {
      current = { command: l.slice(6), expected: [], line: i + 1 };
      steps.push(current);
    } else if (current && l.startsWith('    ')) current.expected.push(l.slice(4));
    else current = undefined;
  }
  return steps;
}

/** Splits a command line as a POSIX shell would for the quoting the README uses ('…' and "…"). */
function words(command: string): string[] {
  const out: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === "'" || c === '"') {
      const end = command.indexOf(c, i + 1);
      word = (word ?? '') + command.slice(i + 1, end);
      i = end;
    } else if (c === ' ') {
      if (word !== undefined) out.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) out.push(word);
  return out;
}

const shape = (line: string): string => line.replace(UUID, '<id>').replace(TIME, '<time>').replace(/\S*\/idflow\.db\b/g, '<db>').replace(/\s+/g, ' ').trimEnd();

/**
 * Matches actual lines against expected ones (`…` = any lines); returns the ids seen at the same places, README id →
 * actual id, or a description of the first difference.
 */
function match(expected: readonly string[], actual: readonly string[]): Map<string, string> | string {
  const ids = new Map<string, string>();
  const go = (e: number, a: number): boolean => {
    if (e === expected.length) return a === actual.length;
    if (expected[e]!.trim() === '…') {
      for (let k = a; k <= actual.length; k++) if (go(e + 1, k)) return true;
      return false;
    }
    if (a === actual.length || shape(expected[e]!) !== shape(actual[a]!)) return false;
    if (!go(e + 1, a + 1)) return false;
    const want = expected[e]!.match(UUID) ?? [];
    const got = actual[a]!.match(UUID) ?? [];
    want.forEach((id, k) => ids.set(id, got[k]!));
    return true;
  };
  if (go(0, 0)) return ids;
  return `expected (README):\n${expected.join('\n')}\n\nactual:\n${actual.join('\n')}`;
}

describe('the README quick start', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cli-readme-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives what the README shows for every command, in order, on a fresh repository', async () => {
    const steps = quickStart();
    assert.ok(steps.length >= 10, `the quick start has its commands (${steps.length} found)`);
    const ids = new Map<string, string>();
    for (const step of steps) {
      assert.match(step.command, /^npx idflow /, `README.md:${step.line}: commands start with npx idflow`);
      const args = words(step.command.replace(UUID, (id) => ids.get(id) ?? id)).slice(2);
      const r = await runIdflow(args, { cwd: ROOT, env: { IDFLOW_DB: join(dir, 'idflow.db') } });
      // `check` exits 1 when it found an error, as the README says.
      const status = /^npx idflow check /.test(step.command) && step.expected.some((l) => /: error /.test(l)) ? 1 : 0;
      assert.equal(r.status, status, `README.md:${step.line}: ${step.command}\n${r.stderr}`);
      const result = match(step.expected, r.stdout.replace(/\n$/, '').split('\n'));
      if (typeof result === 'string') assert.fail(`README.md:${step.line}: ${step.command}\n${result}`);
      for (const [k, v] of result) if (!ids.has(k)) ids.set(k, v);
    }
  });
});
