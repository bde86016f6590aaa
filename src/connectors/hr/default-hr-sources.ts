/**
 * The HR source mappings shipped beside the default workflows (`config/default/hr-source*.yaml`, docs/hr-feed.md):
 * `idflow init` stores each one whose name the repository does not have yet, so a repository starts with the feed
 * wired to the lifecycle workflows, and a mapping an administrator changed is never overwritten.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Repository } from '../../repository/repository.js';
import { InvalidInputError } from '../../errors.js';
import { parseHrSource } from './hr-source.js';

export interface DefaultHrSource {
  readonly name: string;
  readonly file: string;
  readonly status: 'stored' | 'kept';
}

/** The `hr-source*.yaml` files of `dir`, checked, sorted by name. Throws `HR_SOURCE_INVALID` for a bad one. */
export async function readDefaultHrSources(dir: string): Promise<{ readonly file: string; readonly value: Record<string, unknown>; readonly name: string }[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^hr-source.*\.ya?ml$/i.test(n)).sort();
  const out = [];
  for (const n of names) {
    const file = join(dir, n);
    let value: unknown;
    try {
      value = parse(await readFile(file, 'utf8'), { maxAliasCount: 100, uniqueKeys: true });
    } catch (e) {
      throw new InvalidInputError('HR_SOURCE_INVALID', `${file}: cannot read it as YAML (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`, { file });
    }
    const config = parseHrSource(value);
    out.push({ file, value: value as Record<string, unknown>, name: config.name });
  }
  return out;
}

/** Stores the default sources the repository lacks; answers what it did for each. */
export async function storeDefaultHrSources(repository: Repository, dir: string, at: number): Promise<DefaultHrSource[]> {
  const out: DefaultHrSource[] = [];
  for (const s of await readDefaultHrSources(dir)) {
    if (await repository.hr.getSource(s.name)) {
      out.push({ name: s.name, file: s.file, status: 'kept' });
      continue;
    }
    await repository.hr.putSource(s.name, { ...s.value, name: s.name }, at);
    out.push({ name: s.name, file: s.file, status: 'stored' });
  }
  return out;
}
