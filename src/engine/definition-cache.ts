import type { ProcessObject, RuleObject, TaskScheduleObject } from '../definition/model/objects.js';
import type { StoredObject } from '../repository/object-store.js';
import type { Repository } from '../repository/repository.js';

/** A launchable or callable definition version, with the process object the interpreter runs. */
export interface LoadedDefinition {
  readonly stored: StoredObject;
  readonly object: ProcessObject;
}

const PROCESS_TYPES = ['TaskDefinition', 'Workflow', 'Configuration'] as const;

/**
 * Definition versions by generated id, and the latest version of every process and rule by name.
 *
 * The interpreter resolves subprocesses and rules synchronously, so the latest versions are held in memory and
 * {@link refresh}ed before each launch, decision and worker round. A refresh costs one query when nothing was imported;
 * otherwise it reads summaries and fetches the models of versions it has not seen; model objects stay the same objects between rounds, so the interpreter's
 * per-model indexes stay warm.
 */
export class DefinitionCache {
  readonly #repo: Repository;
  readonly #byId = new Map<string, StoredObject>();
  #latest = new Map<string, StoredObject>();
  /** Latest TaskDefinitions and Workflows by name and type: two types may share a name. */
  #launchable = new Map<string, StoredObject[]>();
  #rules = new Map<string, RuleObject>();
  #schedules: TaskScheduleObject[] = [];
  #mark: string | undefined;

  constructor(repo: Repository) {
    this.#repo = repo;
  }

  /** Re-reads the latest versions when anything was imported since the last refresh; one small query otherwise. */
  async refresh(): Promise<void> {
    const mark = await this.#repo.objects.changeMark();
    if (mark === this.#mark) return;
    const latest = new Map<string, StoredObject>();
    const launchable = new Map<string, StoredObject[]>();
    // Later types lose to earlier ones: a TaskDefinition wins over a Workflow or Configuration of the same name.
    for (const type of [...PROCESS_TYPES].reverse()) {
      for (const summary of await this.#repo.objects.list(type)) {
        const stored = await this.#get(summary.id);
        if (stored && 'process' in stored.model && stored.model.process) {
          latest.set(stored.name, stored);
          if (type !== 'Configuration') launchable.set(stored.name, [stored, ...(launchable.get(stored.name) ?? [])]);
        }
      }
    }
    this.#launchable = launchable;
    const rules = new Map<string, RuleObject>();
    for (const summary of await this.#repo.objects.list('Rule')) {
      const stored = await this.#get(summary.id);
      if (stored?.model.type === 'Rule') rules.set(stored.name, stored.model);
    }
    const schedules: TaskScheduleObject[] = [];
    for (const summary of await this.#repo.objects.list('TaskSchedule')) {
      const stored = await this.#get(summary.id);
      if (stored?.model.type === 'TaskSchedule') schedules.push(stored.model);
    }
    this.#latest = latest;
    this.#rules = rules;
    this.#schedules = schedules;
    this.#mark = mark;
  }

  async #get(id: string): Promise<StoredObject | undefined> {
    let stored = this.#byId.get(id);
    if (!stored) {
      stored = await this.#repo.objects.getById(id);
      if (stored) this.#byId.set(id, stored);
    }
    return stored;
  }

  /** The pinned version an instance runs on. */
  async byId(id: string): Promise<LoadedDefinition | undefined> {
    const stored = await this.#get(id);
    return stored ? asDefinition(stored) : undefined;
  }

  /**
   * Every latest launchable version called `name`, TaskDefinition first: more than one when a TaskDefinition and a
   * Workflow share the name (Waveset allows objects of different types one name).
   */
  launchables(name: string): LoadedDefinition[] {
    return (this.#launchable.get(name) ?? []).map(asDefinition).filter((d): d is LoadedDefinition => d !== undefined);
  }

  /** The latest launchable version called `name` (TaskDefinition or Workflow; the TaskDefinition when both exist). */
  latestLaunchable(name: string): LoadedDefinition | undefined {
    const stored = this.#latest.get(name);
    if (!stored || (stored.type !== 'TaskDefinition' && stored.type !== 'Workflow')) return undefined;
    return asDefinition(stored);
  }

  /** The names of every launchable definition (latest TaskDefinitions and Workflows), for "did you mean". */
  launchableNames(): string[] {
    return [...this.#latest.values()].filter((s) => s.type === 'TaskDefinition' || s.type === 'Workflow').map((s) => s.name);
  }

  /**
   * Version `version` of the launchable definition called `name` (`idflow run --version N`), of the type its latest
   * version has; undefined when there is no such version.
   */
  async launchableVersion(name: string, version: number, type?: 'TaskDefinition' | 'Workflow'): Promise<LoadedDefinition | undefined> {
    const latest = type === undefined ? this.#latest.get(name) : this.#launchable.get(name)?.find((s) => s.type === type);
    if (!latest || (latest.type !== 'TaskDefinition' && latest.type !== 'Workflow')) return undefined;
    if (latest.version === version) return asDefinition(latest);
    const stored = await this.#repo.objects.getVersion(latest.type, name, version);
    if (!stored) return undefined;
    this.#byId.set(stored.id, stored);
    return asDefinition(stored);
  }

  /** Any process by name (subprocess calls). */
  process(name: string): ProcessObject | undefined {
    const stored = this.#latest.get(name);
    return stored ? asDefinition(stored)?.object : undefined;
  }

  rule(name: string): RuleObject | undefined {
    return this.#rules.get(name);
  }

  schedules(): readonly TaskScheduleObject[] {
    return this.#schedules;
  }
}

function asDefinition(stored: StoredObject): LoadedDefinition | undefined {
  const m = stored.model;
  if (m.type === 'TaskDefinition' || m.type === 'Workflow' || (m.type === 'Configuration' && m.process)) return { stored, object: m };
  return undefined;
}
