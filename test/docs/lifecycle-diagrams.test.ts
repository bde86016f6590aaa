/**
 * The pictures of docs/lifecycle.md are the flows that run: each is drawn again from config/default's workflow and
 * must be byte for byte the SVG committed under docs/diagrams/ (`npm run docs:diagrams` redraws them).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LIFECYCLE_DIAGRAMS, renderLifecycleDiagrams } from '../../src/web/lifecycle-diagrams.js';

const CONFIG = fileURLToPath(new URL('../../config/default/', import.meta.url));
const DIAGRAMS = fileURLToPath(new URL('../../docs/diagrams/', import.meta.url));
const LIFECYCLE_DOC = fileURLToPath(new URL('../../docs/lifecycle.md', import.meta.url));

describe('the lifecycle pictures in the docs', () => {
  it('are up to date with the default workflows they picture', async () => {
    const drawn = await renderLifecycleDiagrams(CONFIG);
    const stale = [...drawn].filter(([file, svg]) => !existsSync(`${DIAGRAMS}${file}`) || readFileSync(`${DIAGRAMS}${file}`, 'utf8') !== svg).map(([file]) => file);
    assert.deepEqual(stale, [], `out of date with config/default: ${stale.join(', ')}; run \`npm run docs:diagrams\` and commit docs/diagrams/`);
  });

  it('are each shown in docs/lifecycle.md', () => {
    const doc = readFileSync(LIFECYCLE_DOC, 'utf8');
    assert.deepEqual(LIFECYCLE_DIAGRAMS.filter((d) => !doc.includes(`(diagrams/${d.file})`)).map((d) => d.file), []);
  });
});
