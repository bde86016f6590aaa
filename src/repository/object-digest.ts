import { createHash } from 'node:crypto';
import type { DefinitionObject } from '../definition/model/objects.js';

/**
 * The digest that decides whether an imported object is "unchanged": sha256 (hex) of the model's canonical JSON
 * (keys sorted, undefined dropped) with every position left out — `location` objects and the `line`/`column`
 * numbers of expression nodes. Reformatting a file, moving an object within it or moving it to another file
 * therefore changes nothing; changing what the object does makes a new version.
 */
export function objectDigest(model: DefinitionObject): string {
  return createHash('sha256').update(canonicalJson(model)).digest('hex');
}

/** Canonical JSON without source positions (see {@link objectDigest}). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(strip(value)) ?? 'null';
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : strip(v)));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  // Expression nodes carry their position as numbers beside a string `op`; attribute maps only hold strings,
  // so an XML attribute that happens to be called `line` or `location` is kept.
  const isExpr = typeof record['op'] === 'string';
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (v === undefined) continue;
    if (key === 'location' && v !== null && typeof v === 'object') continue;
    if (isExpr && (key === 'line' || key === 'column') && typeof v === 'number') continue;
    out[key] = strip(v);
  }
  return out;
}
