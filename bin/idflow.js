#!/usr/bin/env node
// Thin launcher. In a source checkout it runs the TypeScript sources through tsx, so the command always matches the
// code beside it (a stale dist/ can never shadow an edit). An installed package ships dist/ and no src/, and runs
// the compiled CLI.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'cli', 'main.ts');
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
} else {
  await import(pathToFileURL(join(root, 'dist', 'cli', 'main.js')).href);
}
