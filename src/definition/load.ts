import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { notXmlStart, readErrorWords } from './file-problems.js';
import { DiagnosticBag, type Diagnostic } from './diagnostic.js';
import type { LoadContext } from './load-context.js';
import type { DefinitionObject } from './model/objects.js';
import { createConnectorRegistry } from '../connectors/connector-registry.js';
import type { ConnectorSettingsValidator } from './idflow/connector-reader.js';
import { isIdflowRoot, loadIdflowDocument } from './idflow/idflow-loader.js';
import { linkNetwrixSet, loadNetwrixDocument } from './netwrix/netwrix-loader.js';
import { validateObjects, type ExternalProcessResolver } from './validate/validate-objects.js';
import type { KnownOperations } from './validate/validation-rule.js';
import { loadWavesetDocument } from './waveset/waveset-loader.js';
import { isWavesetObjectType, type ObjectAccount } from './waveset/waveset-object-types.js';
import type { XmlElement } from './xml/xml-element.js';
import { DEFAULT_XML_LIMITS, readXml, type XmlReadLimits } from './xml/xml-reader.js';
import { serializeXml } from './xml/xml-serialize.js';

export const NETWRIX_NAMESPACE = 'urn:schemas-usercube-com:configuration';

/** A definition object together with the XML it was read from. */
export interface LoadedObject {
  readonly object: DefinitionObject;
  /**
   * The object's own XML exactly as written (`idflow show --xml`): the whole file when the object is the file's root
   * element (declaration, DOCTYPE and comments included), else the text of its element from `<` to its end tag.
   */
  readonly xml: string;
  readonly file: string;
}

export interface LoadResult {
  readonly objects: readonly LoadedObject[];
  /** Every diagnostic, sorted by file, line and column. */
  readonly diagnostics: readonly Diagnostic[];
  readonly ok: boolean;
  /**
   * Every object element of the files and what became of it: read, skipped (a Waveset type idflow does not run) or
   * refused (an error located in it). The import summary counts these per type.
   */
  readonly accounts: readonly ObjectAccount[];
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
  /**
   * The service operations the engine knows (one list, or the names per application/class); a service action calling
   * another gets a warning (`DEF_UNKNOWN_OPERATION`).
   */
  readonly operations?: KnownOperations;
  /** What validates `<Connector>` settings: the connector registry with idflow's kinds, unless given. */
  readonly connectors?: ConnectorSettingsValidator;
  /** Called before each file is read (`index` counts from 0), e.g. for a progress bar. */
  readonly onFile?: (file: string, index: number, total: number) => void;
}

/** Which dialect a root element belongs to, or undefined when it is neither. */
export function detectDialect(root: XmlElement): 'waveset' | 'netwrix' | 'idflow' | undefined {
  if (root.name === 'ConfigurationFile') return 'netwrix';
  if (isIdflowRoot(root.name)) return 'idflow';
  if (root.name === 'Waveset' || isWavesetObjectType(root.name)) return 'waveset';
  return undefined;
}

/** Reads one document's objects (no cross-object validation). */
export function loadDocument(
  text: string | Uint8Array,
  file: string,
  diags: DiagnosticBag,
  limits?: XmlReadLimits,
  accounts?: ObjectAccount[],
  connectors?: ConnectorSettingsValidator,
): LoadedObject[] {
  const root = readXml(text, file, diags, limits);
  if (!root) return [];
  const ctx: LoadContext = { file, diags, ...(accounts && { accounts }) };
  const dialect = detectDialect(root);
  let objects: DefinitionObject[];
  if (dialect === 'netwrix') {
    const ns = root.attributes.get('xmlns');
    if (ns !== NETWRIX_NAMESPACE) {
      diags.error('DEF_NAMESPACE', `<ConfigurationFile> must declare xmlns="${NETWRIX_NAMESPACE}"${ns ? `, not "${ns}"` : ''}`, root.location);
      return [];
    }
    objects = loadNetwrixDocument(root, ctx);
    for (const o of objects) accounts?.push({ type: o.type, name: o.name, outcome: 'read', file, line: o.location.line });
  } else if (dialect === 'waveset') {
    objects = loadWavesetDocument(root, ctx);
  } else if (dialect === 'idflow') {
    objects = loadIdflowDocument(root, ctx, connectors ?? createConnectorRegistry());
  } else {
    diags.error(
      'DEF_UNKNOWN_ROOT',
      `<${root.name}> is not a workflow document; expected <Waveset>, a Waveset object (<TaskDefinition>, <Configuration>, <Rule>, <TaskSchedule>, <Resource>, …), <ConfigurationFile> or an idflow object (<Connector>, or several in <Idflow>)`,
      root.location,
    );
    return [];
  }
  const elements = elementsByLocation(root);
  return objects.map((object) => {
    const el = elements.get(`${object.location.line}:${object.location.column}`);
    return { object, file, xml: el ? sourceTextOf(el, root) : '' };
  });
}

/** The exact text of `el` in its document; re-serialised only when the reader could not say where it is. */
function sourceTextOf(el: XmlElement, root: XmlElement): string {
  const source = root.source;
  if (source === undefined || el.span === undefined) return serializeXml(el);
  if (el === root) return source;
  const text = source.slice(el.span.start, el.span.end);
  return text.startsWith(`<${el.name}`) && text.endsWith('>') ? text : serializeXml(el);
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
  const accounts: ObjectAccount[] = [];
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
    objects.push(...loadDocument(bytes, file, diags, options.limits, accounts, options.connectors));
  }
  const relinked = linkWithStored(objects, options.stored ?? [], diags);
  validateObjects(
    objects.map((o) => o.object),
    diags,
    options.resolveExternal,
    {
      ...(options.maxStepsCeiling !== undefined && { maxStepsCeiling: options.maxStepsCeiling }),
      ...(options.operations !== undefined && { operations: options.operations }),
    },
  );
  const diagnostics = diags.sorted();
  return { objects: [...objects, ...relinked], diagnostics, ok: !diags.hasErrors(), accounts: refuseWithErrors(accounts, diagnostics) };
}

/**
 * Marks as refused every object read whose element holds an error found after reading (validation's: an unknown
 * subprocess, a missing activity). An error belongs to the last object of its file that starts on or before its line.
 */
function refuseWithErrors(accounts: readonly ObjectAccount[], diagnostics: readonly Diagnostic[]): ObjectAccount[] {
  const out = [...accounts];
  const byFile = new Map<string, number[]>();
  out.forEach((a, i) => {
    const list = byFile.get(a.file);
    if (list) list.push(i);
    else byFile.set(a.file, [i]);
  });
  for (const d of diagnostics) {
    if (d.severity !== 'error') continue;
    // Accounts of a file are in document order: binary search for the last one starting on or before the line.
    const idx = byFile.get(d.location.file) ?? [];
    let lo = 0;
    let hi = idx.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (out[idx[mid]!]!.line <= d.location.line) lo = mid + 1;
      else hi = mid;
    }
    const owner = lo > 0 ? idx[lo - 1] : undefined;
    if (owner !== undefined && out[owner]!.outcome === 'read') out[owner] = { ...out[owner]!, outcome: 'refused' };
  }
  return out;
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
