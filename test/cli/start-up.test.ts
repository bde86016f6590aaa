import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

// bin/idflow.js in a checkout of its own whose "sources" and "compiled code" print which of them ran, so the test
// sees the launcher's choice without building anything. Times are set, never waited for.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('bin/idflow.js', () => {
  let dir: string;
  const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);
  const touch = (path: string, seconds: number) => utimesSync(path, at(seconds), at(seconds));
  const run = () => execFileSync(process.execPath, [join(dir, 'bin', 'idflow.js')], { encoding: 'utf8' }).trim();

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cli-start-up-'));
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'src', 'cli', 'commands'), { recursive: true });
    mkdirSync(join(dir, 'dist', 'cli'), { recursive: true });
    copyFileSync(join(ROOT, 'bin', 'idflow.js'), join(dir, 'bin', 'idflow.js'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
    writeFileSync(join(dir, 'tsconfig.json'), '{}\n');
    writeFileSync(join(dir, 'src', 'cli', 'main.ts'), "const from: string = 'the sources';\nconsole.log(from);\n");
    writeFileSync(join(dir, 'src', 'cli', 'commands', 'x.ts'), 'export {};\n');
    writeFileSync(join(dir, 'dist', 'cli', 'main.js'), "console.log('the compiled code');\n");
    writeFileSync(join(dir, 'dist', '.build-stamp'), 'built\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Sources at 0 s, the build started at `built` s, one source file changed at `edited` s. */
  function times(built: number, edited = 0): void {
    for (const f of ['tsconfig.json', 'src/cli/main.ts', 'src/cli/commands/x.ts']) touch(join(dir, f), 0);
    touch(join(dir, 'src', 'cli', 'commands', 'x.ts'), edited);
    touch(join(dir, 'dist', 'cli', 'main.js'), built + 1);
    touch(join(dir, 'dist', '.build-stamp'), built);
  }

  it('runs the compiled code when no source changed after the build started', () => {
    times(10);
    assert.equal(run(), 'the compiled code');
  });

  it('runs the sources when a file deep in src/ changed after the build started', () => {
    times(10, 11);
    assert.equal(run(), 'the sources');
  });

  it('runs the sources when tsconfig.json changed after the build', () => {
    times(10);
    touch(join(dir, 'tsconfig.json'), 12);
    assert.equal(run(), 'the sources');
  });

  it('runs the sources when the last build left no stamp (it failed or never ran)', () => {
    times(10);
    rmSync(join(dir, 'dist', '.build-stamp'));
    try {
      assert.equal(run(), 'the sources');
    } finally {
      writeFileSync(join(dir, 'dist', '.build-stamp'), 'built\n');
    }
  });

  it('runs the compiled code of an installed package, which has no sources', () => {
    times(10, 11);
    rmSync(join(dir, 'src'), { recursive: true });
    assert.equal(run(), 'the compiled code');
  });
});
