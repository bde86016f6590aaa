import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runIdflow } from './cli-harness.js';

describe('idflow completion', () => {
  let dir: string;
  let script: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cli-completion-'));
    const r = await runIdflow(['completion', 'bash']);
    assert.equal(r.status, 0, r.stderr);
    script = join(dir, 'idflow.bash');
    writeFileSync(script, r.stdout);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** What bash offers after typing `line` (the last word is the one completed). */
  const complete = (...words: string[]): string[] =>
    execFileSync('bash', ['-c', `source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _idflow; printf '%s\\n' "\${COMPREPLY[@]}"`, script, ...words], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l !== '');

  it('completes command names, subcommands and each command’s own options in bash', () => {
    assert.deepEqual(complete('idflow', 'work'), ['workitems', 'workitem', 'worker']);
    assert.deepEqual(complete('idflow', 'task', 'su'), ['suspend']);
    assert.deepEqual(complete('idflow', 'workitems', '--o').sort(), ['--output', '--owner']);
    assert.deepEqual(complete('idflow', 'run', 'Grant Role', '--vars'), ['--vars-file']);
  });

  it('prints a zsh script that loads the same completion through bashcompinit, and refuses other shells', async () => {
    const zsh = await runIdflow(['completion', 'zsh']);
    assert.equal(zsh.status, 0);
    assert.match(zsh.stdout, /^autoload -U \+X bashcompinit && bashcompinit\n/);
    assert.match(zsh.stdout, /complete -o default -F _idflow idflow/);
    const fish = await runIdflow(['completion', 'fish']);
    assert.equal(fish.status, 2);
    assert.match(fish.stderr, /CLI_USAGE: the shell must be one of bash, zsh, not "fish"/);
  });
});
