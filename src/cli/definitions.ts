import type { Command } from 'commander';
import { formatDiagnostic, type Diagnostic } from '../definition/diagnostic.js';
import type { MigrationResult } from '../repository/migrator.js';
import { newRepositoryPath, openCliRepository, removeRepositoryFile, withRepository } from './cli-repository.js';
import type { LoadedObject, LoadResult } from '../definition/load.js';
import type { ObjectType } from '../definition/model/objects.js';
import type { PutStatus, StoredObject } from '../repository/object-store.js';
import type { Repository } from '../repository/repository.js';
import { createOperationRegistry } from '../services/operation-registry.js';
import { ExitStatus, formatTable, println } from './output.js';
import { progressFor } from './progress.js';

/** Names stored in the repository that references in new files may point to. */
export interface StoredNames {
  /** TaskDefinitions, Workflows and Configurations with a process, by object name and by process name. */
  readonly processes: ReadonlySet<string>;
  readonly rules: ReadonlySet<string>;
  /** The latest Netwrix Workflows and Aspects, linked with new files so aspects reach workflows imported apart. */
  readonly netwrix: readonly LoadedObject[];
}

async function storedNames(repo: Repository | undefined): Promise<StoredNames> {
  const processes = new Set<string>();
  const rules = new Set<string>();
  const netwrix: LoadedObject[] = [];
  if (repo) {
    for (const type of ['TaskDefinition', 'Workflow', 'Configuration'] as const satisfies readonly ObjectType[]) {
      for (const o of await repo.objects.listLatest(type)) {
        if (type === 'Workflow') netwrix.push({ object: o.model, xml: o.xml, file: o.sourceFile });
        if (!('process' in o.model) || !o.model.process || ('javaExecutor' in o.model && o.model.javaExecutor !== undefined)) continue;
        processes.add(o.name);
        processes.add(o.model.process.name);
      }
    }
    for (const o of await repo.objects.listLatest('Aspect')) netwrix.push({ object: o.model, xml: o.xml, file: o.sourceFile });
    for (const o of await repo.objects.list('Rule')) rules.add(o.name);
  }
  return { processes, rules, netwrix };
}

/**
 * Loads and validates files as `check` and `import` do: together, so references between them resolve, and
 * against the repository's processes. Shows a progress bar on a terminal when there are many files.
 */
export async function loadForRepository(files: readonly string[], repo: Repository | undefined): Promise<LoadResult> {
  const known = await storedNames(repo);
  const bar = progressFor(files.length, 'reading');
  const registry = createOperationRegistry();
  try {
    // The XML loaders are loaded by the commands that read files only (start-up time of the others).
    const { loadDefinitionFiles } = await import('../definition/load.js');
    return await loadDefinitionFiles(files, {
      resolveExternal: (name, kind) => (kind === 'rule' ? known.rules : known.processes).has(name),
      operations: (application) => registry.namesFor(application),
      stored: known.netwrix,
      ...(bar ? { onFile: (file: string, index: number) => bar.update(index, file) } : {}),
    });
  } finally {
    bar?.finish();
  }
}

/** Every diagnostic as `FILE:LINE:COL: error|warning CODE: message`. */
export function printDiagnostics(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) println(formatDiagnostic(d));
}

/** `2 errors, 1 warning`. */
export function countDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export interface ImportOutcome {
  readonly load: LoadResult;
  /** Absent when the files had errors and nothing was stored. */
  readonly results?: readonly { status: PutStatus; stored: StoredObject }[];
}

/** Validates the files and, when there is no error, stores all their objects in one transaction. */
export async function importFiles(repo: Repository, files: readonly string[]): Promise<ImportOutcome> {
  const load = await loadForRepository(files, repo);
  if (!load.ok) return { load };
  const results = await repo.objects.putMany(load.objects);
  return { load, results };
}

export interface CliImport {
  readonly outcome: ImportOutcome;
  /** The repository imported into; undefined when none existed and, the files having errors, none was created. */
  readonly repository?: { readonly location: string; readonly kind: string };
  /** True when this import created the repository. */
  readonly created: boolean;
}

/**
 * `import` and `init`: imports the files into the repository the command line names, creating it only when there is
 * something to store. A new repository holds nothing the files could refer to, so the files are validated first
 * without one, and a failed import (errors in the files, or a refusal while storing) leaves no file behind.
 */
export async function importWithCliRepository(
  command: Command,
  files: readonly string[],
  onMigrated?: (results: readonly MigrationResult[]) => void,
): Promise<CliImport> {
  const newPath = await newRepositoryPath(command);
  if (newPath === undefined) {
    const repo = await openCliRepository(command, onMigrated);
    const outcome = await withRepository(repo, (r) => importFiles(r, files));
    return { outcome, repository: { location: repo.location, kind: repo.kind }, created: false };
  }
  const load = await loadForRepository(files, undefined);
  if (!load.ok) return { outcome: { load }, created: false };
  let repo: Repository | undefined;
  let results;
  try {
    repo = await openCliRepository(command, onMigrated);
    results = await repo.objects.putMany(load.objects);
  } catch (e) {
    await repo?.close().catch(() => undefined);
    removeRepositoryFile(newPath);
    throw e;
  }
  await repo.close();
  return { outcome: { load, results }, repository: { location: repo.location, kind: repo.kind }, created: true };
}

const STATUS_WORDS: Record<PutStatus, string> = { created: 'created', 'new-version': 'new version', unchanged: 'unchanged' };

/** One line per object: `created      TaskDefinition  Name  v1  (id)`, aligned. */
function printImportResults(results: readonly { status: PutStatus; stored: StoredObject }[]): void {
  if (results.length === 0) return;
  // Empty headers: a header row is noise in a progress report, and must not widen the columns.
  const table = formatTable(results, [
    { header: '', value: (r) => STATUS_WORDS[r.status] },
    { header: '', value: (r) => r.stored.type },
    { header: '', value: (r) => r.stored.name },
    { header: '', value: (r) => `v${r.stored.version}` },
    { header: '', value: (r) => `(${r.stored.id})` },
  ]);
  println(table.split('\n').slice(1).join('\n'));
}

/** `3 objects from 2 files: 1 created, 1 new version, 1 unchanged`. */
function importSummary(results: readonly { status: PutStatus }[], fileCount: number): string {
  const count = (s: PutStatus) => results.filter((r) => r.status === s).length;
  return `${plural(results.length, 'object')} from ${plural(fileCount, 'file')}: ${count('created')} created, ${plural(count('new-version'), 'new version')}, ${count('unchanged')} unchanged`;
}

/** One row of the per-type account of an import: how many objects of that type were stored, skipped and refused. */
export interface ObjectTypeCount {
  /** The element name as written: `Resource`, `ProvisioningTask`, `TaskDefinition`, `Workflow`, … */
  readonly type: string;
  /** Stored by this import (created, new version or unchanged); 0 when the import stored nothing. */
  readonly stored: number;
  /** Waveset types idflow does not run: skipped with a warning, not stored. */
  readonly skipped: number;
  /** Objects holding an error. */
  readonly refused: number;
}

/**
 * Counts the objects of the files per type: what a customer checks after importing a whole export. Objects read
 * without error count as stored only when the import stored them (no file had an error).
 */
export function countObjectTypes(outcome: ImportOutcome): ObjectTypeCount[] {
  const rows = new Map<string, { stored: number; skipped: number; refused: number }>();
  for (const a of outcome.load.accounts) {
    const row = rows.get(a.type) ?? { stored: 0, skipped: 0, refused: 0 };
    if (a.outcome === 'skipped') row.skipped++;
    else if (a.outcome === 'refused') row.refused++;
    else if (outcome.results) row.stored++;
    rows.set(a.type, row);
  }
  return [...rows].map(([type, r]) => ({ type, ...r })).sort((a, b) => a.type.localeCompare(b.type));
}

/** `TYPE  STORED  SKIPPED  REFUSED`, one line per object type, when the files held any object. */
function printObjectTypeCounts(counts: readonly ObjectTypeCount[]): void {
  if (counts.length === 0) return;
  println(
    formatTable(counts, [
      { header: 'object type', value: (c) => c.type },
      { header: 'stored', value: (c) => c.stored, right: true },
      { header: 'skipped', value: (c) => c.skipped, right: true },
      { header: 'refused', value: (c) => c.refused, right: true },
    ]),
  );
}

/**
 * The text report of an import (`idflow import`, `idflow init`): the diagnostics, then one line per object and a
 * summary, or `<refusal>: N errors, M warnings` when nothing was stored. Returns the exit status.
 */
export function printImportOutcome(outcome: ImportOutcome, fileCount: number, refusal: string): number {
  printDiagnostics(outcome.load.diagnostics);
  const counts = countObjectTypes(outcome);
  // The per-type table only says more than the object lines when something was skipped or refused.
  const unusual = counts.some((c) => c.skipped > 0 || c.refused > 0);
  if (!outcome.results) {
    if (unusual) printObjectTypeCounts(counts);
    println(`${refusal}: ${countDiagnostics(outcome.load.diagnostics)}`);
    return ExitStatus.failed;
  }
  printImportResults(outcome.results);
  if (unusual) printObjectTypeCounts(counts);
  println(importSummary(outcome.results, fileCount));
  return ExitStatus.ok;
}

/** The JSON shape of one import result (`--json`). */
export function importResultJson(r: { status: PutStatus; stored: StoredObject }): Record<string, unknown> {
  const { stored } = r;
  return { status: r.status, type: stored.type, name: stored.name, version: stored.version, id: stored.id, file: stored.sourceFile };
}
