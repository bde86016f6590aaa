/**
 * Lists the stable error and diagnostic codes used in src/: every SCREAMING_SNAKE string literal
 * (`'XML_MALFORMED'`, `"TASK_NOT_FOUND"`), outside comments, that is not one of the known non-codes below.
 *
 *   node --import tsx scripts/list-error-codes.ts            # code  file(s)
 *   node --import tsx scripts/list-error-codes.ts --missing  # codes not yet in docs/errors.md (exit 1 if any)
 *
 * test/definition/error-codes-documented.test.ts runs the same scan, so docs/errors.md stays complete.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** SCREAMING_SNAKE with at least one underscore: `XML_TOO_DEEP`, not `URL` or `Workflow_User`. */
const CODE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;

/**
 * String literals that look like codes but are not. Keep each with its reason; a new entry is a decision
 * ("this is not an error code"), not a way to make the test pass.
 */
export const NOT_ERROR_CODES: ReadonlyMap<string, string> = new Map([
  ['DATABASE_URL', 'environment variable'],
  ['IDFLOW_DB', 'environment variable'],
  ['IDFLOW_USER', 'environment variable'],
  ['IDFLOW_BUSY_TIMEOUT_MS', 'environment variable'],
  ['IDFLOW_ADMIN', 'environment variable (idflow init: the first administrator)'],
  ['IDFLOW_ADMIN_PASSWORD', 'environment variable (idflow init: the first administrator)'],
  ['IDFLOW_MAIL_CONFIG', 'environment variable'],
]);

/** Prefixes of literals that are never codes. */
export const NOT_ERROR_CODE_PREFIXES: ReadonlyMap<string, string> = new Map([
  ['WF_', 'Waveset built-in workflow variables (WF_ACTION_ERROR, WF_CASE_OWNER, …)'],
  ['SQLITE_', "SQLite's own result codes (SQLITE_CONSTRAINT_UNIQUE), which idflow matches but never raises"],
  ['FST_', "Fastify's own error codes (FST_ERR_CTP_BODY_TOO_LARGE), which src/http/http-errors.ts maps to HTTP_* codes"],
]);

export function isErrorCodeLiteral(s: string): boolean {
  if (!CODE.test(s) || NOT_ERROR_CODES.has(s)) return false;
  for (const p of NOT_ERROR_CODE_PREFIXES.keys()) if (s.startsWith(p)) return false;
  return true;
}

/**
 * The string literals of a TypeScript source, without comments. A small scanner rather than a regular
 * expression, so that `//` inside a string and quotes inside comments are read correctly. Template literals
 * count as strings (their `${…}` parts are skipped).
 */
export function stringLiterals(source: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      i = end === -1 ? n : end;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
    } else if (c === '/' && startsRegex(source, i)) {
      // Skip a regular-expression literal: a quote inside it (/['"]/) must not open a string.
      let j = i + 1;
      let inClass = false;
      while (j < n && source[j] !== '\n') {
        const d = source[j]!;
        if (d === '\\') j++;
        else if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        j++;
      }
      i = j + 1;
    } else if (c === "'" || c === '"' || c === '`') {
      let value = '';
      let j = i + 1;
      let depth = 0;
      while (j < n) {
        const d = source[j]!;
        if (d === '\\') {
          value += source[j + 1] ?? '';
          j += 2;
          continue;
        }
        if (c === '`' && d === '$' && source[j + 1] === '{') {
          depth++;
          j += 2;
          continue;
        }
        if (depth > 0) {
          if (d === '}') depth--;
          j++;
          continue;
        }
        if (d === c) break;
        if (d === '\n' && c !== '`') break;
        value += d;
        j++;
      }
      out.push(value);
      i = j + 1;
    } else {
      i++;
    }
  }
  return out;
}

/** A `/` opens a regular expression where an expression may start (after `(`, `,`, `=`, `return`, …), else it divides. */
function startsRegex(source: string, slash: number): boolean {
  let k = slash - 1;
  while (k >= 0 && /\s/.test(source[k]!)) k--;
  if (k < 0) return true;
  if ('(,=:[!&|?{};+-*%<>~^'.includes(source[k]!)) return true;
  return /\b(?:return|typeof|case|of|in|void|throw)$/.test(source.slice(Math.max(0, k - 6), k + 1));
}

function tsFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...tsFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/** Every code used under `srcDir`, with the files (relative to `root`) that use it, sorted by code. */
export function listErrorCodes(srcDir: string, root = join(srcDir, '..')): Map<string, string[]> {
  const codes = new Map<string, Set<string>>();
  for (const file of tsFiles(srcDir)) {
    for (const literal of stringLiterals(readFileSync(file, 'utf8'))) {
      if (!isErrorCodeLiteral(literal)) continue;
      const set = codes.get(literal) ?? new Set<string>();
      set.add(relative(root, file));
      codes.set(literal, set);
    }
  }
  return new Map([...codes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort()]));
}

/** The codes docs/errors.md documents: the first backticked cell of each table row. */
export function documentedCodes(markdown: string): Set<string> {
  const codes = new Set<string>();
  for (const line of markdown.split('\n')) {
    const m = /^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/.exec(line);
    if (m) codes.add(m[1]!);
  }
  return codes;
}

function main(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const codes = listErrorCodes(join(root, 'src'), root);
  if (process.argv.includes('--missing')) {
    const documented = documentedCodes(readFileSync(join(root, 'docs', 'errors.md'), 'utf8'));
    const missing = [...codes.keys()].filter((c) => !documented.has(c));
    for (const c of missing) console.log(`${c}\t${codes.get(c)!.join(' ')}`);
    const unused = [...documented].filter((c) => !codes.has(c));
    if (unused.length > 0) console.error(`documented but not found in src/: ${unused.join(', ')}`);
    process.exitCode = missing.length > 0 ? 1 : 0;
    return;
  }
  for (const [code, files] of codes) console.log(`${code}\t${files.join(' ')}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
