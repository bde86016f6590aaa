import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadDefinitionFiles, type LoadResult } from '../../src/definition/load.js';

/**
 * The hostile-input corpus: every file in test/fixtures/hostile is malformed or malicious, and
 * expected.json says which error code (and, where stable, which line) idflow must answer with.
 * Big files are generated here at run time instead of being committed.
 *
 * For every file: loading must not throw, must report the expected code as an error, and must answer in bounded
 * words: no more diagnostics than the file has tags (each problem reported once, never once per path to it). How long a load takes is measured in the
 * benchmark, never asserted here (a busy machine must not fail the suite).
 */

interface Expectation {
  readonly code: string;
  readonly line?: number;
  readonly note?: string;
  /** `warning`: the file loads, and says so with this code (an unresolved subprocess runs into its action's error). */
  readonly severity?: 'warning';
}

const DIR = fileURLToPath(new URL('../fixtures/hostile/', import.meta.url));
const manifest = JSON.parse(await readFile(join(DIR, 'expected.json'), 'utf8')) as Record<string, Expectation>;

async function load(file: string): Promise<{ result: LoadResult; tags: number }> {
  // Only a regular file is read here: a named pipe would wait for a writer.
  const text = (await stat(file)).isFile() ? await readFile(file, 'latin1') : '';
  return { result: await loadDefinitionFiles([file]), tags: text.split('<').length - 1 };
}

function assertRefused(result: LoadResult, tags: number, expected: Expectation): void {
  const errors = result.diagnostics.filter((d) => d.severity === (expected.severity ?? 'error'));
  const summary = result.diagnostics.map((d) => `${d.severity} ${d.code} @${d.location.line}: ${d.message.slice(0, 160)}`).join('\n  ');
  const withCode = errors.filter((d) => d.code === expected.code);
  assert.ok(withCode.length > 0, `expected ${expected.severity ?? 'error'} ${expected.code}; got:\n  ${summary || '(nothing)'}`);
  if (expected.line !== undefined) {
    assert.ok(
      withCode.some((d) => d.location.line === expected.line),
      `expected ${expected.code} at line ${expected.line}; got it at line(s) ${withCode.map((d) => d.location.line).join(', ')}`,
    );
  }
  assert.equal(result.ok, expected.severity === 'warning');
  const bound = Math.max(tags, 1) + 1;
  assert.ok(result.diagnostics.length <= bound, `${result.diagnostics.length} diagnostics for ${tags} tags; at most ${bound} expected`);
}

/** "03-unclosed-tag.xml" → "03 unclosed tag". */
function describeFile(file: string): string {
  return file.replace(/\.xml$/, '').replace(/-/g, ' ');
}

before(async () => {
  // Load the modules once before the corpus runs.
  await loadDefinitionFiles([join(DIR, '42-waveset-transition-to-missing-activity.xml'), join(DIR, '60-netwrix-unknown-template.xml')]);
});

describe('the hostile-input corpus', () => {
  it('holds at least 30 files, each listed in expected.json, and lists no missing file', async () => {
    const files = (await readdir(DIR)).filter((f) => f.endsWith('.xml')).sort();
    assert.ok(files.length >= 30, `only ${files.length} files`);
    assert.deepEqual(Object.keys(manifest).sort(), files);
    for (const f of files) assert.match(f, /^\d\d-[a-z0-9-]+\.xml$/);
  });

  for (const [file, expected] of Object.entries(manifest)) {
    it(`refuses ${describeFile(file)} with ${expected.code}${expected.line ? ` at line ${expected.line}` : ''}`, async () => {
      const { result, tags } = await load(join(DIR, file));
      assertRefused(result, tags, expected);
    });
  }

  it('never reads the file an external entity points at', async () => {
    const { result } = await load(join(DIR, '24-external-entity-file.xml'));
    assert.equal(result.objects.length, 0);
    assert.deepEqual(result.diagnostics.map((d) => d.code), ['XML_EXTERNAL_ENTITY']);
    for (const d of result.diagnostics) assert.doesNotMatch(d.message, /root:.*:0:0:/);
  });
});

/** Files too big to commit, written to a temporary directory for the run. */
const generated: { name: string; expected: Expectation; make: () => string | Buffer }[] = [
  {
    name: 'gen-10000-deep-nesting.xml',
    expected: { code: 'XML_TOO_DEEP', line: 1 },
    make: () => '<Waveset>' + '<List>'.repeat(10_000) + '</List>'.repeat(10_000) + '</Waveset>',
  },
  {
    name: 'gen-300000-elements.xml',
    expected: { code: 'XML_TOO_MANY_ELEMENTS' },
    make: () => '<Waveset>\n' + "<Rule name='r'/>\n".repeat(300_000) + '</Waveset>\n',
  },
  {
    name: 'gen-1000-attributes.xml',
    expected: { code: 'XML_TOO_MANY_ATTRIBUTES', line: 2 },
    make: () => "<Waveset>\n<TaskDefinition name='t' " + Array.from({ length: 1000 }, (_, i) => `a${i}='v'`).join(' ') + '/>\n</Waveset>\n',
  },
  {
    name: 'gen-9mb-file.xml',
    expected: { code: 'XML_TOO_LARGE', line: 1 },
    make: () => '<Waveset>\n<Rule name="big"><s>' + 'x'.repeat(9 * 1024 * 1024) + '</s></Rule>\n</Waveset>\n',
  },
  {
    // Regression: a backtracking regular expression over the internal subset once took minutes here.
    name: 'gen-unterminated-entity-declarations.xml',
    expected: { code: 'XML_ENTITY_DECLARATION', line: 1 },
    make: () => '<!DOCTYPE Waveset [' + '<!ENTITY '.repeat(400_000) + ']><Waveset/>',
  },
  {
    // Regression: whitespace between many children was once re-trimmed at every child (quadratic).
    name: 'gen-90000-indented-children.xml',
    expected: { code: 'DEF_UNKNOWN_ROOT', line: 1 },
    make: () => '<Inventory>' + '\n    <item/>'.repeat(90_000) + '\n</Inventory>\n',
  },
  {
    // Every activity has a bad transition: suggestions must not compare every name with every other.
    name: 'gen-5000-activities-with-bad-transitions.xml',
    expected: { code: 'DEF_TRANSITION_TARGET' },
    make: () => {
      const acts = Array.from({ length: 5000 }, (_, i) => `<Activity name='a${i}'><Transition to='a${i + 1}'/><Transition to='missing${i}'/></Activity>`);
      return `<Waveset><TaskDefinition name='Wide' executor='com.waveset.workflow.WorkflowExecutor'><Extension><WFProcess name='Wide'>\n${acts.join('\n')}\n<Activity name='a5000'/></WFProcess></Extension></TaskDefinition></Waveset>\n`;
    },
  },
];

describe('hostile files generated at run time', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idflow-hostile-'));
    for (const g of generated) await writeFile(join(dir, g.name), g.make());
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const g of generated) {
    it(`refuses ${describeFile(g.name.replace(/^gen-/, ''))} with ${g.expected.code}`, async () => {
      const { result, tags } = await load(join(dir, g.name));
      assertRefused(result, tags, g.expected);
    });
  }
});

describe('paths that are not regular files', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idflow-not-files-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses a directory with FILE_UNREADABLE', async () => {
    await mkdir(join(dir, 'folder.xml'));
    const { result } = await load(join(dir, 'folder.xml'));
    assert.deepEqual(result.diagnostics.map((d) => `${d.code}: ${d.message}`), ['FILE_UNREADABLE: not a regular file (a directory); give an XML file']);
  });

  it('refuses a named pipe with FILE_UNREADABLE instead of waiting for a writer', { skip: process.platform === 'win32' }, async () => {
    const fifo = join(dir, 'pipe.xml');
    execFileSync('mkfifo', [fifo]);
    const { result, tags } = await load(fifo);
    assertRefused(result, tags, { code: 'FILE_UNREADABLE' });
    assert.match(result.diagnostics[0]!.message, /a device, pipe or socket/);
  });
});
