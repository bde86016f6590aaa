import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { notXmlStart, readErrorWords } from './file-problems.js';
import { DiagnosticBag, type Diagnostic } from './diagnostic.js';
import type { LoadContext } from './load-context.js';
import type { DefinitionObject } from './model/objects.js';
import { linkNetwrixSet, loadNetwrixDocument } from './netwrix/netwrix-loader.js';
import { validateObjects, type ExternalProcessResolver } from './validate/validate-objects.js';
import { loadWavesetDocument } from './waveset/waveset-loader.js';
import type { XmlElement } from './xml/xml-element.js';
import { DEFAULT_XML_LIMITS, readXml, type XmlReadLimits } from './xml/xml-reader.js';
import { serializeXml } from './xml/xml-serialize.js';

export const NETWRIX_NAMESPACE = 'urn:schemas-usercube-com:configuration';

/** A definition object together with the XML it was read from. */
export interface LoadedObject {
  readonly object: DefinitionObject;
  /** The object's own XML, re-serialised from the file (for `idflow show --xml`). */
  readonly xml: string;
  readonly file: string;
}

export interface LoadResult {
  readonly objects: readonly LoadedObject[];
  /** Every diagnostic, sorted by file, line and column. */
  readonly diagnostics: readonly Diagnostic[];
  readonly ok: boolean;
}

export interface LoadOptions {
  readonly limits?: XmlReadLimits;
  /**
   * Stored Netwrix Workflows and Aspects (latest versions) to link with the files given: see `linkWithStored`.
   * Stored workflows whose aspects change come back in `LoadResult.objects` to be stored as new versions.
   */
  readonly stored?: readonly LoadedObject[];
  /** Subprocess names known outside the files given (the repository's objects). */
  readonly resolveExternal?: ExternalProcessResolver;
  /** Highest maxSteps a process may set: the engine's `limits.maxStepsCeiling`. @default 100_000 */
  readonly maxStepsCeiling?: number;
  /** Called before each file is read (`index` counts from 0), e.g. for a progress bar. */
  readonly onFile?: (file: string, index: number, total: number) => void;
}

/** Which dialect a root element belongs to, or undefined when it is neither. */
export function detectDialect(root: XmlElement): 'waveset' | 'netwrix' | undefined {
  if (root.name === 'ConfigurationFile') return 'netwrix';
  if (['Waveset', 'TaskDefinition', 'Configuration', 'Rule', 'TaskSchedule'].includes(root.name)) return 'waveset';
  return undefined;
}

/** Reads one document's objects (no cross-object validation). */
export function loadDocument(text: string | Uint8Array, file: string, diags: DiagnosticBag, limits?: XmlReadLimits): LoadedObject[] {
  const root = readXml(text, file, diags, limits);
  if (!root) return [];
  const ctx: LoadContext = { file, diags };
  const dialect = detectDialect(root);
  let objects: DefinitionObject[];
  if (dialect === 'netwrix') {
    const ns = root.attributes.get('xmlns');
    if (ns !== NETWRIX_NAMESPACE) {
      diags.error('DEF_NAMESPACE', `<ConfigurationFile> must declare xmlns="${NETWRIX_NAMESPACE}"${ns ? `, not "${ns}"` : ''}`, root.location);
      return [];
    }
    objects = loadNetwrixDocument(root, ctx);
  } else if (dialect === 'waveset') {
    objects = loadWavesetDocument(root, ctx);
  } else {
    diags.error(
      'DEF_UNKNOWN_ROOT',
      `<${root.name}> is not a workflow document; expected <Waveset>, <TaskDefinition>, <Configuration>, <Rule>, <TaskSchedule> or <ConfigurationFile>`,
      root.location,
    );
    return [];
  }
  const elements = elementsByLocation(root);
  return objects.map((object) => {
    const el = elements.get(`${object.location.line}:${object.location.column}`);
    return { object, file, xml: el ? serializeXml(el) : '' };
  });
}

function elementsByLocation(root: XmlElement): Map<string, XmlElement> {
  const map = new Map<string, XmlElement>();
  const visit = (el: XmlElement, depth: number): void => {
    map.set(`${el.location.line}:${el.location.column}`, el);
    // Objects are at most a few levels below the root; no need to index expression trees.
    if (depth < 4) for (const c of el.children) visit(c, depth + 1);
  };
  visit(root, 0);
  return map;
}

/**
 * Loads and validates a set of files together, as `idflow check` and `idflow import` do: cross-file references
 * (subprocesses, aspects' PointCuts) resolve within the set and through `resolveExternal`.
 */
export async function loadDefinitionFiles(files: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const diags = new DiagnosticBag();
  const objects: LoadedObject[] = [];
  for (const [index, file] of files.entries()) {
    options.onFile?.(file, index, files.length);
    let bytes: Uint8Array;
    try {
      const info = await stat(file);
      // A device or pipe (/dev/zero, a FIFO) would be read without end, and a directory not at all.
      if (!info.isFile()) {
        diags.error('FILE_UNREADABLE', `not a regular file (${info.isDirectory() ? 'a directory' : 'a device, pipe or socket'}); give an XML file`, { file, line: 1, column: 1 });
        continue;
      }
      const max = options.limits?.maxBytes ?? DEFAULT_XML_LIMITS.maxBytes;
      if (info.size > max) {
        diags.error('XML_TOO_LARGE', `file is ${info.size} bytes; the limit is ${max} bytes`, { file, line: 1, column: 1 });
        continue;
      }
      bytes = await readFile(file);
    } catch (e) {
      diags.error('FILE_UNREADABLE', `cannot read ${basename(file)}: ${readErrorWords(e)}`, { file, line: 1, column: 1 });
      continue;
    }
    const start = notXmlStart(bytes);
    if (start !== undefined) {
      diags.error('FILE_NOT_XML', `${basename(file)} is not XML: it starts with ${start}; give the workflow's .xml file`, { file, line: 1, column: 1 });
      continue;
    }
    objects.push(...loadDocument(bytes, file, diags, options.limits));
  }
  const relinked = linkWithStored(objects, options.stored ?? [], diags);
  validateObjects(
    objects.map((o) => o.object),
    diags,
    options.resolveExternal,
    options.maxStepsCeiling !== undefined ? { maxStepsCeiling: options.maxStepsCeiling } : {},
  );
  return { objects: [...objects, ...relinked], diagnostics: diags.sorted(), ok: !diags.hasErrors() };
}

/**
 * Links Netwrix aspects across the load set and the stored objects, so an aspect imported on its own reaches a
 * workflow imported earlier and a workflow imported again keeps the stored aspects that cut it. Loaded objects win
 * over stored ones of the same type and name. Returns the stored workflows whose linked aspects changed: they must be
 * stored again (as a new version) for the engine to run the new aspects. Problems located in stored objects are
 * reported as warnings: they do not stop this import.
 */
function linkWithStored(loaded: readonly LoadedObject[], stored: readonly LoadedObject[], diags: DiagnosticBag): LoadedObject[] {
  const key = (o: DefinitionObject): string => `${o.type}\u0000${o.name}`;
  const loadedKeys = new Set(loaded.map((o) => key(o.object)));
  // Stored models are copied: linking mutates workflow models in place.
  const others = stored
    .filter((o) => (o.object.type === 'Workflow' || o.object.type === 'Aspect') && !loadedKeys.has(key(o.object)))
    .map((o) => ({ ...o, object: structuredClone(o.object) }));
  const before = new Map(others.map((o) => [o, JSON.stringify(o.object)]));
  const linkDiags = new DiagnosticBag();
  linkNetwrixSet([...loaded, ...others].map((o) => o.object), linkDiags);
  const files = new Set(loaded.map((o) => o.file));
  for (const d of linkDiags.items) {
    if (files.has(d.location.file)) diags.add(d);
    // A stored aspect that no longer fits a workflow being imported is worth knowing, but it is not this import's error.
    else diags.warning(d.code, `stored object: ${d.message}`, d.location);
  }
  return others.filter((o) => o.object.type === 'Workflow' && JSON.stringify(o.object) !== before.get(o));
}
