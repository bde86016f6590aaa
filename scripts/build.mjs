// `npm run build`: compiles src/ into dist/ with tsc and then writes dist/.build-stamp, whose modification time is
// the moment the build started. bin/idflow.js runs dist/ only when no file of src/ changed after that moment, so a
// source file saved during the build makes the build stale at once. Plain JavaScript: it runs before anything is built.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
// Whole seconds, rounded down: file systems with coarse timestamps then never make a fresh build look stale.
const started = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000);
rmSync(stamp, { force: true });
const tsc = join(root, 'node_modules', '.bin', 'tsc');
const result = spawnSync(tsc, ['-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
if (result.status !== 0) {
  console.error(`build failed (tsc exited ${result.status ?? result.signal}); bin/idflow.js keeps running the sources through tsx`);
  process.exit(result.status ?? 1);
}
mkdirSync(dirname(stamp), { recursive: true });
writeFileSync(stamp, `dist/ built from src/ as it was at ${started.toISOString()}\n`);
utimesSync(stamp, started, started);
