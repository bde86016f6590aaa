import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Keeps the documentation navigable: every relative Markdown link in README.md and docs/**/*.md must point at a
// file that exists, and a `#fragment` at a heading of that file (GitHub's anchor rules).

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Link {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

function markdownFiles(): string[] {
  const files = [join(ROOT, 'README.md')];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.md')) files.push(path);
    }
  };
  walk(join(ROOT, 'docs'));
  return files;
}

/**
 * The lines of a Markdown text with code blanked out (fenced blocks, indented blocks, inline code spans), so that
 * sample output that happens to look like a link is not checked. Line numbers are kept.
 */
function proseLines(text: string): string[] {
  const lines = text.split('\n');
  const out: string[] = [];
  let fence: string | undefined;
  let previousBlankOrCode = true;
  let inList = false; // indented lines under a list item continue the item; they are not code
  for (const line of lines) {
    const fenceMatch = /^\s*(```|~~~)/.exec(line);
    if (fence !== undefined) {
      if (fenceMatch && fenceMatch[1] === fence) fence = undefined;
      out.push('');
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1];
      out.push('');
      continue;
    }
    if (line.trim() !== '' && !/^\s/.test(line)) inList = /^([-*+]|\d+\.)\s/.test(line);
    const indentedCode: boolean = !inList && /^( {4}|\t)/.test(line) && previousBlankOrCode;
    previousBlankOrCode = line.trim() === '' || indentedCode;
    out.push(indentedCode ? '' : line.replace(/`+[^`]*`+/g, ''));
  }
  return out;
}

/** Relative link targets: inline `[text](target "title")`, images, and reference definitions `[id]: target`. */
function linksOf(file: string, text: string): Link[] {
  const links: Link[] = [];
  proseLines(text).forEach((line, i) => {
    const found: string[] = [];
    for (const m of line.matchAll(/\]\(\s*(<[^>]*>|[^)\s]*)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)) found.push(m[1] ?? '');
    const ref = /^\s{0,3}\[[^\]]+\]:\s*(\S+)/.exec(line);
    if (ref) found.push(ref[1] ?? '');
    for (const raw of found) {
      const target = raw.startsWith('<') ? raw.slice(1, -1) : raw;
      if (target === '' || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:, …
      links.push({ file, line: i + 1, target });
    }
  });
  return links;
}

/** GitHub's heading anchors: lower case, punctuation dropped (but `-` and `_`), spaces to `-`, `-1`, `-2` for repeats. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const fenceMatch = /^\s*(```|~~~)/.exec(line);
    if (fence !== undefined) {
      if (fenceMatch && fenceMatch[1] === fence) fence = undefined;
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1];
      continue;
    }
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = (heading[1] ?? '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Every broken link of one Markdown text that lives at `file`, as `file:line: target (why)`. */
function brokenLinksOf(file: string, text: string): string[] {
  const problems: string[] = [];
  for (const link of linksOf(file, text)) {
    const hash = link.target.indexOf('#');
    const pathPart = decodeURIComponent(hash < 0 ? link.target : link.target.slice(0, hash));
    const fragment = hash < 0 ? undefined : decodeURIComponent(link.target.slice(hash + 1));
    const where = `${relative(ROOT, link.file)}:${link.line}: ${link.target}`;
    const targetPath = pathPart === '' ? link.file : resolve(dirname(link.file), pathPart);
    if (pathPart !== '' && !existsSync(targetPath)) {
      problems.push(`${where} (no such file)`);
      continue;
    }
    if (fragment !== undefined && fragment !== '' && targetPath.endsWith('.md')) {
      const targetText = targetPath === link.file ? text : readFileSync(targetPath, 'utf8');
      if (!anchorsOf(targetText).has(fragment)) problems.push(`${where} (no heading #${fragment})`);
    }
  }
  return problems;
}

describe('documentation links', () => {
  it('finds the README and every page under docs/', () => {
    const files = markdownFiles().map((f) => relative(ROOT, f));
    assert.ok(files.includes('README.md'));
    assert.ok(files.includes(join('docs', 'README.md')));
    assert.ok(files.includes(join('docs', 'cli.md')));
    assert.ok(files.includes(join('docs', 'decisions', 'README.md')));
  });

  it('has no relative link to a missing file or heading in the README or docs/', () => {
    const files = markdownFiles();
    const checked = files.flatMap((f) => linksOf(f, readFileSync(f, 'utf8'))).length;
    assert.ok(checked > 100, `only ${checked} links found: the link reader is broken`);
    assert.deepEqual(files.flatMap((f) => brokenLinksOf(f, readFileSync(f, 'utf8'))), []);
  });

  it('reaches every decision page from the decisions index', () => {
    const dir = join(ROOT, 'docs', 'decisions');
    const index = linksOf(join(dir, 'README.md'), readFileSync(join(dir, 'README.md'), 'utf8')).map((l) => l.target);
    const pages = readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md');
    assert.deepEqual(pages.filter((p) => !index.includes(p)), []);
  });
});

describe('the link checker', () => {
  it('reads inline links, images and reference definitions but not links inside code', () => {
    const text = [
      'See [cli](cli.md), ![logo](img/logo.png "Logo") and [the web](https://example.com).',
      '',
      '[ref]: decisions/README.md',
      '',
      '`[not a link](nowhere.md)`',
      '',
      '```',
      '[also not](nowhere.md)',
      '```',
      '',
      '    [indented code](nowhere.md)',
    ].join('\n');
    assert.deepEqual(
      linksOf('x.md', text).map((l) => [l.line, l.target]),
      [
        [1, 'cli.md'],
        [1, 'img/logo.png'],
        [3, 'decisions/README.md'],
      ],
    );
  });

  it('makes heading anchors the way GitHub does, numbering repeated headings', () => {
    const anchors = anchorsOf('# The `idflow` command\n## `idflow profile …`\n## Workers and durability\n## Examples\n## Examples\n');
    assert.deepEqual([...anchors], ['the-idflow-command', 'idflow-profile-', 'workers-and-durability', 'examples', 'examples-1']);
  });

  it('reports a link to a missing file and one to a missing heading, and accepts a good one', () => {
    const page = join(ROOT, 'docs', 'example.md'); // not on disk: the text below stands for it
    const text = '# Here\n\n[gone](no-such-page.md), [bad anchor](cli.md#no-such-heading), [good](cli.md#global-rules), [local](#here)\n';
    assert.deepEqual(brokenLinksOf(page, text), [
      `${join('docs', 'example.md')}:3: no-such-page.md (no such file)`,
      `${join('docs', 'example.md')}:3: cli.md#no-such-heading (no heading #no-such-heading)`,
    ]);
  });
});
