import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readErrorWords } from '../definition/file-problems.js';
import { IdflowError } from '../errors.js';
import { UsageError } from './usage-error.js';

/**
 * The files a command reads: each directory given becomes its `*.xml` files, links to files included (not
 * recursive, sorted by name); files are kept as given, even missing ones, so that the loader reports them.
 */
export async function expandFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isDirectory()) {
      files.push(path);
      continue;
    }
    const entries = await readdir(path, { withFileTypes: true }).catch((e: unknown) => {
      throw new IdflowError('FILE_UNREADABLE', `cannot read the directory ${path}: ${readErrorWords(e)}`, { path }, { cause: e });
    });
    const xml: string[] = [];
    for (const e of entries) {
      if (!e.name.toLowerCase().endsWith('.xml')) continue;
      // A link to an XML file counts as the file (configuration directories are often assembled from links);
      // a broken link is kept, so that the loader reports it rather than it vanishing from the set.
      const isFile = e.isFile() || (e.isSymbolicLink() && (await stat(join(path, e.name)).then((s) => s.isFile(), () => true)));
      if (isFile) xml.push(e.name);
    }
    xml.sort();
    if (xml.length === 0) throw new UsageError('CLI_NO_XML_FILES', `the directory ${path} holds no .xml files`, { path });
    files.push(...xml.map((name) => join(path, name)));
  }
  return files;
}
