#!/usr/bin/env node
// Thin launcher. It runs the compiled CLI in dist/ when dist/ is fresh, that is when `npm run build`
// (scripts/build.mjs) finished and no file of src/ (nor tsconfig.json) changed since that build started; else, in a
// source checkout, it runs the TypeScript sources through tsx, so a stale dist/ never shadows an edit. It never
// builds by itself: a build racing other idflow processes could swap modules under a running worker.
// An installed package ships dist/ and no src/, and runs dist/. Why: docs/decisions/cli-start-up.md.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const compiled = join(root, 'dist', 'cli', 'main.js');

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** True when some file under `dir` changed after `since` (ms); stops at the first one. */
function changedSince(dir, since) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() ? changedSince(path, since) : (mtime(path) ?? Infinity) > since) return true;
  }
  return false;
}

function distIsFresh() {
  const built = mtime(join(root, 'dist', '.build-stamp'));
  if (built === undefined || mtime(compiled) === undefined) return false;
  return !changedSince(src, built) && (mtime(join(root, 'tsconfig.json')) ?? 0) <= built;
}

const hasSources = mtime(join(src, 'cli', 'main.ts')) !== undefined;
if (!hasSources || distIsFresh()) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(src, 'cli', 'main.ts')).href);
}
