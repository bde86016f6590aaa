import { Option, type Command } from 'commander';
import { didYouMean } from '../../definition/validate/suggest.js';
import { ObjectTypes, type ObjectType } from '../../definition/model/objects.js';
import { NotFoundError } from '../../errors.js';
import { escapeControls } from '../../identity/subject-key.js';
import type { Repository } from '../../repository/repository.js';
import { action } from '../action.js';
import { openRequiredCliRepository, withRepository } from '../cli-repository.js';
import { describeObject } from '../describe-object.js';
import { parseObjectType } from '../object-type-arg.js';
import { printJson, println } from '../output.js';
import { positiveInteger } from '../option-values.js';
import { UsageError } from '../usage-error.js';

interface ShowOptions {
  readonly version?: string;
  readonly xml?: boolean;
  readonly reformat?: boolean;
  readonly json?: boolean;
}

/**
 * `OBJECT_NOT_FOUND` for a name no object of the type has: the nearest names of that type (whatever their case), or
 * the types that do have an object of that name (`show Workflow "Update User"` for a TaskDefinition).
 */
async function objectNotFound(repo: Repository, type: ObjectType, name: string): Promise<NotFoundError> {
  const names = (await repo.objects.listLatest(type)).map((o) => o.name);
  // Echoed to a terminal: a name with control characters is shown escaped.
  const shown = escapeControls(name);
  const elsewhere: ObjectType[] = [];
  for (const other of ObjectTypes) if (other !== type && (await repo.objects.getLatest(other, name))) elsewhere.push(other);
  const hint =
    elsewhere.length > 0
      ? `; there is a ${elsewhere.join(' and a ')} of that name: idflow show ${elsewhere[0]} "${shown}"`
      : names.length > 0
        ? didYouMean(name, names, `the ${type} objects are`)
        : `; it holds no ${type} objects`;
  return new NotFoundError('OBJECT_NOT_FOUND', `no ${type} called "${shown}" in ${repo.location}${hint}`, { type, name: shown });
}

/** The stored XML parsed and written out again: one layout, no comments, no prolog (`--xml --reformat`). */
async function reformatted(xml: string, name: string): Promise<string> {
  const [{ readXml }, { serializeXml }, { DiagnosticBag }] = await Promise.all([
    import('../../definition/xml/xml-reader.js'),
    import('../../definition/xml/xml-serialize.js'),
    import('../../definition/diagnostic.js'),
  ]);
  const root = readXml(xml, name, new DiagnosticBag());
  return root ? serializeXml(root) : xml;
}

export function registerShow(program: Command): void {
  program
    .command('show')
    .summary('show one stored object: a summary, its XML or its model')
    .description(
      'Shows the latest version of one object (or --version N): by default a readable summary with its ' +
        'parameters, variables and each activity with its actions and transitions; --xml the XML exactly as imported ' +
        '(the whole file when the object was its root: declaration, DOCTYPE, comments and layout kept; else the ' +
        "object's element as written), --xml --reformat the same XML re-serialised; " +
        '--json the stored process model with the version facts.',
    )
    .argument('<type>', 'object type (case does not matter)')
    .argument('<name>', 'object name (quote names with spaces)')
    .addOption(new Option('--version <n>', 'show version N instead of the latest'))
    .addOption(new Option('--xml', 'print the XML exactly as imported').conflicts('json'))
    .addOption(new Option('--reformat', 'with --xml: re-serialise it (one layout, comments and DOCTYPE dropped)'))
    .addOption(new Option('--json', 'print the stored model as JSON').conflicts('xml'))
    .addHelpText(
      'after',
      `
Examples:
  idflow show Workflow User_Onboarding
  idflow show TaskDefinition "Update User With Approval" --version 1 --xml
  idflow show Workflow User_Onboarding --xml --reformat
  idflow show taskdefinition "Update User With Approval" --json`,
    )
    .action(
      action(async (typeText: string, name: string, options: ShowOptions, command: Command) => {
        const type = parseObjectType(typeText);
        const version = options.version === undefined ? undefined : positiveInteger(options.version, '--version', 'CLI_BAD_VERSION');
        await withRepository(await openRequiredCliRepository(command), async (repo) => {
          const stored = version === undefined ? await repo.objects.getLatest(type, name) : await repo.objects.getVersion(type, name, version);
          if (!stored) {
            const versions = await repo.objects.versions(type, name);
            if (versions.length > 0) {
              throw new NotFoundError('OBJECT_NOT_FOUND', `${type} "${name}" has no version ${version}; it has ${versions.map((v) => `v${v.version}`).join(', ')}`, {
                type,
                name,
                ...(version !== undefined ? { version } : {}),
              });
            }
            throw await objectNotFound(repo, type, name);
          }
          if (options.reformat && !options.xml) throw new UsageError('CLI_USAGE', '--reformat goes with --xml', {});
          if (options.xml) {
            const xml = options.reformat ? await reformatted(stored.xml, `${type} ${name}`) : stored.xml;
            return void process.stdout.write(xml.endsWith('\n') ? xml : `${xml}\n`);
          }
          if (options.json) return printJson(stored);
          for (const line of describeObject(stored, await repo.objects.versions(type, name))) println(line);
        });
      }),
    );
}
