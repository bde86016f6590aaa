import type { Command } from 'commander';
import { ObjectTypes, type DefinitionObject } from '../../definition/model/objects.js';
import type { StoredObject } from '../../repository/object-store.js';
import { action } from '../action.js';
import { openRequiredCliRepository, withRepository } from '../cli-repository.js';
import { parseObjectType } from '../object-type-arg.js';
import { printJson, println, printTable, shortTime, type Column } from '../output.js';

interface ListOptions {
  readonly json?: boolean;
}

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

const FACT_HEADERS: Record<string, string> = { execMode: 'exec mode', pointCuts: 'pointcuts', repeatSeconds: 'repeat (s)' };

export function registerList(program: Command): void {
  program
    .command('list')
    .summary('list the objects of a type, or the types with their counts')
    .description(
      'Without TYPE: every object type with how many objects the repository holds. With TYPE: the latest version ' +
        'of every object of that type, by name, with its id, creation time and source file, and what matters for ' +
        `the type (dialect, execMode and activities for processes). Types: ${ObjectTypes.join(', ')}.`,
    )
    .argument('[type]', 'object type (case does not matter)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  idflow list
  idflow list TaskDefinition
  idflow list workflow --json`,
    )
    .action(
      action(async (typeText: string | undefined, options: ListOptions, command: Command) => {
        const type = typeText === undefined ? undefined : parseObjectType(typeText);
        await withRepository(await openRequiredCliRepository(command), async (repo) => {
          if (type === undefined) {
            const counts = await repo.objects.counts();
            const rows = ObjectTypes.map((t) => ({ type: t, count: counts[t] ?? 0 }));
            if (options.json) return printJson({ repository: repo.location, types: rows });
            println(`repository ${repo.location}`);
            printTable(rows, [
              { header: 'type', value: (r) => r.type },
              { header: 'objects', value: (r) => r.count, right: true },
            ]);
            return;
          }
          const objects = await repo.objects.listLatest(type);
          const rows = objects.map((o) => ({ object: o, facts: typeFacts(o.model) }));
          if (options.json) {
            return printJson(
              rows.map(({ object: o, facts }) => ({
                type: o.type,
                name: o.name,
                version: o.version,
                id: o.id,
                createdAt: o.createdAt,
                sourceFile: o.sourceFile,
                ...facts,
              })),
            );
          }
          if (rows.length === 0) return println(`no ${type} objects in ${repo.location}`);
          printTable(rows, listColumns(rows[0]!.facts));
        });
      }),
    );
}

function listColumns(sample: Facts): Column<{ object: StoredObject; facts: Facts }>[] {
  return [
    { header: 'name', value: (r) => r.object.name },
    { header: 'version', value: (r) => r.object.version, right: true },
    ...Object.keys(sample).map((key) => ({ header: FACT_HEADERS[key] ?? key, value: (r: { facts: Facts }) => r.facts[key], right: typeof sample[key] === 'number' })),
    { header: 'id', value: (r) => r.object.id },
    { header: 'created', value: (r) => shortTime(r.object.createdAt) },
    { header: 'source', value: (r) => r.object.sourceFile },
  ];
}
