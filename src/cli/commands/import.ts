import type { Command } from 'commander';
import { action } from '../action.js';
import { countObjectTypes, importResultJson, importWithCliRepository, printImportOutcome } from '../definitions.js';
import { expandFiles } from '../expand-files.js';
import { ExitStatus, printJson } from '../output.js';

interface ImportOptions {
  readonly json?: boolean;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .summary('validate definition files and store them in the repository')
    .description(
      'Validates the files as `idflow check` does and, when no file has an error, stores every object in one ' +
        'transaction: a new object is created as v1, a changed one becomes the next version with a new id, an ' +
        'identical one is left unchanged (moving or reformatting an object does not change it). When any file ' +
        'has an error nothing is stored. Creates the repository when it does not exist and there is something to store: ' +
        'an import that fails leaves no repository behind.',
    )
    .argument('<files...>', 'XML files, or directories whose .xml files are read')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  idflow import examples/waveset/
  idflow --db /var/lib/idflow/idflow.db import examples/waveset/grant-role.xml

Output, one line per object:
  created      Workflow        User_Onboarding  v1  (2f0c…)
  new version  TaskDefinition  Update User      v3  (91ab…)
  unchanged    Rule            Manager Of       v1  (c4d2…)

A whole Waveset export (a directory of many object types) imports: workflows, Configurations, Rules and
TaskSchedules are stored; the other types (Resource, Role, User, EmailTemplate, …) are skipped with a warning, and a
table counts the objects of each type stored, skipped and refused. --json gives it as "objectTypes".`,
    )
    .action(
      action(async (paths: string[], options: ImportOptions, command: Command) => {
        const files = await expandFiles(paths);
        const { outcome } = await importWithCliRepository(command, files);
        const { load, results } = outcome;
        if (options.json) {
          printJson({
            ok: load.ok,
            files,
            results: (results ?? []).map(importResultJson),
            objectTypes: countObjectTypes(outcome),
            diagnostics: load.diagnostics,
          });
          return load.ok ? ExitStatus.ok : ExitStatus.failed;
        }
        return printImportOutcome(outcome, files.length, 'nothing imported');
      }),
    );
}
