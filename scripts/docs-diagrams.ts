/**
 * `npm run docs:diagrams`: (re)draws the pictures of docs/lifecycle.md from the default workflows
 * (src/web/lifecycle-diagrams.ts) into docs/diagrams/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderLifecycleDiagrams } from '../src/web/lifecycle-diagrams.js';

const config = fileURLToPath(new URL('../config/default/', import.meta.url));
const out = fileURLToPath(new URL('../docs/diagrams/', import.meta.url));
mkdirSync(out, { recursive: true });
for (const [file, svg] of await renderLifecycleDiagrams(config)) {
  writeFileSync(`${out}${file}`, svg);
  console.log(`docs/diagrams/${file}`);
}
