import type { Command } from 'commander';
import { ObjectTypes, type DefinitionObject, type ObjectType } from '../../definition/model/objects.js';
import type { StoredObject } from '../../repository/object-store.js';
import { action } from '../action.js';
import { openRequiredCliRepository, withRepository } from '../cli-repository.js';
import { addListOptions, listRequest, pageRows, printList, type ListColumn, type ListOptionValues, type ListRequest } from '../list-output.js';
import { parseObjectType } from '../object-type-arg.js';
import { printJson, println, shortTime } from '../output.js';
import { UsageError } from '../usage-error.js';

type Facts = Record<string, string | number | boolean | undefined>;

/** What each type shows beyond name, version, id, date and file: the facts an administrator looks for. */
function typeFacts(model: DefinitionObject): Facts {
  switch (model.type) {
    case 'TaskDefinition':
      return { dialect: model.dialect, execMode: model.parameters.execMode, activities: model.process.activities.length };
    case 'Workflow':
      return {
        dialect: model.dialect,
        execMode: model.parameters.execMode,
        entity: model.entityType,
        templates: model.activities.length,
        activities: model.process.activities.length,
      };
    case 'Configuration':
      return { dialect: model.dialect, process: model.process ? 'yes' : 'no' };
    case 'Rule':
      return { dialect: model.dialect, arguments: model.arguments.length };
    case 'AccessControlRule':
      return { profile: model.profile, entries: model.entries.length };
    case 'Aspect':
      return { kind: model.aspect.kind, pointCuts: model.aspect.pointCuts.length };
    case 'TaskSchedule':
      return { definition: model.definition, start: model.start, repeatSeconds: model.repeatSeconds, disabled: model.disabled };
    case 'Connector':
      return { kind: model.kind, settings: Object.keys(model.settings).length };
  }
}

/** The facts of each type in table order: their column names (`--fields`) are these keys lower-cased. */
const FACT_KEYS: Record<ObjectType, readonly string[]> = {
  TaskDefinition: ['dialect', 'execMode', 'activities'],
  Workflow: ['dialect', 'execMode', 'entity', 'templates', 'activities'],
  Configuration: ['dialect', 'process'],
  Rule: ['dialect', 'arguments'],
  AccessControlRule: ['profile', 'entries'],
  Aspect: ['kind', 'pointCuts'],
  TaskSchedule: ['definition', 'start', 'repeatSeconds', 'disabled'],
  Connector: ['kind', 'settings'],
};

/** Table headers that are not the key itself (a header is also the `--fields` name, spaces as dashes). */
const FACT_HEADERS: Record<string, string> = { execMode: 'exec-mode', pointCuts: 'pointcuts', repeatSeconds: 'repeat-seconds' };

const factName = (key: string): string => (FACT_HEADERS[key] ?? key).toLowerCase();

interface ObjectRow {
  /** The order's tie-break: the name (unique among the latest versions), as one import stores many at one time. */
  readonly id: string;
  readonly createdAt: string;
  readonly object: StoredObject;
  readonly facts: Facts;
}

/** The columns of `list TYPE`: name and version, the type's facts, then id, creation time and source file. */
function objectColumns(type: ObjectType): ListColumn<ObjectRow>[] {
  return [
    { name: 'name', text: (r) => r.object.name },
    { name: 'version', text: (r) => String(r.object.version), json: (r) => r.object.version, right: true },
    ...FACT_KEYS[type].map(
      (key): ListColumn<ObjectRow> => ({
        name: factName(key),
        text: (r) => String(r.facts[key] ?? ''),
        json: (r) => r.facts[key] ?? null,
        right: key === 'activities' || key === 'templates' || key === 'arguments' || key === 'entries' || key === 'pointCuts' || key === 'repeatSeconds',
      }),
    ),
    { name: 'id', text: (r) => r.object.id, keep: true },
    { name: 'created', text: (r) => shortTime(r.object.createdAt), json: (r) => r.object.createdAt },
    { name: 'source', text: (r) => r.object.sourceFile, json: (r) => r.object.sourceFile },
  ];
}

/** Every name `--fields` takes for some type; the type given narrows it (checked once the type is known). */
const ALL_FIELDS = [...new Set(ObjectTypes.flatMap((t) => objectColumns(t).map((c) => c.name)))];

interface ListOptions extends ListOptionValues {}

/** Options that page or filter by date mean nothing for the type counts (seven rows, no dates). */
const PAGING_OPTIONS = ['limit', 'after', 'since', 'until'] as const;

export function registerList(program: Command): void {
  const list = program
    .command('list')
    .summary('list the objects of a type, or the types with their counts')
    .description(
      'Without TYPE: every object type with how many objects the repository holds. With TYPE: the latest version ' +
        'of every object of that type, newest first, with its id, creation (import) time and source file, and what ' +
        'matters for the type (dialect, execMode and activities for processes). Pages of --limit rows (default 50); ' +
        `a full page prints on stderr the --after cursor of the next. Types: ${ObjectTypes.join(', ')}.`,
    )
    .argument('[type]', 'object type (case does not matter)');
  addListOptions(list, ALL_FIELDS)
    .addHelpText(
      'after',
      `
--fields takes name, version, id, created, source and the type's own columns (for TaskDefinition: dialect,
exec-mode, activities; see docs/cli.md).

Examples:
  idflow list
  idflow list TaskDefinition
  idflow list Workflow --fields name,version,entity --output csv
  idflow list TaskDefinition --since 2025-02-01 --sort oldest --limit 10
  idflow list workflow --json`,
    )
    .action(
      action(async (typeText: string | undefined, options: ListOptions, command: Command) => {
        const type = typeText === undefined ? undefined : parseObjectType(typeText);
        if (type === undefined) {
          const given = PAGING_OPTIONS.filter((o) => options[o] !== undefined);
          if (given.length > 0 || command.getOptionValueSource('sort') === 'cli') {
            const names = [...given, ...(command.getOptionValueSource('sort') === 'cli' ? ['sort'] : [])].map((o) => `--${o}`);
            throw new UsageError('CLI_OPTION_NEEDS_TYPE', `${names.join(', ')} ${names.length > 1 ? 'apply' : 'applies'} to the objects of one type, not to the type counts; give a TYPE (idflow list TaskDefinition ${names[0]} …)`, {
              options: names,
            });
          }
        }
        const request = await listRequest(options, type === undefined ? ['type', 'count'] : objectColumns(type).map((c) => c.name));
        await withRepository(await openRequiredCliRepository(command), async (repo) => {
          if (type === undefined) return printTypeCounts(repo.location, await repo.objects.counts(), request);
          const objects = await repo.objects.listLatest(type);
          const rows = pageRows(
            objects.map((o): ObjectRow => ({ id: o.name, createdAt: o.createdAt, object: o, facts: typeFacts(o.model) })),
            request,
          );
          printList(rows, objectColumns(type), request, `no ${type} objects in ${repo.location}`, ({ object: o, facts }) => ({
            type: o.type,
            name: o.name,
            version: o.version,
            id: o.id,
            createdAt: o.createdAt,
            sourceFile: o.sourceFile,
            ...facts,
          }));
        });
      }),
    );
}

/** Without TYPE: one row per object type. `--json` keeps its object shape (`{repository, types}`). */
function printTypeCounts(location: string, counts: Partial<Record<ObjectType, number>>, request: ListRequest): void {
  const rows = ObjectTypes.map((t) => ({ type: t, count: counts[t] ?? 0 }));
  if (request.output === 'json' && !request.fields) return printJson({ repository: location, types: rows });
  if (request.output === 'table' && !request.fields) println(`repository ${location}`);
  // The rows carry no date: printList's cursor never shows, as the page is all seven types.
  const dated = rows.map((r) => ({ ...r, id: r.type, createdAt: '' }));
  printList(
    dated,
    [
      { name: 'type', text: (r) => r.type, keep: true },
      { name: 'count', text: (r) => String(r.count), json: (r) => r.count, right: true },
    ],
    { ...request, limit: dated.length },
    '',
    (r) => ({ type: r.type, count: r.count }),
  );
}
