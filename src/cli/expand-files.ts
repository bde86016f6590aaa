import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from './usage-error.js';

/**
 * The files a command reads: each directory given becomes its `*.xml` files (not recursive, sorted by name);
 * files are kept as given, even missing ones, so that the loader reports them with a diagnostic.
 */
export async function expandFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isDirectory()) {
      files.push(path);
      continue;
    }
    const entries = await readdir(path, { withFileTypes: true });
    const xml = entries
      .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.xml'))
      .map((e) => e.name)
      .sort()
      .map((name) => join(path, name));
    if (xml.length === 0) throw new UsageError('CLI_NO_XML_FILES', `the directory ${path} holds no .xml files`, { path });
    files.push(...xml);
  }
  return files;
}
